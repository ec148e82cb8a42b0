export { SecurityError, SecurityErrorCode } from './security.exception';
export { type BinaryLike, constantTimeEqual } from './encoding';
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
  type WebhookVerificationResult,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
} from './webhook-signature';
export { USCC_CHARSET, type UsccFailure, type UsccResult, isValidUscc, usccCheckCharacter, validateUscc } from './validators/uscc';
export {
  RESIDENT_ID_PROVINCE_PREFIXES,
  type ResidentIdFailure,
  type ResidentIdOptions,
  type ResidentIdResult,
  isValidResidentId,
  residentIdCheckCharacter,
  validateResidentId,
} from './validators/resident-id';
export { isValidBankCardNumber, luhnCheckDigit, luhnValid } from './validators/bank-card';
export { isMainlandMobile, normalizeMainlandMobile } from './validators/mobile-phone';
export {
  PERSONAL_DATA_FIELDS,
  type PersonalDataKind,
  REDACTED,
  maskCardNumber,
  maskEmail,
  maskName,
  maskPersonalData,
  maskPhone,
  maskResidentId,
  maskValue,
  personalDataKind,
} from './masking';
export { FieldCipher, type FieldCipherAlgorithm, type FieldCipherConfig, type FieldCipherKeyConfig, generateFieldKey } from './field-cipher';
export { blindIndex } from './blind-index';
export { APP_ID_PATTERN, generateAppId, generateAppSecret } from './app-credentials';
