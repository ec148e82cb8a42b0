import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Writable } from 'node:stream';
import { createLogger } from './logger';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A destination that keeps every line written to it, parsed. */
function captureStream(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

describe('createLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    context.disable();
  });

  it('writes JSON with an ISO time and the service', () => {
    const { stream, lines } = captureStream();
    createLogger({ serviceName: 'gateway', destination: stream }).info('started');

    expect(lines[0]).toMatchObject({ level: 'info', service: 'gateway', msg: 'started' });
    expect(lines[0]!['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('adds trace_id, span_id and tenant_id inside an active span', () => {
    const { stream, lines } = captureStream();
    const logger = createLogger({ serviceName: 'gateway', destination: stream, getTenantId: () => '330702' });
    const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };

    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.child({ module: 'orders' }).info('paid'));

    expect(lines[0]).toMatchObject({ trace_id: TRACE_ID, span_id: SPAN_ID, tenant_id: '330702', module: 'orders' });
  });

  it('masks personal data in objects, messages, bindings and errors', () => {
    const { stream, lines } = captureStream();
    const logger = createLogger({ serviceName: 'gateway', destination: stream }).child({ payer: '13812345678' });

    logger.info({ merchant: { legalRepName: '张三', bankAccount: '6222021234567890128' }, token: 't' }, 'id 33070219900101123X');
    logger.error(new Error('card 6222021234567890128 declined'));

    expect(lines[0]).toMatchObject({
      payer: '138****5678',
      merchant: { legalRepName: '张*', bankAccount: '622202*********0128' },
      token: '[REDACTED]',
      msg: 'id 330***********123X',
    });
    expect(JSON.stringify(lines[1])).not.toContain('6222021234567890128');
    expect(lines[1]!['msg']).toBe('card 622202*********0128 declined');
  });
});
