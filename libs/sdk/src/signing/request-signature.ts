import { type KeyObject, createHmac, createPrivateKey, createPublicKey, createSecretKey, randomBytes, sign, verify } from 'node:crypto';
import { type CanonicalRequestInput, canonicalRequest } from './canonical-request';
import { constantTimeEqual, decodeBase64Strict } from './encoding';
import { SecurityError, SecurityErrorCode } from './security.exception';
import { SIGNATURE_HEADERS, type SignatureAlgorithm, isSignatureAlgorithm } from './signature-algorithm';
import { sm2Sign, sm2Verify } from './sm2';

/**
 * Signing key per algorithm:
 * - `HMAC-SHA256`: the app secret string as issued (its UTF-8 bytes are the HMAC key), or that
 *   key made once with `hmacKey(secret)` (a secret KeyObject: Node checks a KeyObject faster
 *   than raw bytes, worth it when one process signs or verifies many requests);
 * - `SM2-SM3`: the private key, 64 hex digits;
 * - `RSA-SHA256`: a PEM private key (PKCS#8 or PKCS#1) or a KeyObject, at least 2048 bits.
 *
 * Verification key per algorithm: the app secret (or `hmacKey(secret)`); the SM2 public key `04` + 128 hex
 * (or PEM SPKI);
 * an RSA public key as PEM SPKI (`-----BEGIN PUBLIC KEY-----`) or a KeyObject.
 */
export type SignatureKey = string | KeyObject;

const MIN_RSA_BITS = 2048;

function invalidKey(message: string): SecurityError {
  return new SecurityError(SecurityErrorCode.InvalidKey, message);
}

function rsaKey(key: SignatureKey, kind: 'private' | 'public'): KeyObject {
  let keyObject: KeyObject;
  if (typeof key === 'string') {
    try {
      keyObject = kind === 'private' ? createPrivateKey(key) : createPublicKey(key);
    } catch {
      throw invalidKey(`RSA ${kind} key must be PEM`);
    }
  } else {
    keyObject = key;
  }
  if (keyObject.asymmetricKeyType !== 'rsa') throw invalidKey('key is not an RSA key');
  if ((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw invalidKey(`RSA key must be at least ${MIN_RSA_BITS} bits`);
  if (kind === 'private' && keyObject.type !== 'private') throw invalidKey('RSA signing needs a private key');
  return keyObject;
}

/**
 * The HMAC-SHA256 key of an app secret (its UTF-8 bytes) as a secret KeyObject, to make once and
 * sign or verify many times with. Throws SecurityError(InvalidKey) on an empty secret.
 */
export function hmacKey(secret: string): KeyObject {
  if (typeof secret !== 'string' || secret.length === 0) throw invalidKey('HMAC-SHA256 needs the app secret string');
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** The HMAC key bytes of an app secret, or the secret KeyObject made of them; undefined if it is neither. */
function hmacKeyOf(key: SignatureKey): Buffer | KeyObject | undefined {
  if (typeof key === 'string') return key.length > 0 ? Buffer.from(key, 'utf8') : undefined;
  return key.type === 'secret' && (key.symmetricKeySize ?? 0) > 0 ? key : undefined;
}

function hmacSecret(key: SignatureKey): Buffer | KeyObject {
  const k = hmacKeyOf(key);
  if (!k) throw invalidKey('HMAC-SHA256 needs the app secret string');
  return k;
}

function sm2Hex(key: SignatureKey): string {
  if (typeof key !== 'string') throw invalidKey('SM2 keys are hex strings');
  return key;
}

/** Signs a canonical string (request or response); returns the base64 signature for `X-CP-Signature`. */
export function signRequest(alg: SignatureAlgorithm, key: SignatureKey, canonical: string): string {
  const data = Buffer.from(canonical, 'utf8');
  switch (alg) {
    case 'HMAC-SHA256':
      return createHmac('sha256', hmacSecret(key)).update(data).digest('base64');
    case 'SM2-SM3':
      return Buffer.from(sm2Sign(data, sm2Hex(key))).toString('base64');
    case 'RSA-SHA256':
      return sign('sha256', data, rsaKey(key, 'private')).toString('base64');
    default:
      throw new SecurityError(SecurityErrorCode.UnsupportedAlgorithm, `unsupported signature algorithm ${String(alg)}`);
  }
}

/**
 * Verifies a base64 signature over a canonical string. Never throws: an unknown algorithm,
 * a malformed key, non-base64 or wrongly encoded signature all give `false`.
 */
export function verifyRequestSignature(alg: SignatureAlgorithm | string, publicKeyOrSecret: SignatureKey, canonical: string, signature: string): boolean {
  try {
    if (!isSignatureAlgorithm(alg) || typeof signature !== 'string' || typeof canonical !== 'string') return false;
    const sig = decodeBase64Strict(signature);
    if (!sig || sig.length === 0) return false;
    const data = Buffer.from(canonical, 'utf8');
    switch (alg) {
      case 'HMAC-SHA256': {
        const key = hmacKeyOf(publicKeyOrSecret);
        if (!key) return false;
        const expected = createHmac('sha256', key).update(data).digest();
        return constantTimeEqual(expected, sig);
      }
      case 'SM2-SM3':
        return typeof publicKeyOrSecret === 'string' && sm2Verify(data, sig, publicKeyOrSecret);
      case 'RSA-SHA256':
        return verify('sha256', data, rsaKey(publicKeyOrSecret, 'public'), sig);
    }
  } catch {
    return false;
  }
}

/** Response signing uses the same primitive over the response canonical string. */
export const signResponse = signRequest;
export const verifyResponseSignature = verifyRequestSignature;

/** A fresh `X-CP-Nonce`: 16 random bytes, base64url (22 characters). */
export function generateNonce(): string {
  return randomBytes(16).toString('base64url');
}

export interface SignedRequestInput extends Omit<CanonicalRequestInput, 'timestamp' | 'nonce'> {
  appId: string;
  key: SignatureKey;
  /** Defaults to now. */
  timestamp?: number;
  /** Defaults to generateNonce(). */
  nonce?: string;
}

/** Client side in one call (SDK, e2e tests): the five `X-CP-*` headers for a request. */
export function signedRequestHeaders(input: SignedRequestInput): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? generateNonce();
  const canonical = canonicalRequest({ ...input, timestamp, nonce });
  return {
    [SIGNATURE_HEADERS.appId]: input.appId,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signatureAlg]: input.alg,
    [SIGNATURE_HEADERS.signature]: signRequest(input.alg, input.key, canonical),
  };
}
