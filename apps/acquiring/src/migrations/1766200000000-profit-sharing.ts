import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * Profit sharing (分账): the receivers a partner app registered (merchants of the same county),
 * split requests with their shares, reversals before refunds (分账回退), and the escrow position
 * of a shared order on the order itself (fee, split, released, refunded from escrow) so every
 * change is one conditional UPDATE. Tenant-owned, RLS FORCEd; the order's province policy lets
 * the hold sweep find escrows due for release in every county.
 */
export class ProfitSharing1766200000000 implements MigrationInterface {
  name = 'ProfitSharing1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table acq_sharing_receivers (
        id uuid primary key,
        tenant_id text not null,
        app_id text not null,
        merchant_id uuid not null,
        relation text not null check (relation in ('partner', 'supplier', 'distributor', 'service_provider', 'store', 'other')),
        description text,
        created_at timestamptz not null default now(),
        removed_at timestamptz
      )`);
    await q.query(`create unique index acq_sharing_receivers_live on acq_sharing_receivers (tenant_id, app_id, merchant_id) where removed_at is null`);
    await q.query(`create index acq_sharing_receivers_list on acq_sharing_receivers (tenant_id, app_id, created_at desc, id desc) where removed_at is null`);
    for (const sql of tenantRlsSql('acq_sharing_receivers')) await q.query(sql);

    await q.query(`
      alter table acq_orders
        add column sharing_fee_fen bigint check (sharing_fee_fen >= 0),
        add column split_fen bigint not null default 0 check (split_fen >= 0),
        add column split_others_fen bigint not null default 0 check (split_others_fen >= 0 and split_others_fen <= split_fen),
        add column released_fen bigint not null default 0 check (released_fen >= 0),
        add column escrow_refunded_fen bigint not null default 0 check (escrow_refunded_fen >= 0),
        add column sharing_finished_at timestamptz,
        add column release_id uuid`);
    await q.query(
      `alter table acq_orders add constraint acq_orders_escrow_not_negative
         check (sharing_fee_fen is null or split_fen + released_fen + escrow_refunded_fen + sharing_fee_fen <= amount_fen)`,
    );
    await q.query(`create index acq_orders_escrow_held on acq_orders (paid_at) where profit_sharing and state = 'succeeded' and sharing_finished_at is null`);

    await q.query(`
      create table acq_splits (
        id uuid primary key,
        tenant_id text not null,
        app_id text not null,
        order_id uuid not null references acq_orders (id),
        out_split_no text not null,
        total_fen bigint not null check (total_fen > 0),
        state text not null check (state in ('processing', 'succeeded', 'failed')),
        failure_reason text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, app_id, out_split_no)
      )`);
    await q.query(`create index acq_splits_order on acq_splits (tenant_id, order_id, created_at)`);
    await q.query(`create index acq_splits_processing on acq_splits (updated_at) where state = 'processing'`);
    for (const sql of [...tenantRlsSql('acq_splits'), ...provinceRlsSql('acq_splits')]) await q.query(sql);

    await q.query(`
      create table acq_split_shares (
        tenant_id text not null,
        split_id uuid not null references acq_splits (id),
        line_no smallint not null check (line_no between 1 and 50),
        merchant_id uuid not null,
        amount_fen bigint not null check (amount_fen > 0),
        reversed_fen bigint not null default 0 check (reversed_fen >= 0 and reversed_fen <= amount_fen),
        primary key (split_id, line_no),
        unique (split_id, merchant_id)
      )`);
    for (const sql of tenantRlsSql('acq_split_shares')) await q.query(sql);

    await q.query(`
      create table acq_split_reversals (
        id uuid primary key,
        tenant_id text not null,
        order_id uuid not null references acq_orders (id),
        split_id uuid not null references acq_splits (id),
        refund_id uuid not null references acq_refunds (id),
        amount_fen bigint not null check (amount_fen > 0),
        shares jsonb not null,
        created_at timestamptz not null default now(),
        unique (split_id, refund_id)
      )`);
    await q.query(`create index acq_split_reversals_order on acq_split_reversals (tenant_id, order_id, created_at)`);
    for (const sql of tenantRlsSql('acq_split_reversals')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists acq_split_reversals, acq_split_shares, acq_splits, acq_sharing_receivers');
    await q.query('alter table acq_orders drop constraint acq_orders_escrow_not_negative');
    await q.query(
      'alter table acq_orders drop column sharing_fee_fen, drop column split_fen, drop column split_others_fen, drop column released_fen, drop column escrow_refunded_fen, drop column sharing_finished_at, drop column release_id',
    );
  }
}
