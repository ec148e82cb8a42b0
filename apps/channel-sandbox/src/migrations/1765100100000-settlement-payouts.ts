import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/** The county core banking's settlement payouts (county settlement account → merchant account), one per instruction id. */
export class SandboxSettlementPayouts1765100100000 implements MigrationInterface {
  name = 'SandboxSettlementPayouts1765100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table sandbox_settlement_payouts (
        tenant_id text not null,
        instruction_id text not null check (instruction_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
        account_no text not null,
        account_name text not null,
        amount_fen bigint not null check (amount_fen > 0),
        status text not null check (status in ('succeeded', 'failed')),
        failure_reason text,
        at timestamptz not null default now(),
        primary key (tenant_id, instruction_id)
      )`);
    for (const sql of tenantRlsSql('sandbox_settlement_payouts')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table sandbox_settlement_payouts');
  }
}
