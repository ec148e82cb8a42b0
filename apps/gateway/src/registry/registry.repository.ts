import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { col, execute, inTenantTransaction, one, rowOf } from '@countypay/persistence';
import type { AppUpdatedData, TenantUpdatedData } from '@countypay/contracts';
import type { AppRecord, StoredCredential } from './registry.types';

const APP = rowOf({
  tenantId: col.text(),
  appId: col.text(),
  partnerId: col.uuid(),
  name: col.text(),
  status: col.text<'active' | 'suspended'>(),
  scopes: col.textArray(),
  callbackUrls: col.textArray(),
  ipAllowlist: col.textArray(),
  credentials: col.json<StoredCredential[]>(),
  webhookSecretCiphertext: col.text(),
  version: col.int(),
});
const TENANT_STATUS = rowOf({ status: col.text<'active' | 'suspended'>() });
const DIRECTORY = rowOf({ tenantId: col.text() });

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
    await execute(
      em,
      `insert into app_directory (app_id, tenant_id, version) values ($1, $2, $3)
       on conflict (app_id) do update set tenant_id = excluded.tenant_id, version = excluded.version
       where app_directory.version < excluded.version`,
      [d.appId, tenantId, d.version],
    );
    await execute(
      em,
      `insert into apps (tenant_id, app_id, partner_id, name, status, scopes, callback_urls, ip_allowlist, credentials, webhook_secret_ciphertext, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       on conflict (tenant_id, app_id) do update set
         partner_id = excluded.partner_id, name = excluded.name, status = excluded.status, scopes = excluded.scopes,
         callback_urls = excluded.callback_urls, ip_allowlist = excluded.ip_allowlist, credentials = excluded.credentials,
         webhook_secret_ciphertext = excluded.webhook_secret_ciphertext, version = excluded.version, updated_at = now()
       where apps.version < excluded.version`,
      [
        tenantId,
        d.appId,
        d.partnerId,
        d.name,
        d.status,
        d.scopes,
        d.callbackUrls,
        d.ipAllowlist,
        JSON.stringify(credentials),
        d.webhookSecretCiphertext,
        d.version,
      ],
    );
  }

  async upsertTenant(em: EntityManager, d: TenantUpdatedData): Promise<void> {
    await execute(
      em,
      `insert into tenants (tenant_id, status, version) values ($1, $2, $3)
       on conflict (tenant_id) do update set status = excluded.status, version = excluded.version, updated_at = now()
       where tenants.version < excluded.version`,
      [d.tenantId, d.status, d.version],
    );
  }

  /** The tenant of an app, from the non-RLS directory (no secrets there). */
  async tenantOfApp(appId: string): Promise<string | undefined> {
    return (await one(this.ds.manager, DIRECTORY, `select tenant_id from app_directory where app_id = $1`, [appId]))?.tenantId;
  }

  /** The app and its tenant's status, under the tenant's RLS. A tenant without events is active (seeded). */
  async findApp(tenantId: string, appId: string): Promise<{ app: AppRecord; tenantStatus: 'active' | 'suspended' } | undefined> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const app = await one(em, APP, `select ${APP.columns()} from apps where tenant_id = $1 and app_id = $2`, [tenantId, appId]);
      if (!app) return undefined;
      const tenant = await one(em, TENANT_STATUS, `select status from tenants where tenant_id = $1`, [tenantId]);
      return { app, tenantStatus: tenant?.status ?? 'active' };
    });
  }
}
