import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * Settlement batches: one per tenant and business date (the cut-off's result), its merchants'
 * items, the journal entries it cleared (each entry in at most one batch, ever), its approvals
 * (one per operator), its status history, and the operators' holds on merchants' payouts.
 */
export class SettlementBatches1765100000000 implements MigrationInterface {
  name = 'SettlementBatches1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table settlement_batches (
        tenant_id text not null,
        id uuid not null,
        business_date date not null,
        cycle text not null check (cycle in ('T1', 'D0')),
        settlement_date date not null,
        cutoff_time text not null,
        window_end timestamptz not null,
        status text not null check (status in ('open', 'closed', 'pending_approval', 'approved', 'paying', 'settled', 'partially_failed', 'aborted')),
        entry_count int not null default 0 check (entry_count >= 0),
        item_count int not null default 0 check (item_count >= 0),
        clearing_fen bigint not null default 0,
        payout_fen bigint not null default 0 check (payout_fen >= 0),
        fee_fen bigint not null default 0,
        reserve_fen bigint not null default 0 check (reserve_fen >= 0),
        held_fen bigint not null default 0,
        carried_fen bigint not null default 0,
        brought_forward_fen bigint not null default 0,
        tie_out_balanced boolean not null default false,
        trial_balance_balanced boolean not null default false,
        reserve_bp int not null default 0 check (reserve_bp between 0 and 10000),
        approval_threshold_fen bigint not null check (approval_threshold_fen >= 0),
        approvals_required smallint not null default 1 check (approvals_required in (1, 2)),
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        seq bigserial not null,
        primary key (tenant_id, id),
        unique (tenant_id, business_date)
      )`);
    await q.query('create index settlement_batches_seq_idx on settlement_batches (tenant_id, seq)');
    for (const sql of tenantRlsSql('settlement_batches')) await q.query(sql);

    await q.query(`
      create table settlement_batch_items (
        tenant_id text not null,
        batch_id uuid not null,
        merchant_id uuid not null,
        payment_count int not null check (payment_count >= 0),
        payments_fen bigint not null check (payments_fen >= 0),
        refund_count int not null check (refund_count >= 0),
        refunds_fen bigint not null check (refunds_fen >= 0),
        fees_fen bigint not null,
        brought_forward_fen bigint not null default 0,
        gross_fen bigint not null,
        net_fen bigint not null,
        reserve_fen bigint not null check (reserve_fen >= 0),
        payout_fen bigint not null check (payout_fen >= 0),
        status text not null check (status in ('payable', 'held', 'carried')),
        hold_reason text,
        -- the batch this item's held/carried net and reserve were brought forward into
        forwarded_to uuid,
        check (net_fen = gross_fen - fees_fen + brought_forward_fen),
        check (gross_fen = payments_fen - refunds_fen),
        check (status <> 'payable' or payout_fen + reserve_fen = net_fen),
        check (status = 'payable' or payout_fen = 0),
        primary key (tenant_id, batch_id, merchant_id),
        foreign key (tenant_id, batch_id) references settlement_batches (tenant_id, id)
      )`);
    await q.query(
      `create index settlement_batch_items_leftover_idx on settlement_batch_items (tenant_id, merchant_id) where forwarded_to is null and (status <> 'payable' or reserve_fen > 0)`,
    );
    for (const sql of tenantRlsSql('settlement_batch_items')) await q.query(sql);

    await q.query(`
      create table settlement_batch_entries (
        tenant_id text not null,
        entry_id uuid not null,
        batch_id uuid not null,
        primary key (tenant_id, entry_id),
        foreign key (tenant_id, batch_id) references settlement_batches (tenant_id, id)
      )`);
    await q.query('create index settlement_batch_entries_batch_idx on settlement_batch_entries (tenant_id, batch_id)');
    for (const sql of tenantRlsSql('settlement_batch_entries')) await q.query(sql);

    await q.query(`
      create table settlement_batch_approvals (
        tenant_id text not null,
        batch_id uuid not null,
        operator_id text not null,
        approved_at timestamptz not null default now(),
        primary key (tenant_id, batch_id, operator_id),
        foreign key (tenant_id, batch_id) references settlement_batches (tenant_id, id)
      )`);
    for (const sql of tenantRlsSql('settlement_batch_approvals')) await q.query(sql);

    await q.query(`
      create table settlement_batch_history (
        seq bigserial primary key,
        tenant_id text not null,
        batch_id uuid not null,
        action text not null,
        from_status text,
        to_status text not null,
        actor_type text not null,
        actor_id text not null,
        reason text,
        at timestamptz not null default now(),
        foreign key (tenant_id, batch_id) references settlement_batches (tenant_id, id)
      )`);
    await q.query('create index settlement_batch_history_batch_idx on settlement_batch_history (tenant_id, batch_id, seq)');
    for (const sql of tenantRlsSql('settlement_batch_history')) await q.query(sql);

    await q.query(`
      create table merchant_payout_holds (
        tenant_id text not null,
        id uuid not null,
        merchant_id uuid not null,
        reason text not null check (length(reason) between 1 and 200),
        held_by text not null,
        held_at timestamptz not null default now(),
        released_by text,
        released_at timestamptz,
        primary key (tenant_id, id)
      )`);
    await q.query('create unique index merchant_payout_holds_active_idx on merchant_payout_holds (tenant_id, merchant_id) where released_at is null');
    for (const sql of tenantRlsSql('merchant_payout_holds')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'merchant_payout_holds',
      'settlement_batch_history',
      'settlement_batch_approvals',
      'settlement_batch_entries',
      'settlement_batch_items',
      'settlement_batches',
    ])
      await q.query(`drop table ${t}`);
  }
}
