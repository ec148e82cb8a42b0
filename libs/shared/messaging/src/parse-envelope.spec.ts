import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import fc from 'fast-check';
import { EventEnvelope, type EventDefinition, PaymentSucceededData, PaymentSucceededV1, PlatformProbeV1 } from '@countypay/contracts';
import { HEADER } from './headers';
import { InvalidMessageError, parseEnvelope } from './parse-envelope';

/** parseEnvelope as it was before the envelope stopped copying its data (kept to compare outcomes with). */
function describeErrors(errors: ValidationError[], prefix = ''): string {
  return errors
    .flatMap((e) => {
      const path = `${prefix}${e.property}`;
      const own = Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`);
      return [...own, ...(e.children?.length ? [describeErrors(e.children, `${path}.`)] : [])];
    })
    .join('; ');
}
function parseAsBefore<T extends object>(value: Buffer, headers: Record<string, string>, def: EventDefinition<T>): EventEnvelope<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch {
    throw new InvalidMessageError('invalid_json', 'message value is not JSON');
  }
  const envelope = plainToInstance(EventEnvelope, raw) as EventEnvelope<object>;
  const envErrors = validateSync(envelope, { forbidUnknownValues: true });
  if (envErrors.length > 0) throw new InvalidMessageError('invalid_envelope', describeErrors(envErrors));
  if (envelope.type !== def.type || envelope.version !== def.version) {
    throw new InvalidMessageError('unexpected_event_type', `expected ${def.type} v${def.version}, got ${envelope.type} v${envelope.version}`);
  }
  if (headers[HEADER.tenantId] !== envelope.tenantId) throw new InvalidMessageError('tenant_mismatch', 'the tenant-id header does not match the envelope');
  const data = plainToInstance(def.dataClass, envelope.data);
  const dataErrors = validateSync(data, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (dataErrors.length > 0) throw new InvalidMessageError('invalid_data', describeErrors(dataErrors));
  return { ...envelope, data };
}

type Outcome = { ok: true; envelope: unknown; dataClass: string } | { ok: false; code: string; message: string };
function outcome(parse: () => EventEnvelope<object>): Outcome {
  try {
    const e = parse();
    return { ok: true, envelope: JSON.parse(JSON.stringify(e)), dataClass: e.data.constructor.name };
  } catch (err) {
    return err instanceof InvalidMessageError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'thrown', message: String(err) };
  }
}

const T = 't510116';
const headers = { [HEADER.tenantId]: T };
const succeeded = {
  orderId: randomUUID(),
  merchantId: randomUUID(),
  product: 'qr',
  amountFen: 1288,
  currency: 'CNY',
  outTradeNo: 'bench-1',
  channel: 'wechat',
  channelTradeNo: 'wx-1',
  paidAt: '2026-11-30T12:00:00.000Z',
};
const envelopeOf = (data: unknown, over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'payment.succeeded',
  version: 1,
  tenantId: T,
  occurredAt: '2026-11-30T12:00:00.000Z',
  data,
  ...over,
});
const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

describe('parseEnvelope', () => {
  it('gives the envelope with its data as an instance of the event class', () => {
    const e = parseEnvelope(bytes(envelopeOf(succeeded)), headers, PaymentSucceededV1);
    expect(e.data).toBeInstanceOf(PaymentSucceededData);
    expect(e.data).toEqual(succeeded);
    expect(e).toMatchObject({ type: 'payment.succeeded', version: 1, tenantId: T });
  });

  it.each([
    ['not JSON', '{', 'invalid_json'],
    ['no data', envelopeOf(undefined), 'invalid_envelope'],
    ['data not an object', envelopeOf('x'), 'invalid_envelope'],
    ['a bad envelope field', envelopeOf(succeeded, { id: 'nope', tenantId: 'x' }), 'invalid_envelope'],
    ['another event', envelopeOf(succeeded, { type: 'payment.failed' }), 'unexpected_event_type'],
    ['another tenant', envelopeOf(succeeded, { tenantId: 't510117' }), 'tenant_mismatch'],
    ['an unknown data field', envelopeOf({ ...succeeded, extra: 1 }), 'invalid_data'],
    ['a bad amount', envelopeOf({ ...succeeded, amountFen: 12.5 }), 'invalid_data'],
    ['a missing inherited field', envelopeOf({ ...succeeded, orderId: undefined }), 'invalid_data'],
  ])('refuses %s with %s, its message unchanged', (_what, value, code) => {
    const now = outcome(() => parseEnvelope(bytes(value), headers, PaymentSucceededV1));
    expect(now).toMatchObject({ ok: false, code });
    expect(now).toEqual(outcome(() => parseAsBefore(bytes(value), headers, PaymentSucceededV1)));
  });

  it('property: the same outcome as before — envelope, data class, or error code and message — for any JSON', () => {
    const field = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.object({ maxDepth: 1 }),
    );
    const data = fc.oneof(
      fc.record({ probeId: fc.oneof(fc.uuid(), field), origin: fc.oneof(fc.constantFrom('gateway', 'qr-payment'), field), note: field }, { requiredKeys: [] }),
      fc.record({ ...Object.fromEntries(Object.entries(succeeded).map(([k, v]) => [k, fc.oneof(fc.constant(v), field)])), extra: field }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const envelope = fc.record(
      {
        id: fc.oneof(fc.uuid(), field),
        type: fc.constantFrom('platform.probe', 'payment.succeeded', 'x'),
        version: fc.oneof(fc.constant(1), field),
        tenantId: fc.oneof(fc.constant(T), field),
        occurredAt: fc.oneof(fc.constant('2026-11-30T12:00:00.000Z'), field),
        data,
        more: field,
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(
        fc.oneof(envelope, fc.jsonValue({ maxDepth: 2 })),
        fc.constantFrom(PlatformProbeV1 as unknown as EventDefinition<object>, PaymentSucceededV1 as unknown as EventDefinition<object>),
        (value, def) => {
          const v = bytes(value === undefined ? 'null' : value);
          expect(outcome(() => parseEnvelope(v, headers, def))).toEqual(outcome(() => parseAsBefore(v, headers, def)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
