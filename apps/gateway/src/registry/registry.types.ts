import type { SignatureAlg } from '@countypay/contracts';

/** A credential as kept in the `apps` read model: secrets still encrypted. */
export interface StoredCredential {
  credentialId: string;
  alg: SignatureAlg;
  secretCiphertext?: string;
  publicKey?: string;
  status: 'active' | 'retiring';
  notAfter?: string;
}

/** A partner app as the gateway knows it (from onboarding's AppUpdatedV1 events). */
export interface AppRecord {
  tenantId: string;
  appId: string;
  partnerId: string;
  name: string;
  status: 'active' | 'suspended';
  scopes: string[];
  callbackUrls: string[];
  ipAllowlist: string[];
  credentials: StoredCredential[];
  webhookSecretCiphertext: string;
  version: number;
}
