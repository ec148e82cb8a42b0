import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, one, rowOf, type RowType } from '@countypay/persistence';

export interface NewTenantConfig {
  tenantId: string;
  name: string;
  status: 'active' | 'suspended';
  config: unknown;
  version: number;
  sourceEventId: string;
}

const TENANT_CONFIG = rowOf({ config: col.json<unknown>(), version: col.int() });
export type TenantConfigRecord = RowType<typeof TENANT_CONFIG>;

@Injectable()
export class TenantConfigRepository {
  /** Keeps the highest version: an older or equal version (a replay, an out-of-order event) changes nothing. */
  async upsert(em: EntityManager, r: NewTenantConfig): Promise<boolean> {
    const changed = await execute(
      em,
      `insert into tenant_configs (tenant_id, name, status, config, version, source_event_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id) do update
         set name = excluded.name, status = excluded.status, config = excluded.config, version = excluded.version,
             source_event_id = excluded.source_event_id, updated_at = now()
         where tenant_configs.version < excluded.version`,
      [r.tenantId, r.name, r.status, JSON.stringify(r.config), r.version, r.sourceEventId],
    );
    return changed > 0;
  }

  /** RLS scopes this to the transaction's tenant. */
  find(em: EntityManager, tenantId: string): Promise<TenantConfigRecord | undefined> {
    return one(em, TENANT_CONFIG, `select ${TENANT_CONFIG.columns('c')} from tenant_configs c where c.tenant_id = $1`, [tenantId]);
  }
}
