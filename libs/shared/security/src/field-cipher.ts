import { type KeyObject, createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { decodeBase64Strict } from '@countypay/sdk';
import { sm4 } from 'sm-crypto-v2';
import { decodeBase64UrlStrict } from './encoding';
import { SecurityError, SecurityErrorCode } from './security.exception';

/**
 * Authenticated encryption of individual database fields (ID numbers, card numbers,
 * app secrets, …) with several keys for rotation.
 *
 * Stored form: `v1:<alg>:<keyId>:<iv>:<ciphertext>:<tag>` where alg is `aesgcm`
 * (AES-256-GCM, 32-byte key) or `sm4gcm` (SM4-GCM, 16-byte key, GB/T 32907 + RFC 8998),
 * iv is 12 random bytes, tag 16 bytes, all three in unpadded base64url. The header
 * `v1:<alg>:<keyId>` and an optional caller context (e.g. `merchants.legal_rep_id:<merchant id>`)
 * are authenticated as associated data, so a value copied to another row or column with
 * a different context fails to decrypt.
 */

export type FieldCipherAlgorithm = 'aes-256-gcm' | 'sm4-gcm';

export interface FieldCipherKeyConfig {
  /** 1–32 characters of `[A-Za-z0-9_-]`; stored in every ciphertext. */
  id: string;
  /** Base64 key: 32 bytes for aes-256-gcm, 16 bytes for sm4-gcm. */
  key: string;
  /** Defaults to aes-256-gcm. */
  algorithm?: FieldCipherAlgorithm;
}

export interface FieldCipherConfig {
  keys: readonly FieldCipherKeyConfig[];
  /** Key used for new encryptions; the others only decrypt. */
  activeKeyId: string;
}

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALG_TAGS: Readonly<Record<FieldCipherAlgorithm, string>> = { 'aes-256-gcm': 'aesgcm', 'sm4-gcm': 'sm4gcm' };
const KEY_BYTES: Readonly<Record<FieldCipherAlgorithm, number>> = { 'aes-256-gcm': 32, 'sm4-gcm': 16 };

/**
 * AES keys are kept as a KeyObject made once: given raw bytes, every createCipheriv/createDecipheriv
 * first checks they are not a KeyObject, which costs Node 24 more than sealing or opening a short
 * field (docs/perf/throughput.md, tpkeys). SM4 keys stay bytes (sm-crypto-v2 takes bytes).
 */
type LoadedKey = { id: string; algorithm: 'aes-256-gcm'; key: KeyObject } | { id: string; algorithm: 'sm4-gcm'; key: Buffer };

function configError(message: string): SecurityError<SecurityErrorCode> {
  return new SecurityError(SecurityErrorCode.InvalidCipherConfig, message);
}

function decryptionFailed(message: string): SecurityError<SecurityErrorCode> {
  return new SecurityError(SecurityErrorCode.DecryptionFailed, message);
}

/** A fresh base64 key for FieldCipherKeyConfig.key. */
export function generateFieldKey(algorithm: FieldCipherAlgorithm = 'aes-256-gcm'): string {
  return randomBytes(KEY_BYTES[algorithm]).toString('base64');
}

function aad(header: string, context: string | undefined): Buffer {
  return Buffer.from(`${header}|${context ?? ''}`, 'utf8');
}

function sealAes(key: KeyObject, iv: Buffer, plaintext: Buffer, associated: Buffer): { ct: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associated);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ct, tag: cipher.getAuthTag() };
}

function openAes(key: KeyObject, iv: Buffer, ct: Buffer, tag: Buffer, associated: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associated);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

function sealSm4(key: Buffer, iv: Buffer, plaintext: Buffer, associated: Buffer): { ct: Buffer; tag: Buffer } {
  const result = sm4.sm4(plaintext, key, 1, { mode: 'gcm', iv, associatedData: associated, padding: 'none', output: 'array', outputTag: true });
  if (typeof result !== 'object' || !('output' in result) || !(result.tag instanceof Uint8Array) || !(result.output instanceof Uint8Array)) {
    throw new SecurityError(SecurityErrorCode.InvalidCipherConfig, 'SM4-GCM returned no tag');
  }
  return { ct: Buffer.from(result.output), tag: Buffer.from(result.tag) };
}

function openSm4(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, associated: Buffer): Buffer {
  // sm4Gcm skips tag verification when no tag is given: the caller guarantees a 16-byte tag.
  const result = sm4.sm4(ct, key, 0, { mode: 'gcm', iv, associatedData: associated, tag, padding: 'none', output: 'array' });
  if (!(result instanceof Uint8Array)) throw decryptionFailed('SM4-GCM returned no plaintext');
  return Buffer.from(result);
}

export class FieldCipher {
  private readonly keys = new Map<string, LoadedKey>();
  private readonly active: LoadedKey;

  constructor(config: FieldCipherConfig) {
    for (const entry of config.keys) {
      if (!KEY_ID.test(entry.id)) throw configError(`field cipher key id ${JSON.stringify(entry.id)} must be 1-32 characters of [A-Za-z0-9_-]`);
      if (this.keys.has(entry.id)) throw configError(`duplicate field cipher key id ${entry.id}`);
      const algorithm = entry.algorithm ?? 'aes-256-gcm';
      if (!(algorithm in KEY_BYTES)) throw configError(`unsupported field cipher algorithm ${String(algorithm)}`);
      const key = decodeBase64Strict(entry.key);
      if (!key || key.length !== KEY_BYTES[algorithm])
        throw configError(`field cipher key ${entry.id} must be base64 of ${KEY_BYTES[algorithm]} bytes for ${algorithm}`);
      this.keys.set(entry.id, algorithm === 'aes-256-gcm' ? { id: entry.id, algorithm, key: createSecretKey(key) } : { id: entry.id, algorithm, key });
    }
    const active = this.keys.get(config.activeKeyId);
    if (!active) throw configError(`active field cipher key ${config.activeKeyId} is not configured`);
    this.active = active;
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  /** Encrypts with the active key. `context` must be given again, identical, to decrypt. */
  encrypt(plaintext: string, context?: string): string {
    const active = this.active;
    const header = `${VERSION}:${ALG_TAGS[active.algorithm]}:${active.id}`;
    const iv = randomBytes(IV_BYTES);
    const data = Buffer.from(plaintext, 'utf8');
    const associated = aad(header, context);
    const { ct, tag } = active.algorithm === 'aes-256-gcm' ? sealAes(active.key, iv, data, associated) : sealSm4(active.key, iv, data, associated);
    return [header, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join(':');
  }

  /** Decrypts a value produced by any configured key. Throws SecurityError(DecryptionFailed) otherwise. */
  decrypt(value: string, context?: string): string {
    const parts = typeof value === 'string' ? value.split(':') : [];
    if (parts.length !== 6 || parts[0] !== VERSION) throw decryptionFailed('not a v1 field cipher value');
    const [, algTag, keyId, ivText, ctText, tagText] = parts as [string, string, string, string, string, string];
    const loaded = this.keys.get(keyId);
    if (!loaded) throw decryptionFailed(`unknown field cipher key id ${keyId}`);
    if (ALG_TAGS[loaded.algorithm] !== algTag) throw decryptionFailed(`key ${keyId} is not an ${algTag} key`);
    const iv = decodeBase64UrlStrict(ivText);
    const ct = decodeBase64UrlStrict(ctText);
    const tag = decodeBase64UrlStrict(tagText);
    if (!iv || iv.length !== IV_BYTES || !ct || !tag || tag.length !== TAG_BYTES) throw decryptionFailed('malformed field cipher value');
    const associated = aad(`${VERSION}:${algTag}:${keyId}`, context);
    let plaintext: Buffer;
    try {
      plaintext = loaded.algorithm === 'aes-256-gcm' ? openAes(loaded.key, iv, ct, tag, associated) : openSm4(loaded.key, iv, ct, tag, associated);
    } catch {
      throw decryptionFailed('field cipher authentication failed (wrong key, context or tampered value)');
    }
    return plaintext.toString('utf8');
  }

  /** The key id a stored value was encrypted with, or undefined if it is not a v1 value. */
  keyIdOf(value: string): string | undefined {
    const parts = value.split(':');
    return parts.length === 6 && parts[0] === VERSION ? parts[2] : undefined;
  }

  /** True when a stored value should be re-encrypted with the active key (rotation). */
  needsReencryption(value: string): boolean {
    return this.keyIdOf(value) !== this.active.id;
  }

  /** Decrypts with whichever key and encrypts with the active one. */
  reencrypt(value: string, context?: string): string {
    return this.encrypt(this.decrypt(value, context), context);
  }

  static isEncrypted(value: string): boolean {
    return /^v1:(?:aesgcm|sm4gcm):[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*:[A-Za-z0-9_-]+$/.test(value);
  }
}
