/**
 * Typed errors of the security library. The codes are stable and part of the public
 * API: callers (the gateway, services) map them to HTTP statuses in one place.
 *
 * Verification functions never throw on malformed input (they return `false` or a
 * typed failure result); these errors are reserved for programming and configuration
 * mistakes and for inputs that cannot be canonicalised.
 */
export enum SecurityErrorCode {
  /** A request/response part that must be canonicalised is malformed (method, path, query, timestamp, nonce). */
  MalformedCanonicalInput = 'MALFORMED_CANONICAL_INPUT',
  /** A signing key or secret has the wrong format (not hex, wrong length, not PEM, not on the curve, …). */
  InvalidKey = 'INVALID_KEY',
  /** The signature algorithm is not one of the supported values. */
  UnsupportedAlgorithm = 'UNSUPPORTED_ALGORITHM',
  /** Field cipher configuration is invalid (no keys, bad key length, unknown active key id). */
  InvalidCipherConfig = 'INVALID_CIPHER_CONFIG',
  /** An encrypted field value cannot be parsed, names an unknown key, or fails authentication. */
  DecryptionFailed = 'DECRYPTION_FAILED',
  /** A webhook secret is not in the `whsec_<base64>` format. */
  InvalidWebhookSecret = 'INVALID_WEBHOOK_SECRET',
}

export class SecurityError extends Error {
  override readonly name = 'SecurityError';

  constructor(
    readonly code: SecurityErrorCode,
    message: string,
  ) {
    super(message);
  }
}
