import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { updatedRows } from '../common/sql';

export interface TenantRow {
  tenant_id: string;
  code: string;
  name: string;
  short_name: string;
  name_en: string;
  kind: string;
  county: string;
  prefecture: string;
  prefecture_code: string;
  province: string;
  timezone: string;
  status: 'active' | 'suspended';
  config: Record<string, unknown>;
  version: number;
  published_version: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `tenant_id, code, name, short_name, name_en, kind, county, prefecture, prefecture_code, province, timezone,
  status, config, version, published_version, created_at, updated_at`;

@Injectable()
export class TenantsRepository {
  /** RLS: a tenant transaction sees its own row, the province scope every row. */
  async find(em: EntityManager, tenantId: string, forUpdate = false): Promise<TenantRow | undefined> {
    const rows: TenantRow[] = await em.query(`select ${COLUMNS} from tenants where tenant_id = $1${forUpdate ? ' for update' : ''}`, [tenantId]);
    return rows[0];
  }

  async list(em: EntityManager, q: { afterId?: string; limit: number }): Promise<TenantRow[]> {
    return em.query(`select ${COLUMNS} from tenants where ($1::text is null or tenant_id > $1) order by tenant_id limit $2`, [q.afterId ?? null, q.limit]);
  }

  /** Writes a change and bumps the version (the row is locked by the caller). */
  async update(em: EntityManager, tenantId: string, change: { status?: 'active' | 'suspended'; config?: object }): Promise<TenantRow> {
    const res: unknown = await em.query(
      `update tenants set status = coalesce($2, status), config = coalesce($3::jsonb, config), version = version + 1,
              published_version = version + 1, updated_at = now()
        where tenant_id = $1 returning ${COLUMNS}`,
      [tenantId, change.status ?? null, change.config ? JSON.stringify(change.config) : null],
    );
    return updatedRows<TenantRow>(res)[0] as TenantRow;
  }

  /** Tenants whose current version has not been announced yet (seeded ones), locked. */
  async unpublished(em: EntityManager): Promise<TenantRow[]> {
    return em.query(`select ${COLUMNS} from tenants where published_version is distinct from version order by tenant_id for update skip locked`);
  }

  async markPublished(em: EntityManager, tenantId: string, version: number): Promise<void> {
    await em.query(`update tenants set published_version = $2 where tenant_id = $1`, [tenantId, version]);
  }
}
