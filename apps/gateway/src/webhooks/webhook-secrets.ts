import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FieldCipher, webhookKey } from '@countypay/security';
import type { EndpointRow } from './webhooks.repository';
import { WebhooksConfig } from './webhooks.config';

/** The FieldCipher key id of the credential key (the same as onboarding's CREDENTIAL_KEY_ID). */
export const CREDENTIAL_KEY_ID = 'cred1';

/**
 * Apps' webhook signing keys. An endpoint's secret is decrypted when it is first needed to sign
 * and kept as an HMAC KeyObject (`webhookKey`: its bytes outside the JavaScript heap) with the copy
 * of the endpoint it was read with — the one `WebhookEndpoints` keeps in memory, or one attempt's
 * when nothing is kept — and goes with that copy: at a change to the endpoint (the notification
 * drops it, a re-read copy makes its own key, so a new secret signs the next attempt), a listener
 * reset, or the copy's minute. As the app keys (docs/adr/0029). The secret is never stored
 * elsewhere, logged or part of an error.
 */
@Injectable()
export class WebhookSecrets {
  private readonly cipher: FieldCipher;
  /** The key of each endpoint copy, made on first use; weakly held, so it lives exactly as long as the copy. */
  private readonly keys = new WeakMap<EndpointRow, KeyObject>();

  constructor(config: WebhooksConfig) {
    this.cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: CREDENTIAL_KEY_ID });
  }

  /**
   * The signing key of this copy of the endpoint. Throws SecurityError (DecryptionFailed, or
   * InvalidWebhookSecret for a plaintext that is not a `whsec_` secret) and keeps nothing then.
   */
  signingKey(endpoint: EndpointRow): KeyObject {
    let key = this.keys.get(endpoint);
    if (!key) {
      key = webhookKey(this.cipher.decrypt(endpoint.webhookSecretCiphertext));
      this.keys.set(endpoint, key);
    }
    return key;
  }
}
