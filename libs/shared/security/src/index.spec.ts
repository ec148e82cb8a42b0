import * as sdk from '@countypay/sdk';
import * as security from './index';

// The signing scheme has one implementation, the published SDK's (docs/adr/0006): what the
// platform verifies with is the very code partners sign with, not a copy.
describe('@countypay/security re-exports the signing scheme of @countypay/sdk', () => {
  it.each([
    'canonicalRequest',
    'canonicalQuery',
    'responseCanonical',
    'bodyDigest',
    'rfc3986Encode',
    'signRequest',
    'verifyRequestSignature',
    'signedRequestHeaders',
    'verifyResponseSignature',
    'checkTimestamp',
    'generateNonce',
    'sm2Sign',
    'sm2Verify',
    'generateSm2KeyPair',
    'signWebhook',
    'webhookHeaders',
    'SIGNATURE_ALGORITHMS',
    'SecurityError',
  ] as const)('%s is the SDK’s', (name) => {
    expect(security[name]).toBe(sdk[name]);
  });

  it('verifyWebhook is the SDK’s Standard Webhooks check (the SDK’s own verifyWebhook is the one-call boolean form)', () => {
    expect(security.verifyWebhook).toBe(sdk.verifyStandardWebhook);
    expect(security.verifyWebhook).not.toBe(sdk.verifyWebhook);
  });

  it('SecurityErrorCode has the SDK’s codes and the platform’s field-cipher codes', () => {
    expect(security.SecurityErrorCode).toEqual({
      ...sdk.SecurityErrorCode,
      InvalidCipherConfig: 'INVALID_CIPHER_CONFIG',
      DecryptionFailed: 'DECRYPTION_FAILED',
    });
  });

  it('keeps the platform-only parts out of the SDK', () => {
    for (const name of ['FieldCipher', 'blindIndex', 'maskPersonalData', 'validateUscc', 'generateAppId', 'generateAppSecret']) {
      expect(security).toHaveProperty(name);
      expect(sdk).not.toHaveProperty(name);
    }
  });
});
