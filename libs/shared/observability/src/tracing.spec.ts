// Starts the process-wide provider: kept in its own file (jest gives each file its own globals).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { RPCType, getRPCMetadata, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { closeHttpConnections, httpCall } from './http-client';
import { annotateActiveSpan, currentTraceId, currentTraceparent, setActiveHttpRoute, withTraceparent } from './trace-context';
import { KEEP_RESPONSE_HEADER, resetTraceKeepMarks, traceKeptReason } from './trace-sampling';
import { startTracing, tracingOptionsFromEnv, type TracingHandle } from './tracing';

describe('tracing', () => {
  let tenant: string | undefined;
  let handle: TracingHandle;

  beforeAll(() => {
    handle = startTracing({ serviceName: 'spec', exporter: 'memory', getTenantId: () => tenant });
  });
  afterAll(() => handle.shutdown());
  beforeEach(() => {
    tenant = undefined;
    handle.memoryExporter!.reset();
  });

  it('returns the same handle when started twice', () => {
    expect(startTracing({ serviceName: 'other', exporter: 'memory' })).toBe(handle);
  });

  it('continues a trace from a serialised traceparent', () => {
    const tracer = spanTracer();
    let traceparent: string | undefined;
    let parentTraceId: string | undefined;
    tracer.startActiveSpan('request', (span) => {
      traceparent = currentTraceparent();
      parentTraceId = currentTraceId();
      span.end();
    });
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    withTraceparent(traceparent, () => tracer.startActiveSpan('relay publish', (span) => span.end()));

    const [parent, child] = handle.memoryExporter!.getFinishedSpans();
    expect(child!.spanContext().traceId).toBe(parentTraceId);
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
  });

  it('stamps tenant.id when the getter returns a tenant', () => {
    const tracer = spanTracer();
    tenant = '330702';
    tracer.startActiveSpan('with tenant', (span) => {
      annotateActiveSpan({ 'payment.id': 'pay_1', 'merchant.id': undefined });
      span.end();
    });
    tenant = undefined;
    tracer.startSpan('without tenant').end();

    const [withTenant, withoutTenant] = handle.memoryExporter!.getFinishedSpans();
    expect(withTenant!.attributes).toEqual({ 'tenant.id': '330702', 'payment.id': 'pay_1' });
    expect(withoutTenant!.attributes['tenant.id']).toBeUndefined();
  });

  it('hands a route template to the HTTP server span of the request in scope, and to nothing else', () => {
    const span = spanTracer().startSpan('server');
    const metadata: RPCMetadata = { type: RPCType.HTTP, span };
    const request = setRPCMetadata(context.active(), metadata);
    context.with(request, () => setActiveHttpRoute('/v1/qr/orders/{orderId}'));
    expect(metadata.route).toBe('/v1/qr/orders/{orderId}');
    expect(getRPCMetadata(context.active())).toBeUndefined();
    expect(() => setActiveHttpRoute('/v1/outside')).not.toThrow();
    span.end();
  });

  describe('httpCall', () => {
    let server: Server;
    let base: string;
    const traceparents: (string | undefined)[] = [];

    beforeAll(async () => {
      // jest's own module registry never reaches the require hook that patches node:http (a service
      // process does: tracing.ts preloads it): require it through the process's real loader
      const { Module } = jest.requireActual<{ Module: new (id: string) => { require(id: string): unknown } }>('node:module');
      new Module('tracing.spec').require('http');
      server = createServer((req, res) => {
        traceparents.push(req.headers.traceparent as string | undefined);
        if (req.url === '/keep') res.setHeader(KEEP_RESPONSE_HEADER, 'error');
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      closeHttpConnections();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    beforeEach(() => {
      traceparents.length = 0;
      resetTraceKeepMarks();
    });

    it("makes a client span under the caller's, sends its W3C context and keeps the trace the answer marks", async () => {
      const tracer = spanTracer();
      let callerTraceId = '';
      let callerSpanId = '';
      await tracer.startActiveSpan('caller', async (span) => {
        callerTraceId = span.spanContext().traceId;
        callerSpanId = span.spanContext().spanId;
        await httpCall(`${base}/keep`, { method: 'POST', body: '{}', timeoutMs: 5000 });
        span.end();
      });
      const client = handle.memoryExporter!.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
      expect(client).toBeDefined();
      expect(client!.spanContext().traceId).toBe(callerTraceId);
      expect(client!.parentSpanContext?.spanId).toBe(callerSpanId);
      expect(client!.attributes['http.response.status_code']).toBe(200);
      expect(traceparents).toEqual([`00-${callerTraceId}-${client!.spanContext().spanId}-01`]);
      expect(traceKeptReason(callerTraceId)).toBe('error');
    });

    it('keeps nothing when the answer has no mark', async () => {
      let traceId = '';
      await spanTracer().startActiveSpan('caller', async (span) => {
        traceId = span.spanContext().traceId;
        await httpCall(`${base}/plain`, { method: 'GET', timeoutMs: 5000 });
        span.end();
      });
      expect(traceparents[0]).toMatch(new RegExp(`^00-${traceId}-`));
      expect(traceKeptReason(traceId)).toBeUndefined();
    });

    it('makes no client span outside a trace', async () => {
      await httpCall(`${base}/plain`, { method: 'GET', timeoutMs: 5000 });
      expect(handle.memoryExporter!.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT)).toEqual([]);
      expect(traceparents).toEqual([undefined]);
    });
  });

  it('names the service in the resource', () => {
    spanTracer().startSpan('x').end();
    expect(handle.memoryExporter!.getFinishedSpans()[0]!.resource.attributes['service.name']).toBe('spec');
  });
});

describe('tracingOptionsFromEnv', () => {
  it('defaults to no exporter', () => {
    expect(tracingOptionsFromEnv('gateway', {})).toEqual({ serviceName: 'gateway', exporter: 'none' });
  });

  it('reads the exporter and endpoints', () => {
    const env = { COUNTYPAY_TRACE_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' };
    expect(tracingOptionsFromEnv('gateway', env)).toMatchObject({ exporter: 'otlp', otlpEndpoint: 'http://localhost:4318' });
  });

  it('names the variable on a bad value', () => {
    expect(() => tracingOptionsFromEnv('gateway', { COUNTYPAY_TRACE_EXPORTER: 'jaeger' })).toThrow(/COUNTYPAY_TRACE_EXPORTER/);
    expect(() => tracingOptionsFromEnv('gateway', { COUNTYPAY_ZIPKIN_URL: 'not a url' })).toThrow(/COUNTYPAY_ZIPKIN_URL/);
  });
});

function spanTracer(): ReturnType<typeof trace.getTracer> {
  return trace.getTracer('spec');
}
