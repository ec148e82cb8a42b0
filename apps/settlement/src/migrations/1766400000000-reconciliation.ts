import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * Channel reconciliation (对账) and its exception workflow (差错处理):
 *
 * - `recon_platform_txns`: the platform's payments and refunds as reconciliation needs them (a read
 *   model fed by the payment and refund events: order and refund numbers, channel transaction id,
 *   amount, outcome, business date);
 * - `recon_runs`: one per tenant, channel and business date (a run again updates it);
 * - `recon_cases`: one per discrepant movement (tenant, channel, type, platform number), open
 *   across days until resolved; `recon_case_history` its history;
 * - `recon_settings`: what a tenant does with a late channel success on an order closed locally.
 *
 * Ledger entries get the source type `reconciliation.adjustment` (one per case, ever).
 */
export class Reconciliation1766400000000 implements MigrationInterface {
  name = 'Reconciliation1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table recon_platform_txns (
        tenant_id text not null,
        kind text not null check (kind in ('payment', 'refund')),
        txn_key text not null,
        order_id uuid not null,
        refund_id uuid,
        channel text not null check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank')),
        merchant_id uuid not null,
        channel_trade_no text,
        amount_fen bigint not null check (amount_fen > 0),
        outcome text not null check (outcome in ('succeeded', 'reversed', 'closed')),
        business_date date not null,
        occurred_at timestamptz not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, kind, txn_key),
        check ((kind = 'payment') = (refund_id is null))
      )`);
    await q.query('create index recon_platform_txns_day_idx on recon_platform_txns (tenant_id, channel, business_date)');
    await q.query('create index recon_platform_txns_trade_idx on recon_platform_txns (tenant_id, channel_trade_no) where channel_trade_no is not null');
    for (const sql of tenantRlsSql('recon_platform_txns')) await q.query(sql);

    await q.query(`
      create table recon_runs (
        tenant_id text not null,
        id uuid not null,
        channel text not null,
        business_date date not null,
        run_count int not null default 1 check (run_count >= 1),
        statement_rows int not null check (statement_rows >= 0),
        platform_rows int not null check (platform_rows >= 0),
        matched int not null check (matched >= 0),
        channel_only int not null check (channel_only >= 0),
        platform_only int not null check (platform_only >= 0),
        amount_mismatch int not null check (amount_mismatch >= 0),
        status_mismatch int not null check (status_mismatch >= 0),
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, channel, business_date)
      )`);
    for (const sql of tenantRlsSql('recon_runs')) await q.query(sql);

    await q.query(`
      create table recon_cases (
        tenant_id text not null,
        id uuid not null,
        channel text not null,
        kind text not null check (kind in ('payment', 'refund')),
        txn_key text not null,
        class text not null check (class in ('channel_only', 'platform_only', 'amount_mismatch', 'status_mismatch')),
        status text not null check (status in ('open', 'pending_review', 'pending_approval', 'resolved')),
        business_date date not null,
        last_seen_date date not null,
        order_id text not null,
        refund_id text,
        channel_trade_no text,
        merchant_id uuid,
        platform_amount_fen bigint,
        channel_amount_fen bigint,
        platform_outcome text,
        channel_outcome text,
        resolution text check (resolution in ('requery_matched', 'auto_refund', 'make_up_order', 'adjustment_posted', 'operator_resolved', 'matched_on_rerun')),
        adjustment_fen bigint check (adjustment_fen <> 0),
        adjustment_reason text,
        proposed_by text,
        approved_by text,
        ledger_entry_id uuid,
        requery_count int not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        seq bigserial not null,
        primary key (tenant_id, id),
        unique (tenant_id, channel, kind, txn_key),
        check (status <> 'resolved' or resolution is not null),
        check (approved_by is null or (proposed_by is not null and approved_by <> proposed_by))
      )`);
    await q.query('create index recon_cases_seq_idx on recon_cases (tenant_id, seq)');
    await q.query(`create index recon_cases_open_idx on recon_cases (tenant_id, status) where status <> 'resolved'`);
    for (const sql of tenantRlsSql('recon_cases')) await q.query(sql);

    await q.query(`
      create table recon_case_history (
        tenant_id text not null,
        case_id uuid not null,
        seq bigserial not null,
        action text not null,
        from_status text,
        to_status text not null,
        actor_type text not null,
        actor_id text not null,
        note text,
        at timestamptz not null default now(),
        primary key (tenant_id, case_id, seq),
        foreign key (tenant_id, case_id) references recon_cases (tenant_id, id)
      )`);
    for (const sql of tenantRlsSql('recon_case_history')) await q.query(sql);

    await q.query(`
      create table recon_settings (
        tenant_id text primary key,
        late_success_action text not null default 'refund' check (late_success_action in ('refund', 'make_up_order')),
        updated_by text not null,
        updated_at timestamptz not null default now()
      )`);
    for (const sql of tenantRlsSql('recon_settings')) await q.query(sql);

    // the source types of every branch so far (payments, refunds, payouts, the credit loan book) plus adjustments
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded', 'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.repayment-received',
          'reconciliation.adjustment'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table recon_settings, recon_case_history, recon_cases, recon_runs, recon_platform_txns');
  }
}
