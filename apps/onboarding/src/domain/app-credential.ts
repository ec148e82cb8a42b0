import { createPublicKey } from 'node:crypto';
import { ApiError, type SignatureAlg } from '@countypay/contracts';
import { isValidSm2PublicKey, sm2PublicKeyFromPem } from '@countypay/security';

const MIN_RSA_BITS = 2048;

/**
 * Checks a partner's public key and returns it in the form the gateway verifies with:
 * SM2 as uncompressed hex (`04…`, PEM SPKI accepted and converted), RSA as PEM SPKI.
 * A bad key is 400 invalid_public_key naming `credential.publicKey`.
 */
export function normalizePublicKey(alg: Exclude<SignatureAlg, 'HMAC-SHA256'>, publicKey: string, param = 'credential.publicKey'): string {
  const bad = (why: string): ApiError => new ApiError('invalid_public_key', why, param);
  const key = publicKey.trim();
  if (alg === 'SM2-SM3') {
    if (isValidSm2PublicKey(key)) return key.toLowerCase();
    const fromPem = key.startsWith('-----BEGIN') ? sm2PublicKeyFromPem(key) : undefined;
    if (fromPem) return fromPem;
    throw bad('an SM2 public key must be 04 + 128 hex digits (or PEM SubjectPublicKeyInfo) of a point on the SM2 curve');
  }
  let type: string | undefined;
  let bits = 0;
  try {
    const k = createPublicKey({ key, format: 'pem' });
    type = k.asymmetricKeyType;
    bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
  } catch {
    throw bad('an RSA public key must be PEM (-----BEGIN PUBLIC KEY-----)');
  }
  if (type !== 'rsa') throw bad('the PEM key is not an RSA key');
  if (bits < MIN_RSA_BITS) throw bad(`an RSA public key must have at least ${MIN_RSA_BITS} bits`);
  return key.endsWith('\n') ? key : `${key}\n`;
}

export type CredentialStatus = 'active' | 'retiring' | 'revoked';

export interface CredentialState {
  credentialId: string;
  status: CredentialStatus;
  notAfter: Date | null;
}

/**
 * Rotation: the new credential becomes active; the one active until now becomes `retiring`,
 * valid until now + grace. A credential that was already retiring keeps its own deadline.
 * Returns the changes to apply to existing credentials.
 */
export function rotationChanges(
  existing: readonly CredentialState[],
  now: Date,
  graceSeconds: number,
): Array<{ credentialId: string; status: CredentialStatus; notAfter: Date | null }> {
  return existing
    .filter((c) => c.status === 'active')
    .map((c) => ({ credentialId: c.credentialId, status: 'retiring' as const, notAfter: new Date(now.getTime() + graceSeconds * 1000) }));
}

/** Credentials still usable at `now`: active ones and retiring ones before their deadline. */
export function isCredentialLive(c: CredentialState, now: Date): boolean {
  if (c.status === 'active') return true;
  return c.status === 'retiring' && c.notAfter !== null && c.notAfter.getTime() > now.getTime();
}
