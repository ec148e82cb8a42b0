import { Injectable } from '@nestjs/common';
import { blindIndex, FieldCipher } from '@countypay/security';
import { CREDENTIAL_KEY_ID, OnboardingConfig, PII_KEY_ID } from '../config/onboarding.config';

/** The service's keys at rest: personal data, partner credentials, blind indexes. */
@Injectable()
export class Secrets {
  /** merchant KYC fields */
  readonly pii: FieldCipher;
  /** app secrets and webhook secrets; the gateway decrypts with the same key (id `cred1`), no context */
  readonly credentials: FieldCipher;
  private readonly indexKey: string;

  constructor(config: OnboardingConfig) {
    this.pii = new FieldCipher({ keys: [{ id: PII_KEY_ID, key: config.COUNTYPAY_PII_KEY }], activeKeyId: PII_KEY_ID });
    this.credentials = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: CREDENTIAL_KEY_ID });
    this.indexKey = config.COUNTYPAY_BLIND_INDEX_KEY;
  }

  blindIndex(value: string, context: string): string {
    return blindIndex(value, this.indexKey, context);
  }
}
