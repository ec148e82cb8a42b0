import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TenantConfigRow {
  tenantId: string;
  name: string;
  status: 'active' | 'suspended';
  config: unknown;
  version: number;
  sourceEventId: string;
}

@Injectable()
export class TenantConfigRepository {
  /** Keeps the highest version: an older or equal version (a replay, an out-of-order event) changes nothing. */
  async upsert(em: EntityManager, r: TenantConfigRow): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `insert into tenant_configs (tenant_id, name, status, config, version, source_event_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id) do update
         set name = excluded.name, status = excluded.status, config = excluded.config, version = excluded.version,
             source_event_id = excluded.source_event_id, updated_at = now()
         where tenant_configs.version < excluded.version
       returning tenant_id`,
      [r.tenantId, r.name, r.status, JSON.stringify(r.config), r.version, r.sourceEventId],
    );
    return rows.length > 0;
  }

  /** RLS scopes this to the transaction's tenant. */
  async find(em: EntityManager, tenantId: string): Promise<{ config: unknown; version: number } | undefined> {
    const rows: Array<{ config: unknown; version: number }> = await em.query(`select config, version from tenant_configs where tenant_id = $1`, [tenantId]);
    return rows[0];
  }
}
