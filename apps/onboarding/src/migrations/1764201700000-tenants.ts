import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * The county tenants. A tenant sees its own row; the province operator scope sees all.
 * `config` holds the tenant's products, channels, fee plans, limits, cycle and cut-off.
 */
export class Tenants1764201700000 implements MigrationInterface {
  name = 'Tenants1764201700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table tenants (
        tenant_id text primary key,
        code char(6) not null unique,
        name text not null,
        short_name text not null,
        name_en text not null,
        kind text not null check (kind in ('rural_commercial_bank', 'rural_credit_union')),
        county text not null,
        prefecture text not null,
        prefecture_code char(6) not null,
        province text not null,
        timezone text not null default 'Asia/Shanghai',
        status text not null default 'active' check (status in ('active', 'suspended')),
        config jsonb not null default '{}'::jsonb,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (tenant_id = 't' || code)
      )`);
    for (const sql of [...tenantRlsSql('tenants'), ...provinceRlsSql('tenants')]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table tenants');
  }
}
