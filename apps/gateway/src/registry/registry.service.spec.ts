import type { DataSource } from 'typeorm';
import type { ServiceUrlsConfig } from '@countypay/config';
import type { Logger } from '@countypay/observability';
import type { ServiceAuth } from '@countypay/service-kit';
import { FieldCipher, generateFieldKey, signRequest, verifyRequestSignature } from '@countypay/security';
import { CREDENTIAL_KEY_ID } from './registry.service';
import { RegistryService } from './registry.service';
import type { RegistryRepository } from './registry.repository';
import type { AppRecord, StoredCredential } from './registry.types';

const T1 = 't510100';
const APP = 'app_0123456789abcdef';
const SECRET_1 = 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g';
const SECRET_2 = 'Hb7xK2mQ9vT4wY1cE6gJ3nP8rS5uA0dF2iL7oZ4qW9e';
const CANONICAL = 'POST\n/v1/qr/orders\n\n1767225600\nabcdefgh12345678\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: generateFieldKey() }], activeKeyId: CREDENTIAL_KEY_ID });

function appWith(credentials: StoredCredential[]): AppRecord {
  return {
    tenantId: T1,
    appId: APP,
    partnerId: 'p_1',
    name: 'demo',
    status: 'active',
    scopes: [],
    callbackUrls: [],
    ipAllowlist: [],
    credentials,
    webhookSecretCiphertext: cipher.encrypt('whsec_x'),
    version: 1,
  };
}

/** A registry over a read model that answers what `rows` holds now; its listener never starts, so every look-up reads. */
function registryOver(rows: { credentials: () => StoredCredential[]; down?: boolean }): { registry: RegistryService; decrypts: () => number } {
  let decrypts = 0;
  const counting = Object.create(cipher) as FieldCipher;
  counting.decrypt = (value: string, context?: string) => {
    decrypts++;
    return cipher.decrypt(value, context);
  };
  const unavailable = Object.assign(new Error('Connection terminated'), { code: 'ECONNREFUSED' });
  const repo = {
    tenantOfApp: async () => {
      if (rows.down) throw unavailable;
      return T1;
    },
    findApp: async () => ({ app: appWith(rows.credentials()), tenantStatus: 'active' as const }),
  } as unknown as RegistryRepository;
  const ds = { options: { schema: 'gateway' } } as unknown as DataSource;
  const logger = { warn: () => undefined } as unknown as Logger;
  const registry = new RegistryService(repo, counting, {} as ServiceUrlsConfig, logger, ds, {} as ServiceAuth);
  return { registry, decrypts: () => decrypts };
}

const hmacCredential = (secret: string): StoredCredential => ({
  credentialId: 'c1',
  alg: 'HMAC-SHA256',
  secretCiphertext: cipher.encrypt(secret),
  status: 'active',
});

describe('RegistryService.verificationKey', () => {
  it("gives the HMAC key of the app's decrypted secret: signatures made with the secret (the SDK's way) verify, others do not", async () => {
    const { registry } = registryOver({ credentials: () => [hmacCredential(SECRET_1)] });
    const found = await registry.findApp(APP);
    const key = registry.verificationKey(found!.app.credentials[0]!)!;
    expect(verifyRequestSignature('HMAC-SHA256', key, CANONICAL, signRequest('HMAC-SHA256', SECRET_1, CANONICAL))).toBe(true);
    expect(verifyRequestSignature('HMAC-SHA256', key, CANONICAL, signRequest('HMAC-SHA256', SECRET_2, CANONICAL))).toBe(false);
    // the response to that app is signed with the same key: the partner verifies it with the secret
    expect(verifyRequestSignature('HMAC-SHA256', SECRET_1, CANONICAL, signRequest('HMAC-SHA256', key, CANONICAL))).toBe(true);
  });

  it('decrypts a credential once per copy of the app, and again for a copy read afresh', async () => {
    const { registry, decrypts } = registryOver({ credentials: () => [hmacCredential(SECRET_1)] });
    const credential = (await registry.findApp(APP))!.app.credentials[0]!;
    const key = registry.verificationKey(credential);
    expect(registry.verificationKey(credential)).toBe(key);
    expect(decrypts()).toBe(1);
    registry.verificationKey((await registry.findApp(APP))!.app.credentials[0]!);
    expect(decrypts()).toBe(2);
  });

  it('follows a changed credential: the copy read after the change verifies the new secret only', async () => {
    let secret = SECRET_1;
    const { registry } = registryOver({ credentials: () => [hmacCredential(secret)] });
    const before = registry.verificationKey((await registry.findApp(APP))!.app.credentials[0]!)!;
    secret = SECRET_2;
    const after = registry.verificationKey((await registry.findApp(APP))!.app.credentials[0]!)!;
    const signedWithNew = signRequest('HMAC-SHA256', SECRET_2, CANONICAL);
    expect(verifyRequestSignature('HMAC-SHA256', after, CANONICAL, signedWithNew)).toBe(true);
    expect(verifyRequestSignature('HMAC-SHA256', after, CANONICAL, signRequest('HMAC-SHA256', SECRET_1, CANONICAL))).toBe(false);
    expect(verifyRequestSignature('HMAC-SHA256', before, CANONICAL, signedWithNew)).toBe(false);
  });

  it('passes public keys through, and throws (keeping nothing) when a secret does not decrypt', async () => {
    const other = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: generateFieldKey() }], activeKeyId: CREDENTIAL_KEY_ID });
    const sm2: StoredCredential = { credentialId: 'c2', alg: 'SM2-SM3', publicKey: `04${'ab'.repeat(64)}`, status: 'active' };
    const bad: StoredCredential = { credentialId: 'c3', alg: 'HMAC-SHA256', secretCiphertext: other.encrypt(SECRET_1), status: 'active' };
    const { registry, decrypts } = registryOver({ credentials: () => [sm2, bad] });
    expect(registry.verificationKey(sm2)).toBe(sm2.publicKey);
    expect(() => registry.verificationKey(bad)).toThrow();
    expect(() => registry.verificationKey(bad)).toThrow();
    expect(decrypts()).toBe(2);
    expect(registry.verificationKey({ credentialId: 'c4', alg: 'HMAC-SHA256', status: 'active' })).toBeUndefined();
  });

  it('keeps the copy for an outage apart from the served one: its keys are made for it, from the secret it last read', async () => {
    const rows = { credentials: () => [hmacCredential(SECRET_1)], down: false };
    const { registry, decrypts } = registryOver(rows);
    const served = (await registry.findApp(APP))!.app.credentials[0]!;
    registry.verificationKey(served);
    rows.down = true;
    const stale = await registry.findApp(APP);
    expect(stale?.stale).toBe(true);
    const staleCredential = stale!.app.credentials[0]!;
    expect(staleCredential).not.toBe(served);
    const key = registry.verificationKey(staleCredential)!;
    expect(decrypts()).toBe(2);
    expect(verifyRequestSignature('HMAC-SHA256', SECRET_1, CANONICAL, signRequest('HMAC-SHA256', key, CANONICAL))).toBe(true);
  });
});
