import fc from 'fast-check';
import { sm4 } from 'sm-crypto-v2';
import { FieldCipher, generateFieldKey } from './field-cipher';
import { SecurityError, SecurityErrorCode } from './security.exception';

const k1 = generateFieldKey();
const k2 = generateFieldKey();
const s1 = generateFieldKey('sm4-gcm');

function expectCode(fn: () => unknown, code: SecurityErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe(code);
    return;
  }
  throw new Error('expected a SecurityError');
}

describe('FieldCipher', () => {
  const cipher = new FieldCipher({ keys: [{ id: 'k1', key: k1 }], activeKeyId: 'k1' });

  it('round-trips with the documented format', () => {
    const value = cipher.encrypt('11010519491231002X');
    expect(value).toMatch(/^v1:aesgcm:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{24}:[A-Za-z0-9_-]{22}$/);
    expect(FieldCipher.isEncrypted(value)).toBe(true);
    expect(cipher.decrypt(value)).toBe('11010519491231002X');
    expect(cipher.encrypt('11010519491231002X')).not.toBe(value); // random IV
  });

  it('round-trips the empty string and non-ASCII', () => {
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    expect(cipher.decrypt(cipher.encrypt('欧阳娜娜'))).toBe('欧阳娜娜');
  });

  it('binds the context (associated data)', () => {
    const value = cipher.encrypt('6222021234567890128', 'merchants.settlement_account:mch_001');
    expect(cipher.decrypt(value, 'merchants.settlement_account:mch_001')).toBe('6222021234567890128');
    expectCode(() => cipher.decrypt(value, 'merchants.settlement_account:mch_002'), SecurityErrorCode.DecryptionFailed);
    expectCode(() => cipher.decrypt(value), SecurityErrorCode.DecryptionFailed);
  });

  it('detects tampering with any part', () => {
    const value = cipher.encrypt('secret');
    const parts = value.split(':');
    for (const index of [3, 4, 5]) {
      const tampered = [...parts];
      const text = tampered[index]!;
      tampered[index] = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
      expectCode(() => cipher.decrypt(tampered.join(':')), SecurityErrorCode.DecryptionFailed);
    }
    expectCode(() => cipher.decrypt(value.replace(':k1:', ':k9:')), SecurityErrorCode.DecryptionFailed);
    expectCode(() => cipher.decrypt('plain text'), SecurityErrorCode.DecryptionFailed);
    expectCode(() => cipher.decrypt(`${value}:extra`), SecurityErrorCode.DecryptionFailed);
  });

  it('rotates: old values decrypt, new values use the active key', () => {
    const old = cipher.encrypt('13812345678');
    const rotated = new FieldCipher({
      keys: [
        { id: 'k1', key: k1 },
        { id: 'k2', key: k2 },
      ],
      activeKeyId: 'k2',
    });
    expect(rotated.decrypt(old)).toBe('13812345678');
    expect(rotated.needsReencryption(old)).toBe(true);
    const fresh = rotated.reencrypt(old);
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(rotated.needsReencryption(fresh)).toBe(false);
    expectCode(() => cipher.decrypt(fresh), SecurityErrorCode.DecryptionFailed);
  });

  it('supports SM4-GCM keys alongside AES keys', () => {
    const mixed = new FieldCipher({
      keys: [
        { id: 'aes', key: k1 },
        { id: 'gm', key: s1, algorithm: 'sm4-gcm' },
      ],
      activeKeyId: 'gm',
    });
    const value = mixed.encrypt('11010519491231002X', 'ctx');
    expect(value.startsWith('v1:sm4gcm:gm:')).toBe(true);
    expect(mixed.decrypt(value, 'ctx')).toBe('11010519491231002X');
    expectCode(() => mixed.decrypt(value, 'other'), SecurityErrorCode.DecryptionFailed);
    expectCode(() => mixed.decrypt(value.replace('v1:sm4gcm:gm:', 'v1:aesgcm:gm:')), SecurityErrorCode.DecryptionFailed);
    const tag = value.split(':')[5]!;
    expectCode(() => mixed.decrypt(value.replace(new RegExp(`${tag}$`), tag.slice(0, 10))), SecurityErrorCode.DecryptionFailed);
  });

  it('SM4-GCM primitive matches the RFC 8998 test vector', () => {
    const result = sm4.sm4(
      Buffer.from('AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA', 'hex'),
      Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex'),
      1,
      {
        mode: 'gcm',
        iv: Buffer.from('00001234567800000000ABCD', 'hex'),
        associatedData: Buffer.from('FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2', 'hex'),
        padding: 'none',
        output: 'string',
        outputTag: true,
      },
    );
    expect(result).toEqual({
      output: '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
      tag: '83de3541e4c2b58177e065a9bf7b62ec',
    });
  });

  it('validates its configuration', () => {
    expectCode(() => new FieldCipher({ keys: [], activeKeyId: 'k1' }), SecurityErrorCode.InvalidCipherConfig);
    expectCode(() => new FieldCipher({ keys: [{ id: 'k1', key: s1 }], activeKeyId: 'k1' }), SecurityErrorCode.InvalidCipherConfig); // 16 bytes for AES
    expectCode(() => new FieldCipher({ keys: [{ id: 'k:1', key: k1 }], activeKeyId: 'k:1' }), SecurityErrorCode.InvalidCipherConfig);
    expectCode(
      () =>
        new FieldCipher({
          keys: [
            { id: 'k1', key: k1 },
            { id: 'k1', key: k2 },
          ],
          activeKeyId: 'k1',
        }),
      SecurityErrorCode.InvalidCipherConfig,
    );
    expectCode(() => new FieldCipher({ keys: [{ id: 'k1', key: 'not base64!' }], activeKeyId: 'k1' }), SecurityErrorCode.InvalidCipherConfig);
  });

  it('property: decrypt(encrypt(x, ctx), ctx) = x for both algorithms', () => {
    const both = new FieldCipher({ keys: [{ id: 'a', key: k1 }], activeKeyId: 'a' });
    const gm = new FieldCipher({ keys: [{ id: 'g', key: s1, algorithm: 'sm4-gcm' }], activeKeyId: 'g' });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ maxLength: 20 }), (plaintext, context) => {
        expect(both.decrypt(both.encrypt(plaintext, context), context)).toBe(plaintext);
        expect(gm.decrypt(gm.encrypt(plaintext, context), context)).toBe(plaintext);
      }),
      { numRuns: 100 },
    );
  });
});
