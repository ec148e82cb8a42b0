import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppScope, PartnerKind, SignatureAlg } from '@countypay/contracts';
import {
  col,
  execute,
  Keyset,
  many,
  one,
  pageQuery,
  query,
  rowOf,
  updateReturning,
  Where,
  type Page,
  type PageRequest,
  type RowType,
} from '@countypay/persistence';
import type { CredentialStatus } from '../domain/app-credential';
import type { ActivityStatus } from '../domain/state-machine';

const APP = rowOf({
  appId: col.text(),
  tenantId: col.text(),
  partnerId: col.uuid(),
  name: col.text(),
  status: col.text<ActivityStatus>(),
  scopes: col.textArray<AppScope>(),
  callbackUrls: col.textArray(),
  ipAllowlist: col.textArray(),
  webhookSecretCiphertext: col.text(),
  version: col.int(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type AppRecord = RowType<typeof APP>;

const CREDENTIAL = rowOf({
  credentialId: col.uuid(),
  appId: col.text(),
  alg: col.text<SignatureAlg>(),
  secretCiphertext: col.text().nullable(),
  publicKey: col.text().nullable(),
  status: col.text<CredentialStatus>(),
  notAfter: col.timestamp().nullable(),
  createdAt: col.timestamp(),
});
export type CredentialRecord = RowType<typeof CREDENTIAL>;

const PARTNER_REF = rowOf({ partnerId: col.uuid(), name: col.text(), kind: col.text<PartnerKind>(), status: col.text<ActivityStatus>() });
export type PartnerRef = RowType<typeof PARTNER_REF>;

export const APPS_NEWEST_FIRST = new Keyset(
  'apps',
  [
    { sql: 'a.created_at', type: 'timestamp' },
    { sql: 'a.app_id', type: 'text' },
  ],
  'desc',
);

@Injectable()
export class AppsRepository {
  findPartner(em: EntityManager, partnerId: string, forShare = false): Promise<PartnerRef | undefined> {
    return one(em, PARTNER_REF, `select ${PARTNER_REF.columns('p')} from partners p where p.partner_id = $1${forShare ? ' for share' : ''}`, [partnerId]);
  }

  /** The partners of a page of apps, in one query. */
  partners(em: EntityManager, partnerIds: readonly string[]): Promise<PartnerRef[]> {
    if (partnerIds.length === 0) return Promise.resolve([]);
    return many(em, PARTNER_REF, `select ${PARTNER_REF.columns('p')} from partners p where p.partner_id = any($1::uuid[])`, [[...new Set(partnerIds)]]);
  }

  async tenantExists(em: EntityManager, tenantId: string): Promise<boolean> {
    return (await query(em, `select 1 from tenants t where t.tenant_id = $1`, [tenantId])).rows.length > 0;
  }

  async insertApp(
    em: EntityManager,
    a: {
      appId: string;
      tenantId: string;
      partnerId: string;
      name: string;
      scopes: AppScope[];
      callbackUrls: string[];
      ipAllowlist: string[];
      webhookSecretCiphertext: string;
    },
  ): Promise<AppRecord> {
    const [row] = await updateReturning(
      em,
      APP,
      `insert into apps (app_id, tenant_id, partner_id, name, scopes, callback_urls, ip_allowlist, webhook_secret_ciphertext)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${APP.columns()}`,
      [a.appId, a.tenantId, a.partnerId, a.name, a.scopes, a.callbackUrls, a.ipAllowlist, a.webhookSecretCiphertext],
    );
    return row!;
  }

  findApp(em: EntityManager, appId: string, forUpdate = false): Promise<AppRecord | undefined> {
    return one(em, APP, `select ${APP.columns('a')} from apps a where a.app_id = $1${forUpdate ? ' for update' : ''}`, [appId]);
  }

  appsOfPartner(em: EntityManager, partnerId: string): Promise<AppRecord[]> {
    return many(em, APP, `select ${APP.columns('a')} from apps a where a.partner_id = $1 order by a.app_id for update`, [partnerId]);
  }

  listApps(em: EntityManager, filter: { tenantId?: string; partnerId?: string }, page: PageRequest): Promise<Page<AppRecord>> {
    const where = new Where().add('a.tenant_id = ?', filter.tenantId).add('a.partner_id = ?::uuid', filter.partnerId);
    return pageQuery(em, APP, { from: 'apps a', where, keyset: APPS_NEWEST_FIRST, page });
  }

  /** Applies the given fields to a row the caller has locked, version + 1. */
  async updateApp(
    em: EntityManager,
    appId: string,
    c: { name?: string; status?: ActivityStatus; scopes?: AppScope[]; callbackUrls?: string[]; ipAllowlist?: string[] },
  ): Promise<AppRecord> {
    const [row] = await updateReturning(
      em,
      APP,
      `update apps a set name = coalesce($2, a.name), status = coalesce($3, a.status), scopes = coalesce($4, a.scopes),
              callback_urls = coalesce($5, a.callback_urls), ip_allowlist = coalesce($6, a.ip_allowlist),
              version = a.version + 1, updated_at = now()
        where a.app_id = $1 returning ${APP.columns('a')}`,
      [appId, c.name ?? null, c.status ?? null, c.scopes ?? null, c.callbackUrls ?? null, c.ipAllowlist ?? null],
    );
    return row!;
  }

  /** The credentials of some apps that are not revoked, oldest first. */
  credentials(em: EntityManager, appIds: readonly string[]): Promise<CredentialRecord[]> {
    if (appIds.length === 0) return Promise.resolve([]);
    return many(
      em,
      CREDENTIAL,
      `select ${CREDENTIAL.columns('c')} from app_credentials c where c.app_id = any($1::text[]) and c.status <> 'revoked' order by c.created_at, c.credential_id`,
      [[...appIds]],
    );
  }

  async insertCredential(
    em: EntityManager,
    c: { credentialId: string; tenantId: string; appId: string; alg: SignatureAlg; secretCiphertext: string | null; publicKey: string | null },
  ): Promise<void> {
    await execute(
      em,
      `insert into app_credentials (credential_id, tenant_id, app_id, alg, secret_ciphertext, public_key, status) values ($1, $2, $3, $4, $5, $6, 'active')`,
      [c.credentialId, c.tenantId, c.appId, c.alg, c.secretCiphertext, c.publicKey],
    );
  }

  async setCredentialStatus(em: EntityManager, credentialId: string, status: CredentialStatus, notAfter: Date | null): Promise<void> {
    await execute(em, `update app_credentials set status = $2, not_after = $3 where credential_id = $1`, [credentialId, status, notAfter]);
  }
}
