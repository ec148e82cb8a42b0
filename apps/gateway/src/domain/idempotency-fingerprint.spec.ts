import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from './idempotency-fingerprint';

describe('requestFingerprint', () => {
  const base = { method: 'POST', path: '/v1/qr/orders', query: '', body: Buffer.from('{"amount":1000}') };

  it('is the same for the same request', () => {
    expect(requestFingerprint(base)).toBe(requestFingerprint({ ...base, method: 'post', body: Buffer.from('{"amount":1000}') }));
    expect(requestFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the method, path, query or body bytes differ', () => {
    const f = requestFingerprint(base);
    expect(requestFingerprint({ ...base, method: 'PATCH' })).not.toBe(f);
    expect(requestFingerprint({ ...base, path: '/v1/qr/refunds' })).not.toBe(f);
    expect(requestFingerprint({ ...base, query: 'x=1' })).not.toBe(f);
    expect(requestFingerprint({ ...base, body: Buffer.from('{"amount":1001}') })).not.toBe(f);
    // the raw bytes count, not the JSON meaning
    expect(requestFingerprint({ ...base, body: Buffer.from('{ "amount":1000}') })).not.toBe(f);
  });

  it('treats no body as the empty body', () => {
    expect(requestFingerprint({ ...base, body: undefined })).toBe(requestFingerprint({ ...base, body: Buffer.alloc(0) }));
  });

  it('accepts UUIDs and refuses empty, long or non-ASCII keys', () => {
    expect(IDEMPOTENCY_KEY_PATTERN.test('0b6c1c7e-2d0a-4b8e-9d43-3f5f4a1b2c3d')).toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test('')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('a'.repeat(256))).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('订单1')).toBe(false);
    expect(IDEMPOTENCY_KEY_PATTERN.test('a b')).toBe(false);
  });
});
