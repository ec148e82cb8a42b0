import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/** The read model of each tenant's configuration (fee plan…), fed by `onboarding.tenant-updated`; the highest version wins. */
export class TenantConfigs1764202400000 implements MigrationInterface {
  name = 'TenantConfigs1764202400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table tenant_configs (
        tenant_id text primary key,
        name text not null,
        status text not null check (status in ('active', 'suspended')),
        config jsonb not null,
        version int not null check (version >= 1),
        source_event_id uuid not null,
        updated_at timestamptz not null default now()
      )`);
    for (const sql of tenantRlsSql('tenant_configs')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table tenant_configs');
  }
}
