/**
 * Typed errors of the signing scheme. The codes are stable and part of the public API:
 * callers (a partner's code, the gateway) map them to their own errors in one place.
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
  /** A webhook secret is not in the `whsec_<base64>` format. */
  InvalidWebhookSecret = 'INVALID_WEBHOOK_SECRET',
}

/**
 * `code` is one of SecurityErrorCode here; the platform's own code (field encryption) throws
 * the same class with codes of its own, hence the type parameter.
 */
export class SecurityError<Code extends string = SecurityErrorCode> extends Error {
  override readonly name = 'SecurityError';

  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}
