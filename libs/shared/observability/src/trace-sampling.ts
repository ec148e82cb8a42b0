import { SpanStatusCode, isSpanContextValid, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { TraceState, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Tail-ish sampling, in each process (ADR 0010-console-tracing): every span is recorded; a trace's
 * spans wait in memory until its local root ends (plus a short settle window), then the whole
 * local part of the trace is exported or dropped together. Kept: every trace marked "keep" — a
 * failed payment (`keepTrace`), a span that ended in error, a local root slower than the slow
 * threshold, or a mark that arrived with the trace (W3C `tracestate` `countypay=keep` on an HTTP
 * request or a Kafka message, or the `x-cp-trace-keep` answer of a downstream service) — and a
 * fixed share of the rest, chosen from the trace id so every process picks the same traces.
 */

/** The tracestate member that carries the keep mark from process to process. */
export const KEEP_TRACESTATE_KEY = 'countypay';
export const KEEP_TRACESTATE_VALUE = 'keep';
/** The response header a service answers when it marked the trace "keep", so the caller keeps its part too. */
export const KEEP_RESPONSE_HEADER = 'x-cp-trace-keep';

const KEEP_TTL_MS = 10 * 60_000;
const KEEP_MAX = 50_000;

/** Trace ids marked "keep" in this process (bounded, forgotten after 10 minutes). */
const kept = new Map<string, { reason: string; at: number }>();

function remember(traceId: string, reason: string): void {
  if (kept.has(traceId)) return;
  if (kept.size >= KEEP_MAX) {
    const cutoff = Date.now() - KEEP_TTL_MS;
    for (const [id, k] of kept) if (k.at < cutoff || kept.size >= KEEP_MAX) kept.delete(id);
  }
  kept.set(traceId, { reason, at: Date.now() });
}

/** Marks a trace (by id) to be kept whatever the sampling ratio. */
export function keepTraceId(traceId: string, reason: string): void {
  if (/^[0-9a-f]{32}$/.test(traceId) && traceId !== '0'.repeat(32)) remember(traceId, reason);
}

/**
 * Marks the active trace "keep" (a failed payment, say): every process it reaches afterwards keeps
 * its part, and the caller keeps its part when the answer comes back. Sets `countypay.trace.keep`
 * on the active span.
 */
export function keepTrace(reason: string): void {
  const span = trace.getActiveSpan();
  const sc = span?.spanContext();
  if (!span || !sc || !isSpanContextValid(sc)) return;
  span.setAttribute('countypay.trace.keep', reason);
  keepTraceId(sc.traceId, reason);
}

/** Why the trace is kept, or undefined when it is not marked. */
export function traceKeptReason(traceId: string | undefined): string | undefined {
  if (!traceId) return undefined;
  const k = kept.get(traceId);
  if (!k) return undefined;
  if (Date.now() - k.at > KEEP_TTL_MS) {
    kept.delete(traceId);
    return undefined;
  }
  return k.reason;
}

/** Forgets every mark (tests). */
export function resetTraceKeepMarks(): void {
  kept.clear();
}

/**
 * Whether the ratio keeps a trace: the low 52 bits of the (random) trace id against the ratio, so
 * every process of the platform decides the same for the same trace.
 */
export function ratioKeeps(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  return parseInt(traceId.slice(-13), 16) / 2 ** 52 < ratio;
}

/**
 * The W3C trace-context propagator plus the keep mark: injects `countypay=keep` into `tracestate`
 * when the trace is marked in this process, and marks a trace that arrives with it.
 */
export class KeepMarkPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    this.w3c.inject(ctx, carrier, setter);
    const sc = trace.getSpanContext(ctx);
    if (!sc || !isSpanContextValid(sc) || !traceKeptReason(sc.traceId)) return;
    const state = (sc.traceState ?? new TraceState()).set(KEEP_TRACESTATE_KEY, KEEP_TRACESTATE_VALUE);
    setter.set(carrier, 'tracestate', state.serialize());
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const out = this.w3c.extract(ctx, carrier, getter);
    const sc = trace.getSpanContext(out);
    if (sc && sc.traceState?.get(KEEP_TRACESTATE_KEY) === KEEP_TRACESTATE_VALUE) keepTraceId(sc.traceId, 'upstream');
    return out;
  }

  fields(): string[] {
    return this.w3c.fields();
  }
}

export interface TailSamplingOptions {
  /** share (0–1) of unmarked traces to export */
  ratio: number;
  /** a local root span at least this long (ms) keeps its trace */
  slowMs: number;
  /** how long (ms) after its local root ends a trace's late spans may still join the decision */
  settleMs?: number;
  /** traces waiting for a decision at most; past it the ratio decides at once (memory bound) */
  maxPendingTraces?: number;
  /** a trace whose local root never ends is decided after this long (ms) */
  maxWaitMs?: number;
}

interface Pending {
  spans: ReadableSpan[];
  decideAt: number;
}

/**
 * Wraps the exporting processor: buffers each trace's ended spans and exports or drops them
 * together (see the top of this file). No timer runs while nothing waits.
 */
export class TailSamplingProcessor implements SpanProcessor {
  private readonly pending = new Map<string, Pending>();
  /** decisions already made, so late spans follow them (bounded, oldest forgotten first) */
  private readonly decided = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly settleMs: number;
  private readonly maxPending: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly next: SpanProcessor,
    private readonly opts: TailSamplingOptions,
  ) {
    this.settleMs = opts.settleMs ?? 2000;
    this.maxPending = opts.maxPendingTraces ?? 5000;
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const localRoot = !span.parentSpanContext || span.parentSpanContext.isRemote === true;
    if (span.status.code === SpanStatusCode.ERROR) keepTraceId(traceId, 'error');
    if (localRoot && durationMs(span) >= this.opts.slowMs) keepTraceId(traceId, 'slow');

    const decision = this.decided.get(traceId);
    if (decision !== undefined) {
      if (decision || traceKeptReason(traceId)) this.next.onEnd(span);
      return;
    }
    let p = this.pending.get(traceId);
    if (!p) {
      if (this.pending.size >= this.maxPending) {
        if (this.keeps(traceId)) this.next.onEnd(span);
        return;
      }
      p = { spans: [], decideAt: Date.now() + this.maxWaitMs };
      this.pending.set(traceId, p);
    }
    p.spans.push(span);
    if (localRoot) p.decideAt = Math.min(p.decideAt, Date.now() + this.settleMs);
    this.schedule(p.decideAt);
  }

  async forceFlush(): Promise<void> {
    for (const traceId of [...this.pending.keys()]) this.decide(traceId);
    await this.next.forceFlush();
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const traceId of [...this.pending.keys()]) this.decide(traceId);
    await this.next.shutdown();
  }

  /** Traces waiting for their decision (tests, metrics). */
  get pendingTraces(): number {
    return this.pending.size;
  }

  private keeps(traceId: string): boolean {
    return traceKeptReason(traceId) !== undefined || ratioKeeps(traceId, this.opts.ratio);
  }

  private decide(traceId: string): void {
    const p = this.pending.get(traceId);
    this.pending.delete(traceId);
    const keep = this.keeps(traceId);
    this.decided.set(traceId, keep);
    if (this.decided.size > this.maxPending * 4) {
      const first = this.decided.keys().next();
      if (!first.done) this.decided.delete(first.value);
    }
    if (keep && p) for (const s of p.spans) this.next.onEnd(s);
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let nextAt = Infinity;
    for (const [traceId, p] of this.pending) {
      if (p.decideAt <= now) this.decide(traceId);
      else nextAt = Math.min(nextAt, p.decideAt);
    }
    if (nextAt !== Infinity) this.schedule(nextAt);
  }
}

function durationMs(span: ReadableSpan): number {
  const [s, ns] = span.duration;
  return s * 1000 + ns / 1e6;
}

interface HeadWritable {
  writeHead: (...args: never[]) => unknown;
  setHeader(name: string, value: string): unknown;
  headersSent?: boolean;
}

/**
 * Express middleware: when the request's trace got marked "keep" while it was handled (a failed
 * payment), the answer says so in `x-cp-trace-keep`, and the caller (the gateway) keeps its part.
 */
export function traceKeepAnswer(_req: unknown, res: HeadWritable, next: () => void): void {
  const sc = trace.getActiveSpan()?.spanContext();
  const traceId = sc && isSpanContextValid(sc) ? sc.traceId : undefined;
  if (traceId) {
    const writeHead = res.writeHead;
    res.writeHead = function (this: HeadWritable, ...args: never[]): unknown {
      const reason = traceKeptReason(traceId);
      if (reason && !this.headersSent) this.setHeader(KEEP_RESPONSE_HEADER, reason);
      return writeHead.apply(this, args);
    } as HeadWritable['writeHead'];
  }
  next();
}
