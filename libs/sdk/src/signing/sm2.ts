import { sm2 } from 'sm-crypto-v2';
import { type BinaryLike, toBytes } from './encoding';
import { SecurityError, SecurityErrorCode } from './security.exception';

/**
 * SM2 digital signatures (GB/T 32918.2) with the SM3 digest over Z_A || M, where Z_A is
 * computed with the user id `1234567812345678` (GM/T 0009 default).
 *
 * Key formats: private key = 64 hex digits (32 bytes); public key = uncompressed point,
 * `04` + 128 hex digits. Signatures are DER (`SEQUENCE { INTEGER r, INTEGER s }`, GM/T 0009),
 * the encoding of OpenSSL, BouncyCastle and most bank SDKs. Converters to and from the
 * raw 64-byte r||s form are provided for partners whose libraries emit that.
 */

export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** Order n of the SM2 recommended curve (sm2p256v1). */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export interface Sm2KeyPair {
  /** 64 lowercase hex digits. */
  privateKey: string;
  /** `04` + 128 lowercase hex digits (uncompressed point). */
  publicKey: string;
}

const PRIVATE_KEY = /^[0-9a-fA-F]{64}$/;
const PUBLIC_KEY = /^04[0-9a-fA-F]{128}$/;

export function isValidSm2PrivateKey(privateKeyHex: string): boolean {
  if (!PRIVATE_KEY.test(privateKeyHex)) return false;
  const d = BigInt(`0x${privateKeyHex}`);
  return d >= 1n && d <= SM2_N - 2n;
}

/** True for an uncompressed (`04…`) point that lies on the SM2 curve. */
export function isValidSm2PublicKey(publicKeyHex: string): boolean {
  if (!PUBLIC_KEY.test(publicKeyHex)) return false;
  try {
    return sm2.verifyPublicKey(publicKeyHex.toLowerCase());
  } catch {
    return false;
  }
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey: privateKey.padStart(64, '0').toLowerCase(), publicKey: publicKey.toLowerCase() };
}

export function sm2PublicKeyFromPrivateKey(privateKeyHex: string): string {
  if (!isValidSm2PrivateKey(privateKeyHex)) throw new SecurityError(SecurityErrorCode.InvalidKey, 'SM2 private key must be 64 hex digits in [1, n-2]');
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex.toLowerCase()).toLowerCase();
}

/** DER prefix of an SM2 SubjectPublicKeyInfo: id-ecPublicKey with the sm2p256v1 curve OID, then the 65-byte point. */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

/** Uncompressed hex public key → PEM SPKI (`-----BEGIN PUBLIC KEY-----`), as OpenSSL and Java expect. */
export function sm2PublicKeyToPem(publicKeyHex: string): string {
  if (!isValidSm2PublicKey(publicKeyHex)) throw new SecurityError(SecurityErrorCode.InvalidKey, 'SM2 public key must be 04 + 128 hex digits on the curve');
  const b64 = Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END PUBLIC KEY-----\n`;
}

/** PEM SPKI of an SM2 key → uncompressed hex (`04…`); `undefined` if it is not a valid SM2 public key. */
export function sm2PublicKeyFromPem(pem: string): string | undefined {
  const match = /^-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----\s*$/.exec(pem.trim());
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s/g, ''), 'base64');
  if (der.length !== SPKI_PREFIX.length + 65 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) return undefined;
  const hex = der.subarray(SPKI_PREFIX.length).toString('hex');
  return isValidSm2PublicKey(hex) ? hex : undefined;
}

function scalarHex(value: bigint): string {
  return value.toString(16).padStart(64, '0');
}

function derInteger(value: bigint): number[] {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = [...Buffer.from(hex, 'hex')];
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return [0x02, bytes.length, ...bytes];
}

/** Raw r||s (64 bytes) → DER. Throws SecurityError if r or s is not in [1, n-1]. */
export function sm2SignatureToDer(raw: Uint8Array): Uint8Array {
  const rs =
    raw.length === 64
      ? [BigInt(`0x${Buffer.from(raw.subarray(0, 32)).toString('hex')}`), BigInt(`0x${Buffer.from(raw.subarray(32)).toString('hex')}`)]
      : undefined;
  if (!rs || !rs.every((v) => v >= 1n && v < SM2_N))
    throw new SecurityError(SecurityErrorCode.InvalidKey, 'raw SM2 signature must be 64 bytes with r, s in [1, n-1]');
  const body = [...derInteger(rs[0] as bigint), ...derInteger(rs[1] as bigint)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

function readDerInteger(der: Uint8Array, offset: number): { value: bigint; next: number } | undefined {
  if (der[offset] !== 0x02) return undefined;
  const len = der[offset + 1];
  if (len === undefined || len < 1 || len > 33 || offset + 2 + len > der.length) return undefined;
  const content = der.subarray(offset + 2, offset + 2 + len);
  const first = content[0] as number;
  if (first & 0x80) return undefined; // negative
  if (first === 0 && (len === 1 || !((content[1] as number) & 0x80))) return undefined; // not minimal
  return { value: BigInt(`0x${Buffer.from(content).toString('hex')}`), next: offset + 2 + len };
}

/** Strict DER → raw r||s (64 bytes); `undefined` for anything that is not exactly a valid SM2 DER signature. */
export function sm2SignatureFromDer(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  const s = r && readDerInteger(der, r.next);
  if (!r || !s || s.next !== der.length) return undefined;
  if (r.value < 1n || r.value >= SM2_N || s.value < 1n || s.value >= SM2_N) return undefined;
  return Buffer.from(scalarHex(r.value) + scalarHex(s.value), 'hex');
}

export interface Sm2Options {
  /** Defaults to SM2_DEFAULT_USER_ID. */
  userId?: string;
}

/** Signs `message` (strings as UTF-8); returns the DER signature. Randomised: two calls give different signatures. */
export function sm2Sign(message: BinaryLike, privateKeyHex: string, options: Sm2Options & { publicKey?: string } = {}): Uint8Array {
  const publicKey = options.publicKey ?? sm2PublicKeyFromPrivateKey(privateKeyHex);
  if (!isValidSm2PublicKey(publicKey)) throw new SecurityError(SecurityErrorCode.InvalidKey, 'SM2 public key must be 04 + 128 hex digits on the curve');
  if (!isValidSm2PrivateKey(privateKeyHex)) throw new SecurityError(SecurityErrorCode.InvalidKey, 'SM2 private key must be 64 hex digits in [1, n-2]');
  const rawHex = sm2.doSignature(toBytes(message), privateKeyHex.toLowerCase(), {
    hash: true,
    der: false,
    publicKey: publicKey.toLowerCase(),
    userId: options.userId ?? SM2_DEFAULT_USER_ID,
  });
  return sm2SignatureToDer(Buffer.from(rawHex, 'hex'));
}

/**
 * Verifies a DER signature with a hex (`04…`) or PEM SPKI public key. Never throws:
 * malformed keys or signatures (including raw r||s) give `false`.
 */
export function sm2Verify(message: BinaryLike, derSignature: Uint8Array, publicKey: string, options: Sm2Options = {}): boolean {
  try {
    const publicKeyHex = publicKey.startsWith('-----BEGIN') ? sm2PublicKeyFromPem(publicKey) : publicKey;
    if (publicKeyHex === undefined) return false;
    if (!isValidSm2PublicKey(publicKeyHex)) return false;
    const raw = sm2SignatureFromDer(derSignature);
    if (!raw) return false;
    const rawHex = Buffer.from(raw).toString('hex');
    return sm2.doVerifySignature(toBytes(message), rawHex, publicKeyHex.toLowerCase(), {
      hash: true,
      der: false,
      userId: options.userId ?? SM2_DEFAULT_USER_ID,
    });
  } catch {
    return false;
  }
}
