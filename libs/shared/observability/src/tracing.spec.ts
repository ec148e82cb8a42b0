// Starts the process-wide provider: kept in its own file (jest gives each file its own globals).
import { trace } from '@opentelemetry/api';
import { annotateActiveSpan, currentTraceId, currentTraceparent, withTraceparent } from './trace-context';
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
