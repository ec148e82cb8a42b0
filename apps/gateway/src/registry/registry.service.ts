import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppUpdatedData, EventEnvelope, TenantUpdatedData } from '@countypay/contracts';
import { FieldCipher } from '@countypay/security';
import { GatewayConfig } from '../config/gateway.config';
import { RegistryRepository } from './registry.repository';
import type { AppRecord, StoredCredential } from './registry.types';

/** The key id onboarding encrypts app secrets with (no FieldCipher context). */
export const CREDENTIAL_KEY_ID = 'cred1';

export const CREDENTIAL_CIPHER = Symbol('CREDENTIAL_CIPHER');

export function credentialCipher(config: GatewayConfig): FieldCipher {
  return new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: CREDENTIAL_KEY_ID });
}

/**
 * Apps and tenants as onboarding publishes them. Secrets stay encrypted at rest; they are
 * decrypted in memory, one credential at a time, only to verify or sign.
 */
@Injectable()
export class RegistryService {
  constructor(
    private readonly repo: RegistryRepository,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: FieldCipher,
  ) {}

  async onAppUpdated(event: EventEnvelope<AppUpdatedData>, em: EntityManager): Promise<void> {
    await this.repo.upsertApp(em, event.tenantId, event.data);
  }

  async onTenantUpdated(event: EventEnvelope<TenantUpdatedData>, em: EntityManager): Promise<void> {
    await this.repo.upsertTenant(em, event.data);
  }

  async findApp(appId: string): Promise<{ app: AppRecord; tenantStatus: 'active' | 'suspended' } | undefined> {
    const tenantId = await this.repo.tenantOfApp(appId);
    if (!tenantId) return undefined;
    return this.repo.findApp(tenantId, appId);
  }

  /** The verification key of a credential: the decrypted HMAC secret or the public key. */
  verificationKey(credential: StoredCredential): string | undefined {
    if (credential.alg === 'HMAC-SHA256') {
      return credential.secretCiphertext ? this.cipher.decrypt(credential.secretCiphertext) : undefined;
    }
    return credential.publicKey;
  }

  /** The decrypted Standard Webhooks secret of an app (for the webhooks module). */
  webhookSecret(app: AppRecord): string {
    return this.cipher.decrypt(app.webhookSecretCiphertext);
  }
}
