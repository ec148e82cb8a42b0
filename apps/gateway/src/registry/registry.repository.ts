import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inTenantTransaction } from '@countypay/persistence';
import type { AppUpdatedData, TenantUpdatedData } from '@countypay/contracts';
import type { AppRecord, StoredCredential } from './registry.types';

interface AppRow {
  tenant_id: string;
  app_id: string;
  partner_id: string;
  name: string;
  status: 'active' | 'suspended';
  scopes: string[];
  callback_urls: string[];
  ip_allowlist: string[];
  credentials: StoredCredential[];
  webhook_secret_ciphertext: string;
  version: number;
}

function toRecord(r: AppRow): AppRecord {
  return {
    tenantId: r.tenant_id,
    appId: r.app_id,
    partnerId: r.partner_id,
    name: r.name,
    status: r.status,
    scopes: r.scopes,
    callbackUrls: r.callback_urls,
    ipAllowlist: r.ip_allowlist,
    credentials: r.credentials,
    webhookSecretCiphertext: r.webhook_secret_ciphertext,
    version: r.version,
  };
}

/** The read models of apps and tenants (the only SQL on them). */
@Injectable()
export class RegistryRepository {
  constructor(private readonly ds: DataSource) {}

  /** Upserts an app, keeping the highest version; `em` is the consumer's tenant-scoped transaction. */
  async upsertApp(em: EntityManager, tenantId: string, d: AppUpdatedData): Promise<void> {
    const credentials: StoredCredential[] = d.credentials.map((c) => ({
      credentialId: c.credentialId,
      alg: c.alg,
      ...(c.secretCiphertext !== undefined ? { secretCiphertext: c.secretCiphertext } : {}),
      ...(c.publicKey !== undefined ? { publicKey: c.publicKey } : {}),
      status: c.status,
      ...(c.notAfter !== undefined ? { notAfter: c.notAfter } : {}),
    }));
    await em.query(
      `insert into app_directory (app_id, tenant_id, version) values ($1, $2, $3)
       on conflict (app_id) do update set tenant_id = excluded.tenant_id, version = excluded.version
       where app_directory.version < excluded.version`,
      [d.appId, tenantId, d.version],
    );
    await em.query(
      `insert into apps (tenant_id, app_id, partner_id, name, status, scopes, callback_urls, ip_allowlist, credentials, webhook_secret_ciphertext, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       on conflict (tenant_id, app_id) do update set
         partner_id = excluded.partner_id, name = excluded.name, status = excluded.status, scopes = excluded.scopes,
         callback_urls = excluded.callback_urls, ip_allowlist = excluded.ip_allowlist, credentials = excluded.credentials,
         webhook_secret_ciphertext = excluded.webhook_secret_ciphertext, version = excluded.version, updated_at = now()
       where apps.version < excluded.version`,
      [tenantId, d.appId, d.partnerId, d.name, d.status, d.scopes, d.callbackUrls, d.ipAllowlist, JSON.stringify(credentials), d.webhookSecretCiphertext, d.version],
    );
  }

  async upsertTenant(em: EntityManager, d: TenantUpdatedData): Promise<void> {
    await em.query(
      `insert into tenants (tenant_id, status, version) values ($1, $2, $3)
       on conflict (tenant_id) do update set status = excluded.status, version = excluded.version, updated_at = now()
       where tenants.version < excluded.version`,
      [d.tenantId, d.status, d.version],
    );
  }

  /** The tenant of an app, from the non-RLS directory (no secrets there). */
  async tenantOfApp(appId: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.ds.query(`select tenant_id from app_directory where app_id = $1`, [appId]);
    return rows[0]?.tenant_id;
  }

  /** The app and its tenant's status, under the tenant's RLS. A tenant without events is active (seeded). */
  async findApp(tenantId: string, appId: string): Promise<{ app: AppRecord; tenantStatus: 'active' | 'suspended' } | undefined> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const rows: AppRow[] = await em.query(
        `select tenant_id, app_id, partner_id, name, status, scopes, callback_urls, ip_allowlist, credentials, webhook_secret_ciphertext, version
           from apps where tenant_id = $1 and app_id = $2`,
        [tenantId, appId],
      );
      if (!rows[0]) return undefined;
      const tenants: Array<{ status: 'active' | 'suspended' }> = await em.query(`select status from tenants where tenant_id = $1`, [tenantId]);
      return { app: toRecord(rows[0]), tenantStatus: tenants[0]?.status ?? 'active' };
    });
  }
}
