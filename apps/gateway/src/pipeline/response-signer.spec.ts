import { generateSm2KeyPair, hmacKey, responseCanonical, verifyResponseSignature } from '@countypay/security';
import { GatewayConfig } from '../config/gateway.config';
import { ResponseSigner } from './response-signer';

describe('ResponseSigner', () => {
  const platform = generateSm2KeyPair();
  const signer = new ResponseSigner(Object.assign(new GatewayConfig(), { COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: platform.privateKey }));

  it('signs HMAC apps with their secret: the worked response of docs/signing.md §6', () => {
    const headers = signer.sign(
      { appAlg: 'HMAC-SHA256', hmacSecret: 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g' },
      {
        status: 201,
        requestId: 'req_01JGZ5Q8T4K2M7N3P6R9S1V0WX',
        requestNonce: 'n8Yk2QpL5vR7tZ1xWc3dFg',
        body: Buffer.from('{"id":"qro_001","status":"CREATED"}'),
        nowMs: 1767225601_500,
      },
    );
    expect(headers).toEqual({
      'X-CP-Timestamp': '1767225601',
      'X-CP-Signature-Alg': 'HMAC-SHA256',
      'X-CP-Signature': 'cNPVUTiqc6yfDOey2qCF8xNDYW4dbUpzSFpCfEtl9Jo=',
    });
  });

  it("signs with the app's hmacKey exactly as with its secret string, and a wrong key gives another signature", () => {
    const secret = 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g';
    const r = {
      status: 201,
      requestId: 'req_01JGZ5Q8T4K2M7N3P6R9S1V0WX',
      requestNonce: 'n8Yk2QpL5vR7tZ1xWc3dFg',
      body: Buffer.from('{"id":"qro_001","status":"CREATED"}'),
      nowMs: 1767225601_500,
    };
    expect(signer.sign({ appAlg: 'HMAC-SHA256', hmacSecret: hmacKey(secret) }, r)['X-CP-Signature']).toBe('cNPVUTiqc6yfDOey2qCF8xNDYW4dbUpzSFpCfEtl9Jo=');
    expect(signer.sign({ appAlg: 'HMAC-SHA256', hmacSecret: hmacKey(`${secret}x`) }, r)['X-CP-Signature']).not.toBe(
      'cNPVUTiqc6yfDOey2qCF8xNDYW4dbUpzSFpCfEtl9Jo=',
    );
  });

  it('signs SM2 and RSA apps with the platform SM2 key, published as its public key', () => {
    expect(signer.platformPublicKey).toBe(platform.publicKey);
    expect(signer.platformPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    for (const appAlg of ['SM2-SM3', 'RSA-SHA256'] as const) {
      const r = { status: 401, requestId: 'req-1', requestNonce: '', body: Buffer.from('{"error":{}}'), nowMs: Date.now() };
      const headers = signer.sign({ appAlg }, r);
      expect(headers['X-CP-Signature-Alg']).toBe('SM2-SM3');
      const canonical = responseCanonical({
        alg: 'SM2-SM3',
        status: 401,
        requestId: 'req-1',
        timestamp: headers['X-CP-Timestamp'],
        requestNonce: '',
        body: r.body,
      });
      expect(verifyResponseSignature('SM2-SM3', platform.publicKey, canonical, headers['X-CP-Signature'])).toBe(true);
    }
  });
});
