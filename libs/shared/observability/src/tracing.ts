import { context, propagation, trace, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
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
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { TenantSpanProcessor } from './tenant-span-processor';

export { InMemorySpanExporter };

/** Where spans go. `none` turns tracing off (no SDK, no instrumentation). */
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

const PRELOADED_PACKAGES = ['express', 'pg', 'kafkajs'];

let active: TracingHandle | undefined;

/** Reads tracing options from `COUNTYPAY_TRACE_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT` and `COUNTYPAY_ZIPKIN_URL`. */
export function tracingOptionsFromEnv(serviceName: string, env: NodeJS.ProcessEnv): TracingOptions {
  const raw = (env['COUNTYPAY_TRACE_EXPORTER'] ?? 'none').trim().toLowerCase() || 'none';
  if (!isExporterKind(raw)) {
    throw new Error(`COUNTYPAY_TRACE_EXPORTER must be one of ${EXPORTERS.join('|')}, got "${raw}"`);
  }
  return {
    serviceName,
    exporter: raw,
    otlpEndpoint: urlFromEnv(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    zipkinEndpoint: urlFromEnv(env, 'COUNTYPAY_ZIPKIN_URL'),
  };
}

/** Starts tracing once per process (call it before Nest, pg or kafkajs are loaded); later calls return the same handle. */
export function startTracing(opts: TracingOptions): TracingHandle {
  active ??= opts.exporter === 'none' ? noopHandle() : startProvider(opts);
  return active;
}

function startProvider(opts: TracingOptions): TracingHandle {
  const memoryExporter = opts.exporter === 'memory' ? new InMemorySpanExporter() : undefined;
  const processors: SpanProcessor[] = [exportProcessor(opts, memoryExporter)];
  if (opts.getTenantId) processors.unshift(new TenantSpanProcessor(opts.getTenantId));
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName })),
    spanProcessors: processors,
  });
  registerGlobals(provider);
  const instrumentations = createInstrumentations();
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
  return new BatchSpanProcessor({ exporter: networkExporter(opts) });
}

function networkExporter(opts: TracingOptions): SpanExporter {
  if (opts.exporter === 'zipkin') {
    return new ZipkinExporter({ serviceName: opts.serviceName, url: opts.zipkinEndpoint });
  }
  return new OTLPTraceExporter({ url: otlpTracesUrl(opts.otlpEndpoint) });
}

function registerGlobals(provider: TracerProvider): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
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
function createInstrumentations(): DrivenInstrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: isProbeRequest }),
    new ExpressInstrumentation(),
    // no parameter values in spans (personal data); no root spans for pool/poller noise
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
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

function isProbeRequest(req: IncomingMessage): boolean {
  return PROBE_PATHS.test(req.url ?? '');
}

function noopHandle(): TracingHandle {
  return {
    flush: () => Promise.resolve(),
    shutdown: () => {
      active = undefined;
      return Promise.resolve();
    },
  };
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

function isExporterKind(value: string): value is TraceExporterKind {
  return (EXPORTERS as readonly string[]).includes(value);
}
