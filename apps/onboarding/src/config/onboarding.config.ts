import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** The onboarding service's own settings and keys (env variables of the same names). */
export class OnboardingConfig {
  /** AES-256 key (base64, 32 bytes) for personal data at rest (merchant KYC fields) */
  @Sensitive()
  @Matches(BASE64_32, { message: 'COUNTYPAY_PII_KEY must be base64 of 32 bytes' })
  COUNTYPAY_PII_KEY = '';

  /** HMAC key (base64, 32 bytes) of the blind indexes (USCC uniqueness) */
  @Sensitive()
  @Matches(BASE64_32, { message: 'COUNTYPAY_BLIND_INDEX_KEY must be base64 of 32 bytes' })
  COUNTYPAY_BLIND_INDEX_KEY = '';

  /** AES-256 key (base64, 32 bytes) of app secrets and webhook secrets, shared with the gateway (key id `cred1`) */
  @Sensitive()
  @Matches(BASE64_32, { message: 'COUNTYPAY_CREDENTIAL_KEY must be base64 of 32 bytes' })
  COUNTYPAY_CREDENTIAL_KEY = '';

  /** optional: the bootstrap province operator's token, `cpo_` + at least 32 url-safe characters */
  @Sensitive()
  @Matches(/^(cpo_[A-Za-z0-9_-]{32,200})?$/, { message: 'COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN must be cpo_ followed by at least 32 url-safe characters' })
  COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN = '';

  /** how long a rotated-out app credential stays valid */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  CREDENTIAL_ROTATION_GRACE_SECONDS = 24 * 3600;
}

/** The FieldCipher key ids: stored in every ciphertext; the gateway must use the same id for the credential key. */
export const PII_KEY_ID = 'pii1';
export const CREDENTIAL_KEY_ID = 'cred1';
