import fc from 'fast-check';
import {
  generateSm2KeyPair,
  isValidSm2PrivateKey,
  isValidSm2PublicKey,
  sm2PublicKeyFromPem,
  sm2PublicKeyFromPrivateKey,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  sm2Verify,
} from './sm2';

// GM/T 0003.5-2012 (GB/T 32918.5) appendix A: signature over "message digest", user id 1234567812345678.
const GMT_PRIVATE = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
const GMT_PUBLIC = '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
const GMT_R = 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3';
const GMT_S = 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
const gmtRaw = Buffer.from(GMT_R + GMT_S, 'hex');

describe('SM2 keys', () => {
  it('derives the standard public key from the standard private key', () => {
    expect(sm2PublicKeyFromPrivateKey(GMT_PRIVATE)).toBe(GMT_PUBLIC);
  });

  it('generates valid, matching hex key pairs', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    expect(privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(isValidSm2PrivateKey(privateKey)).toBe(true);
    expect(isValidSm2PublicKey(publicKey)).toBe(true);
    expect(sm2PublicKeyFromPrivateKey(privateKey)).toBe(publicKey);
  });

  it('rejects malformed keys', () => {
    expect(isValidSm2PrivateKey('00'.repeat(32))).toBe(false);
    expect(isValidSm2PrivateKey('zz'.repeat(32))).toBe(false);
    expect(isValidSm2PublicKey(`02${GMT_PUBLIC.slice(2, 66)}`)).toBe(false); // compressed form not accepted
    expect(isValidSm2PublicKey(`04${'11'.repeat(64)}`)).toBe(false); // not on the curve
    expect(isValidSm2PublicKey('')).toBe(false);
    expect(() => sm2PublicKeyFromPrivateKey('abc')).toThrow();
  });

  it('round-trips PEM SPKI', () => {
    const pem = sm2PublicKeyToPem(GMT_PUBLIC);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE/);
    expect(sm2PublicKeyFromPem(pem)).toBe(GMT_PUBLIC);
    expect(sm2PublicKeyFromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toBeUndefined();
  });
});

describe('SM2 signatures', () => {
  it('verifies the GM/T 0003.5 known-answer signature (checks Z_A with the default user id)', () => {
    const der = sm2SignatureToDer(gmtRaw);
    expect(sm2Verify('message digest', der, GMT_PUBLIC)).toBe(true);
    expect(sm2Verify('message digest', der, sm2PublicKeyToPem(GMT_PUBLIC))).toBe(true);
    expect(sm2Verify('message digest', der, GMT_PUBLIC, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
    expect(sm2Verify('message digesT', der, GMT_PUBLIC)).toBe(false);
  });

  it('signs and verifies its own DER signatures, randomised', () => {
    const a = sm2Sign('hello', GMT_PRIVATE);
    const b = sm2Sign('hello', GMT_PRIVATE);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(a[0]).toBe(0x30);
    expect(sm2Verify('hello', a, GMT_PUBLIC)).toBe(true);
    expect(sm2Verify('hello', b, GMT_PUBLIC)).toBe(true);
  });

  it('rejects the raw r||s encoding cleanly, without throwing', () => {
    expect(sm2Verify('message digest', gmtRaw, GMT_PUBLIC)).toBe(false);
    const raw = sm2SignatureFromDer(sm2Sign('x', GMT_PRIVATE))!;
    expect(raw).toHaveLength(64);
    expect(sm2Verify('x', raw, GMT_PUBLIC)).toBe(false);
  });

  it('rejects non-strict DER', () => {
    const der = Buffer.from(sm2SignatureToDer(gmtRaw));
    expect(sm2SignatureFromDer(Buffer.concat([der, Buffer.of(0)]))).toBeUndefined(); // trailing byte
    const r = Buffer.from(GMT_R, 'hex');
    const padded = Buffer.concat([Buffer.of(0x30, 0x46, 0x02, 0x22, 0x00, 0x00), r, der.subarray(2 + 2 + 33)]);
    expect(sm2SignatureFromDer(padded)).toBeUndefined(); // non-minimal integer
    expect(sm2SignatureFromDer(Buffer.of(0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01))).toBeUndefined(); // r = 0
    expect(sm2SignatureFromDer(Buffer.of(0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01))).toBeUndefined(); // negative r
    expect(sm2SignatureFromDer(new Uint8Array())).toBeUndefined();
  });

  it('property: DER and raw forms convert losslessly', () => {
    const scalar = fc.bigInt({ min: 1n, max: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122n });
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const raw = Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex');
        const der = sm2SignatureToDer(raw);
        expect(Buffer.from(sm2SignatureFromDer(der)!).equals(raw)).toBe(true);
      }),
    );
  });

  it('property: verification of arbitrary bytes never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.string(), (sig, key) => {
        expect(sm2Verify('m', sig, GMT_PUBLIC)).toBe(false);
        expect(sm2Verify('m', sig, key)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});
