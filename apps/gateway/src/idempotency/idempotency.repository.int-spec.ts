import { createTestSchema, type TestSchema } from '@countypay/testing';
import { gatewayTablesSql } from '../migrations/1764202000000-gateway-tables';
import { idempotencyCompleteSql } from '../migrations/1768300000000-gateway-hot-path';
import { requestFingerprint } from '../domain/idempotency-fingerprint';
import { IdempotencyRepository } from './idempotency.repository';

describe('IdempotencyRepository (real PostgreSQL, two gateway instances)', () => {
  let db: TestSchema;
  let a: IdempotencyRepository;
  let b: IdempotencyRepository;
  const fp = requestFingerprint({ method: 'POST', path: '/v1/qr/orders', query: '', body: Buffer.from('{"amount":1000}') });
  const otherFp = requestFingerprint({ method: 'POST', path: '/v1/qr/orders', query: '', body: Buffer.from('{"amount":2000}') });

  beforeAll(async () => {
    db = await createTestSchema('gw_idem', [...gatewayTablesSql(), ...idempotencyCompleteSql()]);
    a = new IdempotencyRepository(await db.appDataSource());
    b = new IdempotencyRepository(await db.appDataSource());
  });
  afterAll(() => db.drop());

  const scope = (key: string) => ({ tenantId: 't510121', appId: 'app_aaaaaaaaaaaaaaaaaaaa', key });

  it('replays the stored first response, even an error, for the same request', async () => {
    expect(await a.claim(scope('k-1'), fp, 60)).toEqual({ outcome: 'claimed' });
    const body = Buffer.from('{"error":{"code":"merchant_not_active"}}');
    await a.complete(scope('k-1'), fp, { status: 422, headers: { 'content-type': 'application/json' }, body });
    const again = await b.claim(scope('k-1'), fp, 60);
    expect(again).toEqual({ outcome: 'replay', response: { status: 422, headers: { 'content-type': 'application/json' }, body } });
  });

  it('refuses the same key for a different request', async () => {
    expect(await a.claim(scope('k-2'), fp, 60)).toEqual({ outcome: 'claimed' });
    expect(await b.claim(scope('k-2'), otherFp, 60)).toEqual({ outcome: 'mismatch' });
  });

  it('answers in_progress to a concurrent duplicate, and lets exactly one claim win', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claim(scope('k-3'), fp, 60)));
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'in_progress')).toHaveLength(5);
  });

  it('keeps keys per app and tenant', async () => {
    expect(await a.claim({ ...scope('k-4'), appId: 'app_bbbbbbbbbbbbbbbbbbbb' }, fp, 60)).toEqual({ outcome: 'claimed' });
    expect(await a.claim({ ...scope('k-4'), tenantId: 't510129' }, fp, 60)).toEqual({ outcome: 'claimed' });
    expect(await a.claim(scope('k-4'), fp, 60)).toEqual({ outcome: 'claimed' });
  });

  it('frees a released key, and lets the same request take over an abandoned claim', async () => {
    expect(await a.claim(scope('k-5'), fp, 60)).toEqual({ outcome: 'claimed' });
    await a.release(scope('k-5'), fp);
    expect(await b.claim(scope('k-5'), fp, 60)).toEqual({ outcome: 'claimed' });

    expect(await a.claim(scope('k-6'), fp, 0)).toEqual({ outcome: 'claimed' });
    expect(await b.claim(scope('k-6'), otherFp, 60)).toEqual({ outcome: 'mismatch' });
    expect(await b.claim(scope('k-6'), fp, 60)).toEqual({ outcome: 'claimed' });
  });
});
