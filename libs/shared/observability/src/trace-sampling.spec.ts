import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { KeepMarkPropagator, TailSamplingProcessor, keepTraceId, ratioKeeps, resetTraceKeepMarks, traceKeptReason } from './trace-sampling';

const TRACE_KEPT_BY_RATIO = '0'.repeat(19) + '0000000000001'; // low bits ≈ 0: kept by any ratio > 0
const TRACE_DROPPED_BY_RATIO = '0'.repeat(19) + 'fffffffffffff'; // low bits ≈ 1: dropped by any ratio < 1

function span(traceId: string, opts: { id?: string; parent?: string; remoteParent?: boolean; error?: boolean; ms?: number } = {}): ReadableSpan {
  const ms = opts.ms ?? 5;
  return {
    name: 'x',
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId, spanId: opts.id ?? 'a'.repeat(16), traceFlags: 1 }),
    parentSpanContext: opts.parent ? ({ traceId, spanId: opts.parent, traceFlags: 1, isRemote: opts.remoteParent ?? false } as SpanContext) : undefined,
    status: { code: opts.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    duration: [Math.floor(ms / 1000), (ms % 1000) * 1e6],
  } as unknown as ReadableSpan;
}

class Collect implements SpanProcessor {
  readonly exported: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(s: ReadableSpan): void {
    this.exported.push(s);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('tail sampling', () => {
  beforeEach(() => resetTraceKeepMarks());

  it('decides by the trace id, the same in every process', () => {
    expect(ratioKeeps(TRACE_KEPT_BY_RATIO, 0.1)).toBe(true);
    expect(ratioKeeps(TRACE_DROPPED_BY_RATIO, 0.9)).toBe(false);
    expect(ratioKeeps(TRACE_DROPPED_BY_RATIO, 1)).toBe(true);
    expect(ratioKeeps(TRACE_KEPT_BY_RATIO, 0)).toBe(false);
    // about the ratio over many random ids
    let kept = 0;
    for (let i = 0; i < 10_000; i++) if (ratioKeeps(Math.random().toString(16).slice(2).padStart(32, '0').slice(-32), 0.25)) kept++;
    expect(kept).toBeGreaterThan(2000);
    expect(kept).toBeLessThan(3000);
  });

  it('exports a trace the ratio keeps and drops one it does not, whole, when its local root has settled', async () => {
    const out = new Collect();
    const p = new TailSamplingProcessor(out, { ratio: 0.5, slowMs: 1000, settleMs: 0 });
    for (const t of [TRACE_KEPT_BY_RATIO, TRACE_DROPPED_BY_RATIO]) {
      p.onEnd(span(t, { id: '1'.repeat(16), parent: '0'.repeat(16) })); // a child first
      expect(out.exported).toHaveLength(0);
      p.onEnd(span(t, { id: '0'.repeat(16) })); // its local root
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(out.exported.map((s) => s.spanContext().traceId)).toEqual([TRACE_KEPT_BY_RATIO, TRACE_KEPT_BY_RATIO]);
    expect(p.pendingTraces).toBe(0);
    // a late span follows the decision made
    p.onEnd(span(TRACE_DROPPED_BY_RATIO, { id: '2'.repeat(16), parent: '0'.repeat(16) }));
    p.onEnd(span(TRACE_KEPT_BY_RATIO, { id: '2'.repeat(16), parent: '0'.repeat(16) }));
    expect(out.exported).toHaveLength(3);
  });

  it('keeps every trace of a failure, an error or a slow local root whatever the ratio', async () => {
    const out = new Collect();
    const p = new TailSamplingProcessor(out, { ratio: 0, slowMs: 1000, settleMs: 0 });
    const failed = 'f'.repeat(32);
    const erred = 'e'.repeat(32);
    const slow = 'd'.repeat(32);
    const quick = 'c'.repeat(32);
    keepTraceId(failed, 'payment_failed');
    p.onEnd(span(failed));
    p.onEnd(span(erred, { id: '1'.repeat(16), parent: '0'.repeat(16), error: true }));
    p.onEnd(span(erred));
    p.onEnd(span(slow, { parent: '9'.repeat(16), remoteParent: true, ms: 1500 })); // a consumer's root, continuing a remote trace
    p.onEnd(span(quick));
    await p.forceFlush();
    expect(new Set(out.exported.map((s) => s.spanContext().traceId))).toEqual(new Set([failed, erred, slow]));
    expect(out.exported).toHaveLength(4);
    expect(traceKeptReason(slow)).toBe('slow');
  });

  it('bounds what it buffers: past the limit the ratio decides at once', () => {
    const out = new Collect();
    const p = new TailSamplingProcessor(out, { ratio: 1, slowMs: 1000, maxPendingTraces: 2 });
    for (let i = 0; i < 5; i++) p.onEnd(span(String(i + 1).repeat(32), { parent: '0'.repeat(16) }));
    expect(p.pendingTraces).toBe(2);
    expect(out.exported).toHaveLength(3);
    return p.shutdown();
  });

  it('carries the keep mark in tracestate, across HTTP and Kafka', () => {
    const propagator = new KeepMarkPropagator();
    const traceId = 'ab'.repeat(16);
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '12'.repeat(8), traceFlags: 1 });
    const plain: Record<string, string> = {};
    propagator.inject(ctx, plain, defaultTextMapSetter);
    expect(plain.traceparent).toBe(`00-${traceId}-${'12'.repeat(8)}-01`);
    expect(plain.tracestate).toBeUndefined();

    keepTraceId(traceId, 'payment_failed');
    const marked: Record<string, string> = {};
    propagator.inject(ctx, marked, defaultTextMapSetter);
    expect(marked.tracestate).toBe('countypay=keep');

    resetTraceKeepMarks();
    const extracted = propagator.extract(ROOT_CONTEXT, marked, defaultTextMapGetter);
    expect(trace.getSpanContext(extracted)?.traceId).toBe(traceId);
    expect(traceKeptReason(traceId)).toBe('upstream');
  });
});
