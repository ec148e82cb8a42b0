import { context, propagation, trace, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation, type UndiciResponse } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { SpanSelectionSampler } from './span-selection';
import { TenantSpanProcessor } from './tenant-span-processor';
import { KEEP_RESPONSE_HEADER, KeepMarkPropagator, TailSamplingProcessor, keepTraceId } from './trace-sampling';

export { InMemorySpanExporter };

/**
 * Where spans go. `none` exports nothing but still propagates: every HTTP request and Kafka message
 * carries the W3C `traceparent` (and `tracestate`), so a collector added later joins the traces.
 */
export type TraceExporterKind = 'none' | 'otlp' | 'zipkin' | 'memory' | 'console';

export interface TracingOptions {
  serviceName: string;
  exporter: TraceExporterKind;
  /** OTLP/HTTP base URL (`…:4318`) or full traces URL (`…/v1/traces`). */
  otlpEndpoint?: string;
  /** Zipkin spans URL, e.g. `http://localhost:9411/api/v2/spans`. */
  zipkinEndpoint?: string;
  /** Current tenant, stamped on every span as `tenant.id`. */
  getTenantId?: () => string | undefined;
  /** Share (0–1) of traces exported that nothing marked "keep" (failed, slow, error); default 1. */
  sampleRatio?: number;
  /** A local root span at least this long (ms) keeps its trace; default 1000. */
  slowMs?: number;
}

export interface TracingHandle {
  /** Flushes, unpatches the instrumented modules and unregisters the global provider. */
  shutdown(): Promise<void>;
  /** Set in `memory` mode: every ended span of the process lands here. */
  memoryExporter?: InMemorySpanExporter;
  /** Exports buffered spans now. */
  flush(): Promise<void>;
}

/** The part of an instrumentation we drive (the contrib packages use another base-class version than sdk-node). */
interface DrivenInstrumentation {
  setTracerProvider(provider: ApiTracerProvider): void;
  enable(): void;
  disable(): void;
}

const EXPORTERS: readonly TraceExporterKind[] = ['none', 'otlp', 'zipkin', 'memory', 'console'];
const PROBE_PATHS = /^\/(metrics|health(\/|$))/;

// http and https too: a CommonJS require is what patches the core modules' shared exports (the
// client's `request`), whoever loaded them first and however (an `import`, jest's module registry)
const PRELOADED_PACKAGES = ['http', 'https', 'express', 'pg', 'kafkajs'];

let active: TracingHandle | undefined;

/**
 * Reads tracing options from `COUNTYPAY_TRACE_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `COUNTYPAY_ZIPKIN_URL`, `COUNTYPAY_TRACE_SAMPLE_RATIO` and `COUNTYPAY_TRACE_SLOW_MS`.
 */
export function tracingOptionsFromEnv(serviceName: string, env: NodeJS.ProcessEnv): TracingOptions {
  const raw = (env['COUNTYPAY_TRACE_EXPORTER'] ?? 'none').trim().toLowerCase() || 'none';
  if (!isExporterKind(raw)) {
    throw new Error(`COUNTYPAY_TRACE_EXPORTER must be one of ${EXPORTERS.join('|')}, got "${raw}"`);
  }
  const sampleRatio = numberFromEnv(env, 'COUNTYPAY_TRACE_SAMPLE_RATIO', 0, 1);
  const slowMs = numberFromEnv(env, 'COUNTYPAY_TRACE_SLOW_MS', 1, 3_600_000);
  return {
    serviceName,
    exporter: raw,
    otlpEndpoint: urlFromEnv(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    zipkinEndpoint: urlFromEnv(env, 'COUNTYPAY_ZIPKIN_URL'),
    ...(sampleRatio !== undefined ? { sampleRatio } : {}),
    ...(slowMs !== undefined ? { slowMs } : {}),
  };
}

/** Starts tracing once per process (call it before Nest, pg or kafkajs are loaded); later calls return the same handle. */
export function startTracing(opts: TracingOptions): TracingHandle {
  active ??= startProvider(opts);
  return active;
}

function startProvider(opts: TracingOptions): TracingHandle {
  const exporting = opts.exporter !== 'none';
  const memoryExporter = opts.exporter === 'memory' ? new InMemorySpanExporter() : undefined;
  // `none`: spans are made (their ids travel in the headers) and go nowhere
  const processors: SpanProcessor[] = exporting ? [exportProcessor(opts, memoryExporter)] : [];
  if (exporting && opts.getTenantId) processors.unshift(new TenantSpanProcessor(opts.getTenantId));
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName })),
    // every span but a transaction's BEGIN/COMMIT is recorded; which traces are exported is decided
    // when they end (TailSamplingProcessor) (a caller's "not sampled" flag does not hide a failed
    // payment from the operators)
    sampler: new SpanSelectionSampler(),
    spanProcessors: processors,
  });
  registerGlobals(provider);
  const instrumentations = createInstrumentations(exporting);
  for (const instrumentation of instrumentations) instrumentation.setTracerProvider(provider);
  preloadInstrumentedPackages();
  return {
    memoryExporter,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      instrumentations.forEach((instrumentation) => instrumentation.disable());
      await provider.shutdown();
      unregisterGlobals();
      active = undefined;
    },
  };
}

function exportProcessor(opts: TracingOptions, memoryExporter: InMemorySpanExporter | undefined): SpanProcessor {
  if (memoryExporter) return new SimpleSpanProcessor({ exporter: memoryExporter });
  if (opts.exporter === 'console') return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
  return new TailSamplingProcessor(new BatchSpanProcessor({ exporter: networkExporter(opts) }), {
    ratio: opts.sampleRatio ?? 1,
    slowMs: opts.slowMs ?? 1000,
  });
}

function networkExporter(opts: TracingOptions): SpanExporter {
  if (opts.exporter === 'zipkin') {
    return new ZipkinExporter({ serviceName: opts.serviceName, url: opts.zipkinEndpoint });
  }
  return new OTLPTraceExporter({ url: otlpTracesUrl(opts.otlpEndpoint) });
}

function registerGlobals(provider: TracerProvider): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new KeepMarkPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
}

function unregisterGlobals(): void {
  trace.disable();
  propagation.disable();
  context.disable();
}

// Constructing an instrumentation enables it (patches the module loader); they are driven
// by hand because instrumentation-http (0.301) and the contrib ones (0.223) use different
// `@opentelemetry/instrumentation` versions, so neither `registerInstrumentations` types both.
// Without an exporter only the two HTTP instrumentations run: they carry the context across
// HTTP; the outbox, relay and consumers carry it across Kafka themselves.
function createInstrumentations(exporting: boolean): DrivenInstrumentation[] {
  const http: DrivenInstrumentation[] = [
    // node:http, in and out: the incoming requests, and the payment path's calls (`httpCall`: gateway → service,
    // service → channel, the sandbox's notifications, webhooks); a client span only inside a trace, as for fetch
    new HttpInstrumentation({
      ignoreIncomingRequestHook: isProbeRequest,
      requireParentforOutgoingSpans: true,
      responseHook: (span, response) => {
        if (response instanceof IncomingMessage) keepWhenAnswerSaysSo(span, response.headers[KEEP_RESPONSE_HEADER]);
      },
    }),
    // Node's fetch (undici): the remaining calls (registry lookups, ops scrapes, reconciliation and payout clients)
    new UndiciInstrumentation({ requireParentforSpans: true, responseHook: (span, { response }) => keepWhenUndiciAnswerSaysSo(span, response) }),
  ];
  if (!exporting) return http;
  return [
    ...http,
    // no span per middleware, router or route-handler layer (≈ 10 per request through Nest's stack,
    // each recorded and exported): the instrumentation still hands the matched route to the server
    // span (`http.route`, and its name `POST /v1/…`), and what the handler annotates
    // (`annotateActiveSpan`) lands on the server span
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER] }),
    // no parameter values in spans (personal data); statements only inside a trace (no root spans for
    // pool/poller noise); no `pg-pool.connect` span per checkout (the pool keeps its connections open:
    // a checkout is a map lookup, its span cost more than it)
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
    new KafkaJsInstrumentation(),
  ];
}

// NestJS 12 is ESM and loads express (and, through loadPackage, kafkajs) with `import`, which
// the require hooks never see. Requiring the CommonJS packages once here patches their shared
// prototypes, and a later `import` gets the same cached, patched module.
function preloadInstrumentedPackages(): void {
  const load = createRequire(__filename);
  for (const name of PRELOADED_PACKAGES) {
    try {
      load(name);
    } catch {
      // not installed in this deployment: nothing to instrument
    }
  }
}

/** A downstream service that marked the trace "keep" says so in its answer: the caller keeps its part too. */
function keepWhenAnswerSaysSo(span: { spanContext(): { traceId: string } }, mark: string | string[] | undefined): void {
  if (mark === undefined) return;
  keepTraceId(span.spanContext().traceId, (typeof mark === 'string' ? mark : mark[0]) || 'downstream');
}

function keepWhenUndiciAnswerSaysSo(span: { spanContext(): { traceId: string } }, response: UndiciResponse): void {
  for (let i = 0; i + 1 < response.headers.length; i += 2) {
    if (response.headers[i]!.toString('latin1').toLowerCase() === KEEP_RESPONSE_HEADER) {
      keepWhenAnswerSaysSo(span, response.headers[i + 1]!.toString('latin1'));
      return;
    }
  }
}

function isProbeRequest(req: IncomingMessage): boolean {
  return PROBE_PATHS.test(req.url ?? '');
}

function otlpTracesUrl(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

function urlFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!URL.canParse(value)) throw new Error(`${name} must be a URL, got "${value}"`);
  return value;
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

function isExporterKind(value: string): value is TraceExporterKind {
  return (EXPORTERS as readonly string[]).includes(value);
}
