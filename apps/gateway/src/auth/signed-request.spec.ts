import { generateSm2KeyPair, signedRequestHeaders } from '@countypay/security';
import type { StoredCredential } from '../registry/registry.types';
import { checkSignedRequest, signatureHeaders, usableCredentials } from './signed-request';

// docs/signing.md §6, the worked example
const SECRET = 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g';
const TARGET = '/v1/payments/qr-orders?tag=b&memo=%E5%86%9C%E4%BF%A1%E7%A4%BE+county&tag=a&merchant_id=mch_001';
const BODY = Buffer.from('{"amount":1000,"currency":"CNY","merchantId":"mch_001","description":"测试订单"}', 'utf8');
const HEADERS = {
  'x-cp-app-id': 'app_7k2m9x4q1w8e5r3t6y0u',
  'x-cp-timestamp': '1767225600',
  'x-cp-nonce': 'n8Yk2QpL5vR7tZ1xWc3dFg',
  'x-cp-signature-alg': 'HMAC-SHA256',
  'x-cp-signature': 'FDmTMjTorO6ZU0kfVkhSLhBrx0uYOonNFqexgOKwz+k=',
};
const NOW = 1767225600 * 1000 + 20_000;
const hmac = (secret: string, extra: Partial<StoredCredential> = {}): StoredCredential => ({
  credentialId: '7f1c1f2e-0000-4000-8000-000000000001',
  alg: 'HMAC-SHA256',
  secretCiphertext: `enc:${secret}`,
  status: 'active',
  ...extra,
});
// stands in for the FieldCipher decryption
const keyOf = (c: StoredCredential) => (c.alg === 'HMAC-SHA256' ? c.secretCiphertext?.slice(4) : c.publicKey);

function check(
  overrides: { headers?: Record<string, string>; body?: Buffer; target?: string; credentials?: StoredCredential[]; nowMs?: number; method?: string } = {},
) {
  return checkSignedRequest({
    method: overrides.method ?? 'POST',
    target: overrides.target ?? TARGET,
    body: overrides.body ?? BODY,
    headers: signatureHeaders({ ...HEADERS, ...overrides.headers }),
    credentials: overrides.credentials ?? [hmac(SECRET)],
    nowMs: overrides.nowMs ?? NOW,
    keyOf,
  });
}

describe('checkSignedRequest (gateway wiring of @countypay/security)', () => {
  it('accepts the worked example of docs/signing.md over the raw request', () => {
    expect(check()).toMatchObject({ ok: true, credential: { alg: 'HMAC-SHA256' } });
  });

  it('refuses a changed body byte, path, query or method', () => {
    expect(check({ body: Buffer.from(BODY.toString('utf8').replace('1000', '1001')) })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ body: Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8')), null, 1)) })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ target: TARGET.replace('tag=a', 'tag=c') })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ target: TARGET.replace('/v1/payments', '/v1/Payments') })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(check({ method: 'PUT' })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('refuses a wrong secret', () => {
    expect(check({ credentials: [hmac('another-secret')] })).toMatchObject({ ok: false, code: 'invalid_signature', param: 'X-CP-Signature' });
  });

  it("refuses an algorithm other than the app's", () => {
    expect(check({ headers: { 'x-cp-signature-alg': 'SM2-SM3' } })).toMatchObject({ ok: false, code: 'signature_algorithm_mismatch' });
    expect(check({ headers: { 'x-cp-signature-alg': 'MD5' } })).toMatchObject({ ok: false, code: 'signature_algorithm_mismatch' });
  });

  it('refuses timestamps outside ±300 s, and says which header', () => {
    expect(check({ nowMs: 1767225600 * 1000 + 301_000 })).toMatchObject({ ok: false, code: 'timestamp_out_of_window', param: 'X-CP-Timestamp' });
    expect(check({ nowMs: 1767225600 * 1000 - 301_000 })).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
    expect(check({ headers: { 'x-cp-timestamp': '1767225600000' } })).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
  });

  it('names a missing header and refuses a malformed nonce', () => {
    const { 'x-cp-signature': _drop, ...rest } = HEADERS;
    const r = checkSignedRequest({
      method: 'POST',
      target: TARGET,
      body: BODY,
      headers: signatureHeaders(rest),
      credentials: [hmac(SECRET)],
      nowMs: NOW,
      keyOf,
    });
    expect(r).toMatchObject({ ok: false, code: 'invalid_signature', param: 'X-CP-Signature' });
    expect(check({ headers: { 'x-cp-nonce': 'short' } })).toMatchObject({ ok: false, code: 'invalid_signature', param: 'X-CP-Nonce' });
  });

  it('verifies with a retiring credential until its notAfter (rotation)', () => {
    const creds = [hmac('the-new-secret'), hmac(SECRET, { status: 'retiring', notAfter: new Date(NOW + 60_000).toISOString() })];
    expect(check({ credentials: creds })).toMatchObject({ ok: true, credential: { status: 'retiring' } });
    const expired = [hmac('the-new-secret'), hmac(SECRET, { status: 'retiring', notAfter: new Date(NOW - 1).toISOString() })];
    expect(check({ credentials: expired })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(usableCredentials(expired, NOW)).toHaveLength(1);
  });

  it('verifies SM2-SM3 signatures with the registered public key (SM3 body digest)', () => {
    const keys = generateSm2KeyPair();
    const now = Date.now();
    const signed = signedRequestHeaders({
      appId: HEADERS['x-cp-app-id'],
      alg: 'SM2-SM3',
      key: keys.privateKey,
      method: 'POST',
      path: '/v1/qr/orders',
      query: 'a=1',
      body: BODY,
    });
    const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    const sm2: StoredCredential = { credentialId: '7f1c1f2e-0000-4000-8000-000000000002', alg: 'SM2-SM3', publicKey: keys.publicKey, status: 'active' };
    const base = { method: 'POST', body: BODY, headers: signatureHeaders(lower), credentials: [sm2], nowMs: now, keyOf };
    expect(checkSignedRequest({ ...base, target: '/v1/qr/orders?a=1' })).toMatchObject({ ok: true });
    expect(checkSignedRequest({ ...base, target: '/v1/qr/orders?a=2' })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });
});
