import {
  ROOT_CONTEXT,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import { KeepMarkPropagator } from './trace-sampling';

/** Attribute values accepted by {@link annotateActiveSpan}; `undefined` is skipped. */
export type SpanAnnotations = Record<string, string | number | boolean | undefined>;

// A local propagator, so that these helpers work whether or not tracing was started; it carries
// the "keep" mark of tail sampling in `tracestate` (trace-sampling.ts).
const w3c = new KeepMarkPropagator();

/** Sets the given attributes on the active span, if any, skipping undefined values. */
export function annotateActiveSpan(attrs: SpanAnnotations): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined) span.setAttribute(key, value);
  }
}

/**
 * Gives the HTTP server span of the request in scope its route template: its `http.route`, and its
 * name (`POST /v1/qr/orders/{orderId}`) when the response ends. For requests no framework route
 * matched — the gateway's forwarded calls, which otherwise show as `POST /` in every trace. A route
 * Express matches later in the same request overrides it. Does nothing outside a traced request.
 */
export function setActiveHttpRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/** The trace id of the active span, or undefined outside a (valid) span. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The span id of the active span, or undefined outside a (valid) span. */
export function currentSpanId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
}

/** The W3C `traceparent` header value of the active context, or undefined. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier['traceparent'];
}

/**
 * The W3C headers of the active context: `traceparent` and, when there is one (or the trace is
 * marked "keep"), `tracestate`. Empty outside a span.
 */
export function currentTraceHeaders(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier;
}

/**
 * A context holding only the remote span of a `traceparent` value (and its `tracestate`),
 * detached from whatever is active now (the root context when the value is absent or invalid).
 */
export function contextFromTraceparent(traceparent: string | undefined, tracestate?: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, tracestate ? { traceparent, tracestate } : { traceparent }, defaultTextMapGetter);
}

/** Runs `fn` in the context of a stored `traceparent` (and nothing else), so spans started inside become its children. */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T, tracestate?: string): T {
  return context.with(contextFromTraceparent(traceparent, tracestate), fn);
}

/** Runs `fn` outside any trace: background loops started from a request must not inherit its context. */
export function runDetached<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}

/**
 * A PRODUCER span for one message published in a batch, child of the span that wrote the message
 * (its stored `traceparent`), its context injected into the message's headers — so one payment
 * stays one trace across Kafka even when many payments' events travel in one request. `end` it
 * when the batch is acknowledged. (The kafkajs instrumentation would parent every span of a
 * batch to the one active context.)
 */
export function startProducerSpan(topic: string, key: string, headers: Record<string, string>): { end: (err?: unknown) => void } {
  const parent = contextFromTraceparent(headers['traceparent'], headers['tracestate']);
  const span = trace.getTracer('countypay-outbox').startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.kafka.message.key': key,
        'messaging.operation.name': 'send',
      },
    },
    parent,
  );
  if (span.spanContext().traceFlags !== undefined && isSpanContextValid(span.spanContext()))
    w3c.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
  return {
    end: (err?: unknown) => {
      if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      span.end();
    },
  };
}

/**
 * A CONSUMER span for one event a consumer handles (batched or not), child of the span that
 * published it (the message's `traceparent`), and `fn` run inside it — the payment's trace goes on
 * in the consumer. Ends with `fn`, marked as an error if `fn` throws.
 */
export async function inConsumerSpan<T>(
  topic: string,
  headers: Record<string, string | undefined>,
  attributes: SpanAnnotations,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceparent(headers['traceparent'], headers['tracestate']);
  const attrs: Record<string, string | number | boolean> = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.name': 'process',
  };
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) attrs[k] = v;
  const span = trace.getTracer('countypay-consumer').startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: attrs }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
