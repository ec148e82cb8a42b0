import { generateKeyPairSync } from 'node:crypto';
import { ApiError } from '@countypay/contracts';
import { generateSm2KeyPair, sm2PublicKeyToPem } from '@countypay/security';
import { isCredentialLive, normalizePublicKey, rotationChanges } from './app-credential';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? `${e.code}:${e.param}` : 'other';
  }
  return undefined;
}

describe('app credentials', () => {
  it('accepts an SM2 public key as hex or PEM, stored as lower-case hex', () => {
    const { publicKey } = generateSm2KeyPair();
    expect(normalizePublicKey('SM2-SM3', publicKey.toUpperCase().replace(/^04/, '04'))).toBe(publicKey);
    expect(normalizePublicKey('SM2-SM3', sm2PublicKeyToPem(publicKey))).toBe(publicKey);
  });

  it('refuses an SM2 key off the curve or malformed', () => {
    expect(code(() => normalizePublicKey('SM2-SM3', `04${'1'.repeat(128)}`))).toBe('invalid_public_key:credential.publicKey');
    expect(code(() => normalizePublicKey('SM2-SM3', '04abc'))).toBe('invalid_public_key:credential.publicKey');
  });

  it('accepts an RSA PEM of 2048 bits and refuses a short one or garbage', () => {
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(normalizePublicKey('RSA-SHA256', strong)).toBe(strong);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(code(() => normalizePublicKey('RSA-SHA256', weak))).toBe('invalid_public_key:credential.publicKey');
    expect(code(() => normalizePublicKey('RSA-SHA256', 'not a key', 'publicKey'))).toBe('invalid_public_key:publicKey');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(code(() => normalizePublicKey('RSA-SHA256', ec))).toBe('invalid_public_key:credential.publicKey');
  });

  it('rotation retires the active credential for the grace period and keeps older deadlines', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const older = new Date('2026-11-27T20:00:00Z');
    const changes = rotationChanges(
      [
        { credentialId: 'a', status: 'active', notAfter: null },
        { credentialId: 'b', status: 'retiring', notAfter: older },
      ],
      now,
      24 * 3600,
    );
    expect(changes).toEqual([{ credentialId: 'a', status: 'retiring', notAfter: new Date('2026-11-28T12:00:00Z') }]);
  });

  it('a retiring credential is live until its deadline only', () => {
    const deadline = new Date('2026-11-28T12:00:00Z');
    expect(isCredentialLive({ credentialId: 'a', status: 'retiring', notAfter: deadline }, new Date('2026-11-28T11:59:59Z'))).toBe(true);
    expect(isCredentialLive({ credentialId: 'a', status: 'retiring', notAfter: deadline }, deadline)).toBe(false);
    expect(isCredentialLive({ credentialId: 'a', status: 'revoked', notAfter: null }, deadline)).toBe(false);
    expect(isCredentialLive({ credentialId: 'a', status: 'active', notAfter: null }, deadline)).toBe(true);
  });
});
