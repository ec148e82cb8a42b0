import { SecurityErrorCode as SigningErrorCode } from '@countypay/sdk';

export { SecurityError } from '@countypay/sdk';

/**
 * The error codes of the security library: those of the signing scheme, which lives in
 * @countypay/sdk (docs/adr/0006), and the platform's own field-encryption codes. Stable and
 * part of the public API, like the SDK's.
 */
export const SecurityErrorCode = {
  ...SigningErrorCode,
  /** Field cipher configuration is invalid (no keys, bad key length, unknown active key id). */
  InvalidCipherConfig: 'INVALID_CIPHER_CONFIG',
  /** An encrypted field value cannot be parsed, names an unknown key, or fails authentication. */
  DecryptionFailed: 'DECRYPTION_FAILED',
} as const;

export type SecurityErrorCode = (typeof SecurityErrorCode)[keyof typeof SecurityErrorCode];
