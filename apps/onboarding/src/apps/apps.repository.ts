import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SignatureAlg } from '@countypay/contracts';
import { updatedRows } from '../common/sql';
import type { CredentialStatus } from '../domain/app-credential';

export interface AppRow {
  app_id: string;
  tenant_id: string;
  partner_id: string;
  name: string;
  status: 'active' | 'suspended';
  scopes: string[];
  callback_urls: string[];
  ip_allowlist: string[];
  webhook_secret_ciphertext: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface CredentialRow {
  credential_id: string;
  app_id: string;
  alg: SignatureAlg;
  secret_ciphertext: string | null;
  public_key: string | null;
  status: CredentialStatus;
  not_after: Date | null;
  created_at: Date;
}

export interface PartnerRef {
  partner_id: string;
  name: string;
  kind: string;
  status: 'active' | 'suspended';
}

const APP_COLUMNS = 'app_id, tenant_id, partner_id, name, status, scopes, callback_urls, ip_allowlist, webhook_secret_ciphertext, version, created_at, updated_at';
const CREDENTIAL_COLUMNS = 'credential_id, app_id, alg, secret_ciphertext, public_key, status, not_after, created_at';

@Injectable()
export class AppsRepository {
  async findPartner(em: EntityManager, partnerId: string, forShare = false): Promise<PartnerRef | undefined> {
    const rows: PartnerRef[] = await em.query(`select partner_id, name, kind, status from partners where partner_id = $1${forShare ? ' for share' : ''}`, [partnerId]);
    return rows[0];
  }

  async tenantExists(em: EntityManager, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`select 1 from tenants where tenant_id = $1`, [tenantId]);
    return rows.length > 0;
  }

  async insertApp(
    em: EntityManager,
    a: { appId: string; tenantId: string; partnerId: string; name: string; scopes: string[]; callbackUrls: string[]; ipAllowlist: string[]; webhookSecretCiphertext: string },
  ): Promise<AppRow> {
    const rows: AppRow[] = await em.query(
      `insert into apps (app_id, tenant_id, partner_id, name, scopes, callback_urls, ip_allowlist, webhook_secret_ciphertext)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${APP_COLUMNS}`,
      [a.appId, a.tenantId, a.partnerId, a.name, a.scopes, a.callbackUrls, a.ipAllowlist, a.webhookSecretCiphertext],
    );
    return rows[0] as AppRow;
  }

  async findApp(em: EntityManager, appId: string, forUpdate = false): Promise<AppRow | undefined> {
    const rows: AppRow[] = await em.query(`select ${APP_COLUMNS} from apps where app_id = $1${forUpdate ? ' for update' : ''}`, [appId]);
    return rows[0];
  }

  async appsOfPartner(em: EntityManager, partnerId: string): Promise<AppRow[]> {
    return em.query(`select ${APP_COLUMNS} from apps where partner_id = $1 order by app_id for update`, [partnerId]);
  }

  async listApps(em: EntityManager, q: { tenantId?: string; partnerId?: string; after?: [string, string]; limit: number }): Promise<AppRow[]> {
    return em.query(
      `select ${APP_COLUMNS} from apps
        where ($1::text is null or tenant_id = $1)
          and ($2::uuid is null or partner_id = $2)
          and ($3::timestamptz is null or (date_trunc('milliseconds', created_at), app_id) > ($3::timestamptz, $4::text))
        order by date_trunc('milliseconds', created_at), app_id
        limit $5`,
      [q.tenantId ?? null, q.partnerId ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
    );
  }

  /** Applies the given fields, version + 1. */
  async updateApp(
    em: EntityManager,
    appId: string,
    c: { name?: string; status?: 'active' | 'suspended'; scopes?: string[]; callbackUrls?: string[]; ipAllowlist?: string[] },
  ): Promise<AppRow> {
    const res: unknown = await em.query(
      `update apps set name = coalesce($2, name), status = coalesce($3, status), scopes = coalesce($4, scopes),
              callback_urls = coalesce($5, callback_urls), ip_allowlist = coalesce($6, ip_allowlist),
              version = version + 1, updated_at = now()
        where app_id = $1 returning ${APP_COLUMNS}`,
      [appId, c.name ?? null, c.status ?? null, c.scopes ?? null, c.callbackUrls ?? null, c.ipAllowlist ?? null],
    );
    return updatedRows<AppRow>(res)[0] as AppRow;
  }

  async credentials(em: EntityManager, appIds: string[]): Promise<CredentialRow[]> {
    if (appIds.length === 0) return [];
    return em.query(`select ${CREDENTIAL_COLUMNS} from app_credentials where app_id = any($1) and status <> 'revoked' order by created_at, credential_id`, [appIds]);
  }

  async insertCredential(
    em: EntityManager,
    c: { credentialId: string; tenantId: string; appId: string; alg: SignatureAlg; secretCiphertext: string | null; publicKey: string | null },
  ): Promise<void> {
    await em.query(
      `insert into app_credentials (credential_id, tenant_id, app_id, alg, secret_ciphertext, public_key, status) values ($1, $2, $3, $4, $5, $6, 'active')`,
      [c.credentialId, c.tenantId, c.appId, c.alg, c.secretCiphertext, c.publicKey],
    );
  }

  async setCredentialStatus(em: EntityManager, credentialId: string, status: CredentialStatus, notAfter: Date | null): Promise<void> {
    await em.query(`update app_credentials set status = $2, not_after = $3 where credential_id = $1`, [credentialId, status, notAfter]);
  }
}
