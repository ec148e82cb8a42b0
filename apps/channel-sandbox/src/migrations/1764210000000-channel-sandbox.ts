import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * The simulated channels' orders and refunds, their statement lines, and the county core
 * banking deposit accounts with their entries. Every table is tenant-owned (RLS).
 */
export class ChannelSandbox1764210000000 implements MigrationInterface {
  name = 'ChannelSandbox1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table channel_payments (
        tenant_id text not null,
        channel text not null check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank')),
        order_id uuid not null,
        channel_trade_no text not null unique,
        merchant_id text not null,
        amount_fen bigint not null check (amount_fen > 0),
        refunded_fen bigint not null default 0,
        kind text not null check (kind in ('payer_code', 'qr_static', 'qr_dynamic')),
        payer_code text,
        payer_id text not null,
        notify_url text,
        description text,
        behaviour text not null,
        status text not null check (status in ('user_paying', 'succeeded', 'failed', 'reversed', 'closed')),
        reason text,
        query_count int not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, channel, order_id),
        check (refunded_fen >= 0 and refunded_fen <= amount_fen)
      )`);
    await q.query(`
      create table channel_refunds (
        tenant_id text not null,
        channel text not null,
        refund_id text not null,
        order_id uuid not null,
        channel_refund_no text not null unique,
        amount_fen bigint not null check (amount_fen > 0),
        status text not null check (status in ('processing', 'succeeded', 'failed')),
        reason text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, channel, refund_id),
        foreign key (tenant_id, channel, order_id) references channel_payments (tenant_id, channel, order_id)
      )`);
    await q.query(`
      create table statement_lines (
        line_id bigserial primary key,
        tenant_id text not null,
        channel text not null,
        channel_trade_no text not null,
        order_id uuid not null,
        type text not null check (type in ('payment', 'refund', 'reversal')),
        amount_fen bigint not null check (amount_fen >= 0),
        status text not null,
        at timestamptz not null default now()
      )`);
    await q.query(`create index statement_lines_day on statement_lines (tenant_id, channel, at)`);
    await q.query(`
      create table core_accounts (
        tenant_id text not null,
        account_no text not null check (account_no ~ '^[0-9]{6,19}$'),
        holder_name text not null,
        balance_fen bigint not null check (balance_fen >= 0),
        status text not null default 'normal' check (status in ('normal', 'frozen')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, account_no)
      )`);
    await q.query(`
      create table core_account_entries (
        entry_id bigserial primary key,
        tenant_id text not null,
        account_no text not null,
        reference text not null,
        kind text not null check (kind in ('payment_debit', 'refund_credit', 'reversal_credit', 'payout_credit')),
        amount_fen bigint not null check (amount_fen > 0),
        at timestamptz not null default now(),
        unique (tenant_id, reference),
        foreign key (tenant_id, account_no) references core_accounts (tenant_id, account_no)
      )`);
    for (const t of ['channel_payments', 'channel_refunds', 'statement_lines', 'core_accounts', 'core_account_entries']) {
      for (const sql of tenantRlsSql(t)) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists core_account_entries, core_accounts, statement_lines, channel_refunds, channel_payments');
  }
}
