import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SecurityError } from './security.exception';
import { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders, webhookKey } from './webhook-signature';

// Test vector published with the Standard Webhooks reference libraries.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TS = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const headersOf = (signature: string, id = SPEC_ID, ts = String(SPEC_TS)) => ({ 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature });

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(signWebhook({ secret: SPEC_SECRET, webhookId: SPEC_ID, timestamp: SPEC_TS, body: SPEC_BODY })).toBe(SPEC_SIGNATURE);
  });

  it('signs bytes and the equivalent UTF-8 string alike', () => {
    const input = { secret: SPEC_SECRET, webhookId: SPEC_ID, timestamp: SPEC_TS };
    expect(signWebhook({ ...input, body: '{"名":"农信"}' })).toBe(signWebhook({ ...input, body: Buffer.from('{"名":"农信"}') }));
  });

  it('rejects malformed secrets', () => {
    for (const secret of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_c2hvcnQ=', 'whsec_!!!!']) {
      expect(() => signWebhook({ secret, webhookId: SPEC_ID, timestamp: SPEC_TS, body: '' })).toThrow(SecurityError);
    }
  });

  it('generates whsec_ secrets of 32 bytes that sign', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = webhookHeaders({ secret, webhookId: 'msg_1', timestamp: 100, body: 'x' });
    expect(verifyWebhook({ secret, headers, body: 'x', nowSeconds: 100 })).toEqual({ ok: true });
  });
});

describe('verifyWebhook', () => {
  const now = SPEC_TS + 10;

  it('accepts the test vector, with headers in any case and as arrays', () => {
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds: now })).toEqual({ ok: true });
    const mixedCase = { 'Webhook-Id': [SPEC_ID], 'WEBHOOK-TIMESTAMP': String(SPEC_TS), 'webhook-signature': SPEC_SIGNATURE };
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: mixedCase, body: Buffer.from(SPEC_BODY), nowSeconds: now })).toEqual({ ok: true });
  });

  it('accepts when any of several space-separated signatures matches, ignoring other versions', () => {
    const other = signWebhook({ secret: generateWebhookSecret(), webhookId: SPEC_ID, timestamp: SPEC_TS, body: SPEC_BODY });
    const header = `v1a,bm90LWEtc2lnbmF0dXJl ${other} garbage ${SPEC_SIGNATURE}`;
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: headersOf(header), body: SPEC_BODY, nowSeconds: now })).toEqual({ ok: true });
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: headersOf(`${other} v2,${SPEC_SIGNATURE.slice(3)}`), body: SPEC_BODY, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('rejects a tampered body, id or timestamp', () => {
    const verify = (headers: Record<string, string>, body = SPEC_BODY) => verifyWebhook({ secret: SPEC_SECRET, headers, body, nowSeconds: now });
    expect(verify(headersOf(SPEC_SIGNATURE), `${SPEC_BODY} `)).toEqual({ ok: false, reason: 'no_matching_signature' });
    expect(verify(headersOf(SPEC_SIGNATURE, 'msg_other'))).toEqual({ ok: false, reason: 'no_matching_signature' });
    expect(verify(headersOf(SPEC_SIGNATURE, SPEC_ID, String(SPEC_TS + 1)))).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('enforces the 5-minute tolerance both ways', () => {
    const verifyAt = (nowSeconds: number) => verifyWebhook({ secret: SPEC_SECRET, headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds });
    expect(verifyAt(SPEC_TS + 300)).toEqual({ ok: true });
    expect(verifyAt(SPEC_TS - 300)).toEqual({ ok: true });
    expect(verifyAt(SPEC_TS + 301)).toEqual({ ok: false, reason: 'timestamp_too_old' });
    expect(verifyAt(SPEC_TS - 301)).toEqual({ ok: false, reason: 'timestamp_too_new' });
  });

  it('reports missing headers, a bad timestamp and a bad secret', () => {
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: { 'webhook-id': SPEC_ID }, body: '', nowSeconds: now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyWebhook({ secret: SPEC_SECRET, headers: headersOf(SPEC_SIGNATURE, SPEC_ID, '16142653.30'), body: SPEC_BODY, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'invalid_timestamp',
    });
    expect(verifyWebhook({ secret: 'nope', headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'invalid_secret',
    });
  });

  it('property: sign then verify round-trips; arbitrary signature headers never throw', () => {
    const secret = generateWebhookSecret();
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== ''),
        fc.uint8Array({ maxLength: 200 }),
        fc.string(),
        (id, body, junk) => {
          const headers = webhookHeaders({ secret, webhookId: id, timestamp: 1000, body });
          expect(verifyWebhook({ secret, headers, body, nowSeconds: 1000 })).toEqual({ ok: true });
          expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-signature': junk }, body, nowSeconds: 1000 }).ok).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('webhookKey', () => {
  it('signs and verifies exactly as the secret string: the Standard Webhooks test vector, both ways', () => {
    const key = webhookKey(SPEC_SECRET);
    expect(signWebhook({ secret: key, webhookId: SPEC_ID, timestamp: SPEC_TS, body: SPEC_BODY })).toBe(SPEC_SIGNATURE);
    expect(verifyWebhook({ secret: key, headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds: SPEC_TS })).toEqual({ ok: true });
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ secret: webhookKey(secret), webhookId: 'msg_2', timestamp: 100, body: '{"名":"农信"}' });
    expect(verifyWebhook({ secret, headers, body: '{"名":"农信"}', nowSeconds: 100 })).toEqual({ ok: true });
  });

  it("another secret's key does not verify", () => {
    const key = webhookKey(generateWebhookSecret());
    expect(verifyWebhook({ secret: key, headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds: SPEC_TS })).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('refuses what the secret string refuses, and keys that are not a webhook secret', () => {
    for (const secret of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_c2hvcnQ=', 'whsec_!!!!'])
      expect(() => webhookKey(secret)).toThrow(SecurityError);
    const tooShort = createSecretKey(Buffer.alloc(16, 1));
    const publicKey = generateKeyPairSync('ed25519').publicKey;
    for (const secret of [tooShort, publicKey]) {
      expect(() => signWebhook({ secret, webhookId: SPEC_ID, timestamp: SPEC_TS, body: '' })).toThrow(SecurityError);
      expect(verifyWebhook({ secret, headers: headersOf(SPEC_SIGNATURE), body: SPEC_BODY, nowSeconds: SPEC_TS })).toEqual({
        ok: false,
        reason: 'invalid_secret',
      });
    }
  });
});
