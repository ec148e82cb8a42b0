import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * Merchant payouts: each merchant's payout account (number and name encrypted, the last four
 * digits for display), the payouts of each batch (one instruction id per attempt; a failed
 * payout is retried under a new attempt, an unanswered one is resolved by querying its own
 * instruction id) and the ledger's third source type, `payout.succeeded`
 * (Dr merchant payable, Cr bank clearing).
 */
export class SettlementPayouts1765100200000 implements MigrationInterface {
  name = 'SettlementPayouts1765100200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table merchant_payout_accounts (
        tenant_id text not null,
        merchant_id uuid not null,
        account_no_ciphertext text not null,
        account_name_ciphertext text not null,
        account_no_last4 text not null check (account_no_last4 ~ '^[0-9]{4}$'),
        updated_by text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, merchant_id)
      )`);
    for (const sql of tenantRlsSql('merchant_payout_accounts')) await q.query(sql);

    await q.query(`
      create table settlement_payouts (
        tenant_id text not null,
        id uuid not null,
        batch_id uuid not null,
        merchant_id uuid not null,
        attempt int not null check (attempt >= 1),
        instruction_id text not null,
        amount_fen bigint not null check (amount_fen > 0),
        account_no_last4 text,
        status text not null check (status in ('pending', 'unknown', 'succeeded', 'failed')),
        failure_reason text,
        ledger_entry_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        seq bigserial not null,
        primary key (tenant_id, id),
        unique (tenant_id, instruction_id),
        unique (tenant_id, batch_id, merchant_id, attempt),
        foreign key (tenant_id, batch_id) references settlement_batches (tenant_id, id)
      )`);
    await q.query('create index settlement_payouts_batch_idx on settlement_payouts (tenant_id, batch_id, seq)');
    // at most one live attempt (not failed) per merchant and batch
    await q.query(`create unique index settlement_payouts_live_idx on settlement_payouts (tenant_id, batch_id, merchant_id) where status <> 'failed'`);
    for (const sql of tenantRlsSql('settlement_payouts')) await q.query(sql);

    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in ('payment.succeeded', 'refund.succeeded', 'payout.succeeded'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table settlement_payouts');
    await q.query('drop table merchant_payout_accounts');
  }
}
