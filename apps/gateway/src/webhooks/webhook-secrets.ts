import { Injectable } from '@nestjs/common';
import { FieldCipher } from '@countypay/security';
import { WebhooksConfig } from './webhooks.config';

/** The FieldCipher key id of the credential key (the same as onboarding's CREDENTIAL_KEY_ID). */
export const CREDENTIAL_KEY_ID = 'cred1';

/** Opens an app's webhook secret, only at signing time; the plaintext is never stored or logged. */
@Injectable()
export class WebhookSecrets {
  private readonly cipher: FieldCipher;

  constructor(config: WebhooksConfig) {
    this.cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: CREDENTIAL_KEY_ID });
  }

  /** Throws SecurityError(DecryptionFailed) for a value this key did not produce. */
  open(ciphertext: string): string {
    return this.cipher.decrypt(ciphertext);
  }
}
