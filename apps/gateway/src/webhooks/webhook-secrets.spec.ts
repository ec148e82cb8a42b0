import { FieldCipher, SecurityErrorCode, generateFieldKey, generateWebhookSecret, verifyWebhook, webhookHeaders } from '@countypay/security';
import { CREDENTIAL_KEY_ID, WebhookSecrets } from './webhook-secrets';
import { WebhooksConfig } from './webhooks.config';
import type { EndpointRow } from './webhooks.repository';

const credentialKey = generateFieldKey();
const cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: credentialKey }], activeKeyId: CREDENTIAL_KEY_ID });
const SECRET_1 = generateWebhookSecret();
const SECRET_2 = generateWebhookSecret();

/** A copy of an endpoint as the read model answers it (each read a new object). */
const endpointWith = (ciphertext: string): EndpointRow => ({
  tenantId: 't510100',
  appId: 'app_0123456789abcdef',
  callbackUrls: ['https://partner.example/hook'],
  webhookSecretCiphertext: ciphertext,
  version: 1,
});

/** Signs one delivery with `key` and tells which secrets verify it. */
function verifiedBy(key: ReturnType<WebhookSecrets['signingKey']>, secrets: string[]): boolean[] {
  const body = '{"id":"evt_1","type":"payment.succeeded"}';
  const headers = webhookHeaders({ secret: key, webhookId: 'evt_1', timestamp: 1000, body });
  return secrets.map((secret) => verifyWebhook({ secret, headers, body, nowSeconds: 1000 }).ok);
}

describe('WebhookSecrets.signingKey', () => {
  let decrypts: jest.SpiedFunction<FieldCipher['decrypt']>;
  let secrets: WebhookSecrets;

  beforeEach(() => {
    decrypts = jest.spyOn(FieldCipher.prototype, 'decrypt');
    secrets = new WebhookSecrets(Object.assign(new WebhooksConfig(), { COUNTYPAY_CREDENTIAL_KEY: credentialKey }));
  });

  afterEach(() => decrypts.mockRestore());

  it("signs what the partner verifies with the app's secret, and nothing another secret verifies", () => {
    expect(verifiedBy(secrets.signingKey(endpointWith(cipher.encrypt(SECRET_1))), [SECRET_1, SECRET_2])).toEqual([true, false]);
  });

  it('decrypts once per copy of the endpoint, and again for a copy read afresh (a changed secret signs at once)', () => {
    const copy = endpointWith(cipher.encrypt(SECRET_1));
    const key = secrets.signingKey(copy);
    expect(secrets.signingKey(copy)).toBe(key);
    expect(decrypts).toHaveBeenCalledTimes(1);
    const changed = endpointWith(cipher.encrypt(SECRET_2));
    expect(verifiedBy(secrets.signingKey(changed), [SECRET_1, SECRET_2])).toEqual([false, true]);
    expect(decrypts).toHaveBeenCalledTimes(2);
  });

  it('a secret that does not decrypt, or is not a webhook secret, throws without the secret and keeps nothing', () => {
    const other = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: generateFieldKey() }], activeKeyId: CREDENTIAL_KEY_ID });
    const foreign = endpointWith(other.encrypt(SECRET_1));
    expect(() => secrets.signingKey(foreign)).toThrow(expect.objectContaining({ code: SecurityErrorCode.DecryptionFailed }));
    expect(() => secrets.signingKey(foreign)).toThrow();
    expect(decrypts).toHaveBeenCalledTimes(2);
    const notWhsec = endpointWith(cipher.encrypt('app-secret-not-a-webhook-secret'));
    let thrown: unknown;
    try {
      secrets.signingKey(notWhsec);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: SecurityErrorCode.InvalidWebhookSecret });
    expect(JSON.stringify(thrown) + String(thrown) + (thrown as Error).stack).not.toContain('app-secret-not-a-webhook-secret');
  });
});
