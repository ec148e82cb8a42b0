// The signing scheme of the countypay open API (docs/signing.md): canonical request and response
// strings, body digests, HMAC-SHA256 / SM2-SM3 / RSA-SHA256 signatures, nonces, the timestamp
// window and Standard Webhooks signatures. The one implementation of it: the platform's gateway
// verifies with this same code, so it checks exactly what partners sign (docs/adr/0006).
export { SecurityError, SecurityErrorCode } from './security.exception';
export { type BinaryLike, constantTimeEqual, decodeBase64Strict } from './encoding';
export {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_HEADERS,
  type SignatureAlgorithm,
  isSignatureAlgorithm,
} from './signature-algorithm';
export {
  type CanonicalRequestInput,
  NONCE_PATTERN,
  type QueryInput,
  type ResponseCanonicalInput,
  type TimestampCheck,
  bodyDigest,
  canonicalQuery,
  canonicalRequest,
  checkTimestamp,
  responseCanonical,
  rfc3986Encode,
  splitRequestTarget,
} from './canonical-request';
export {
  type SignatureKey,
  type SignedRequestInput,
  generateNonce,
  hmacKey,
  signRequest,
  signResponse,
  signedRequestHeaders,
  verifyRequestSignature,
  verifyResponseSignature,
} from './request-signature';
export {
  SM2_DEFAULT_USER_ID,
  type Sm2KeyPair,
  type Sm2Options,
  generateSm2KeyPair,
  isValidSm2PrivateKey,
  isValidSm2PublicKey,
  sm2PublicKeyFromPem,
  sm2PublicKeyFromPrivateKey,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  sm2Verify,
} from './sm2';
export {
  type SignWebhookInput,
  type VerifyWebhookInput,
  WEBHOOK_HEADERS,
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
  type WebhookVerificationFailure,
  type WebhookSecret,
  type WebhookVerificationResult,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  webhookKey,
} from './webhook-signature';
