/** Request/response signature algorithms accepted by the open API gateway (value of `X-CP-Signature-Alg`). */
export const SIGNATURE_ALGORITHMS = ['HMAC-SHA256', 'SM2-SM3', 'RSA-SHA256'] as const;

export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithm {
  return typeof value === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

/** HTTP headers of the open API signature scheme (docs/signing.md). Header names are case-insensitive on the wire. */
export const SIGNATURE_HEADERS = {
  appId: 'X-CP-App-Id',
  timestamp: 'X-CP-Timestamp',
  nonce: 'X-CP-Nonce',
  signature: 'X-CP-Signature',
  signatureAlg: 'X-CP-Signature-Alg',
  /** Set by the gateway on every response; part of the response canonical string. */
  requestId: 'X-CP-Request-Id',
} as const;

/** Accepted clock skew between the partner's `X-CP-Timestamp` and the gateway clock, both directions. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;
