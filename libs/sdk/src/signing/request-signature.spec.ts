import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { canonicalRequest } from './canonical-request';
import { generateNonce, hmacKey, signRequest, signedRequestHeaders, verifyRequestSignature } from './request-signature';
import { SecurityError } from './security.exception';
import { SIGNATURE_ALGORITHMS } from './signature-algorithm';
import { generateSm2KeyPair, sm2SignatureFromDer } from './sm2';

const secret = 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g';
const sm2Keys = generateSm2KeyPair();
const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const canonical = canonicalRequest({ alg: 'HMAC-SHA256', method: 'POST', path: '/v1/payments', timestamp: 1767225600, nonce: 'abcdefgh12345678', body: '{}' });

describe('HMAC-SHA256', () => {
  it('signs as base64 of HMAC-SHA256 keyed with the secret string (RFC 4231-style check)', () => {
    // HMAC-SHA256(key = "key", "The quick brown fox jumps over the lazy dog")
    expect(signRequest('HMAC-SHA256', 'key', 'The quick brown fox jumps over the lazy dog')).toBe(
      Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex').toString('base64'),
    );
  });

  it('verifies its own signature and rejects tampering or another secret', () => {
    const sig = signRequest('HMAC-SHA256', secret, canonical);
    expect(verifyRequestSignature('HMAC-SHA256', secret, canonical, sig)).toBe(true);
    expect(verifyRequestSignature('HMAC-SHA256', `${secret}x`, canonical, sig)).toBe(false);
    expect(verifyRequestSignature('HMAC-SHA256', secret, canonical.replace('POST', 'PUT'), sig)).toBe(false);
    expect(verifyRequestSignature('HMAC-SHA256', secret, canonical, sig.replace(/=$/, ''))).toBe(false); // unpadded base64
    expect(verifyRequestSignature('HMAC-SHA256', secret, canonical, Buffer.from(sig, 'base64').toString('hex'))).toBe(false);
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => signRequest('HMAC-SHA256', '', canonical)).toThrow(SecurityError);
    expect(() => hmacKey('')).toThrow(SecurityError);
  });

  it('signs and verifies with hmacKey(secret) exactly as with the secret string', () => {
    const key = hmacKey(secret);
    expect(key.type).toBe('secret');
    expect(signRequest('HMAC-SHA256', hmacKey('key'), 'The quick brown fox jumps over the lazy dog')).toBe(
      Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex').toString('base64'),
    );
    const sig = signRequest('HMAC-SHA256', secret, canonical);
    expect(signRequest('HMAC-SHA256', key, canonical)).toBe(sig);
    expect(verifyRequestSignature('HMAC-SHA256', key, canonical, sig)).toBe(true);
    expect(verifyRequestSignature('HMAC-SHA256', hmacKey(`${secret}x`), canonical, sig)).toBe(false);
    expect(verifyRequestSignature('HMAC-SHA256', key, canonical.replace('POST', 'PUT'), sig)).toBe(false);
  });

  it('takes no key but a non-empty secret KeyObject: public and private keys are refused', () => {
    const sig = signRequest('HMAC-SHA256', secret, canonical);
    const rsaPublic = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verifyRequestSignature('HMAC-SHA256', rsaPublic, canonical, sig)).toBe(false);
    expect(verifyRequestSignature('HMAC-SHA256', createSecretKey(Buffer.alloc(0)), canonical, sig)).toBe(false);
    expect(() => signRequest('HMAC-SHA256', rsaPublic, canonical)).toThrow(SecurityError);
    expect(() => signRequest('HMAC-SHA256', createSecretKey(Buffer.alloc(0)), canonical)).toThrow(SecurityError);
  });
});

describe('SM2-SM3', () => {
  it('verifies its own base64 DER signature', () => {
    const sig = signRequest('SM2-SM3', sm2Keys.privateKey, canonical);
    expect(Buffer.from(sig, 'base64')[0]).toBe(0x30);
    expect(verifyRequestSignature('SM2-SM3', sm2Keys.publicKey, canonical, sig)).toBe(true);
    expect(verifyRequestSignature('SM2-SM3', generateSm2KeyPair().publicKey, canonical, sig)).toBe(false);
    expect(verifyRequestSignature('SM2-SM3', sm2Keys.publicKey, `${canonical} `, sig)).toBe(false);
  });

  it('rejects a valid signature in the raw r||s encoding, returning false', () => {
    const der = Buffer.from(signRequest('SM2-SM3', sm2Keys.privateKey, canonical), 'base64');
    const raw = Buffer.from(sm2SignatureFromDer(der)!).toString('base64');
    expect(verifyRequestSignature('SM2-SM3', sm2Keys.publicKey, canonical, raw)).toBe(false);
  });

  it('refuses to sign with a malformed private key', () => {
    expect(() => signRequest('SM2-SM3', 'not-hex', canonical)).toThrow(SecurityError);
  });
});

describe('RSA-SHA256', () => {
  it('signs PKCS#1 v1.5 and verifies with a PEM SPKI public key', () => {
    const sig = signRequest('RSA-SHA256', rsa.privateKey, canonical);
    expect(Buffer.from(sig, 'base64')).toHaveLength(256);
    expect(verifyRequestSignature('RSA-SHA256', rsa.publicKey, canonical, sig)).toBe(true);
    expect(verifyRequestSignature('RSA-SHA256', rsa.publicKey, canonical.toLowerCase(), sig)).toBe(false);
  });

  it('rejects keys shorter than 2048 bits and non-RSA keys', () => {
    const small = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => signRequest('RSA-SHA256', small.privateKey, canonical)).toThrow(SecurityError);
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => signRequest('RSA-SHA256', ec.privateKey, canonical)).toThrow(SecurityError);
    expect(verifyRequestSignature('RSA-SHA256', small.publicKey, canonical, signRequest('HMAC-SHA256', secret, canonical))).toBe(false);
  });
});

describe('verifyRequestSignature', () => {
  it('returns false for an unknown algorithm', () => {
    expect(verifyRequestSignature('HMAC-SHA1', secret, canonical, signRequest('HMAC-SHA256', secret, canonical))).toBe(false);
  });

  it('does not accept a signature under another algorithm', () => {
    const hmac = signRequest('HMAC-SHA256', secret, canonical);
    expect(verifyRequestSignature('SM2-SM3', sm2Keys.publicKey, canonical, hmac)).toBe(false);
    expect(verifyRequestSignature('RSA-SHA256', rsa.publicKey, canonical, hmac)).toBe(false);
  });

  it('property: never throws on arbitrary keys and signatures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNATURE_ALGORITHMS, 'none'), fc.string(), fc.string(), fc.string(), (alg, key, data, sig) => {
        expect(typeof verifyRequestSignature(alg, key, data, sig)).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });
});

describe('signedRequestHeaders', () => {
  it('produces the five X-CP headers that verify against the canonical request', () => {
    const headers = signedRequestHeaders({ appId: 'app_x', alg: 'HMAC-SHA256', key: secret, method: 'GET', path: '/v1/payments', query: { limit: 10 } });
    expect(Object.keys(headers).sort()).toEqual(['X-CP-App-Id', 'X-CP-Nonce', 'X-CP-Signature', 'X-CP-Signature-Alg', 'X-CP-Timestamp']);
    const rebuilt = canonicalRequest({
      alg: 'HMAC-SHA256',
      method: 'GET',
      path: '/v1/payments',
      query: 'limit=10',
      timestamp: headers['X-CP-Timestamp']!,
      nonce: headers['X-CP-Nonce']!,
    });
    expect(verifyRequestSignature('HMAC-SHA256', secret, rebuilt, headers['X-CP-Signature']!)).toBe(true);
  });

  it('generates distinct, well-formed nonces', () => {
    const a = generateNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(generateNonce()).not.toBe(a);
  });
});
