import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, many, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { ActivityStatus } from '../domain/state-machine';
import type { TenantKind } from './dto/tenant.dto';

const TENANT = rowOf({
  tenantId: col.text(),
  code: col.text(),
  name: col.text(),
  shortName: col.text(),
  nameEn: col.text(),
  kind: col.text<TenantKind>(),
  county: col.text(),
  prefecture: col.text(),
  prefectureCode: col.text(),
  province: col.text(),
  timezone: col.text(),
  status: col.text<ActivityStatus>(),
  config: col.json<Record<string, unknown>>(),
  version: col.int(),
  publishedVersion: col.int().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type TenantRecord = RowType<typeof TENANT>;

/** The 99 counties by tenant id. */
export const TENANTS_BY_ID = new Keyset('tenants', [{ sql: 't.tenant_id', type: 'text' }], 'asc');

@Injectable()
export class TenantsRepository {
  /** RLS: a tenant transaction sees its own row, the province scope every row. */
  find(em: EntityManager, tenantId: string, forUpdate = false): Promise<TenantRecord | undefined> {
    return one(em, TENANT, `select ${TENANT.columns('t')} from tenants t where t.tenant_id = $1${forUpdate ? ' for update' : ''}`, [tenantId]);
  }

  list(em: EntityManager, page: PageRequest): Promise<Page<TenantRecord>> {
    return pageQuery(em, TENANT, { from: 'tenants t', where: new Where(), keyset: TENANTS_BY_ID, page });
  }

  /** Writes a change and bumps the version (the row is locked by the caller). */
  async update(em: EntityManager, tenantId: string, change: { status?: ActivityStatus; config?: object }): Promise<TenantRecord> {
    const [row] = await updateReturning(
      em,
      TENANT,
      `update tenants t set status = coalesce($2, t.status), config = coalesce($3::jsonb, t.config), version = t.version + 1,
              published_version = t.version + 1, updated_at = now()
        where t.tenant_id = $1 returning ${TENANT.columns('t')}`,
      [tenantId, change.status ?? null, change.config ? JSON.stringify(change.config) : null],
    );
    return row!;
  }

  /** Tenants whose current version has not been announced yet (seeded ones), locked. */
  unpublished(em: EntityManager): Promise<TenantRecord[]> {
    return many(
      em,
      TENANT,
      `select ${TENANT.columns('t')} from tenants t where t.published_version is distinct from t.version order by t.tenant_id for update skip locked`,
    );
  }

  async markPublished(em: EntityManager, tenantId: string, version: number): Promise<void> {
    await execute(em, `update tenants set published_version = $2 where tenant_id = $1`, [tenantId, version]);
  }
}
