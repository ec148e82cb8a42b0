import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * qr-payment's tables: read models of merchants and tenant configuration (fed by onboarding
 * events), payment orders, refunds and the channel notifications already applied.
 * Every table is tenant-owned with FORCEd row-level security; payment orders also have the
 * province scope policy so the expiry sweeper can find expired orders of every tenant.
 */
export function qrPaymentTablesSql(): string[] {
  return [
    `create table merchants (
      tenant_id text not null,
      merchant_id uuid not null,
      legal_name text not null,
      mcc char(4) not null,
      city text not null,
      status text not null,
      stores jsonb not null default '[]'::jsonb,
      version int not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, merchant_id)
    )`,
    ...tenantRlsSql('merchants'),
    `create table tenant_configs (
      tenant_id text primary key,
      status text not null,
      config jsonb not null,
      version int not null,
      updated_at timestamptz not null default now()
    )`,
    ...tenantRlsSql('tenant_configs'),
    `create table payment_orders (
      id uuid primary key,
      tenant_id text not null,
      app_id text not null default '',
      out_trade_no text not null,
      merchant_id uuid not null,
      store_id uuid,
      terminal_id uuid,
      kind text not null check (kind in ('static', 'dynamic', 'payer_code')),
      channel text check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank')),
      amount_fen bigint not null check (amount_fen > 0),
      state text not null check (state in ('created', 'paying', 'succeeded', 'failed', 'closed')),
      description text,
      payer_key text,
      payer_id text,
      channel_trade_no text,
      failure_reason text,
      close_reason text,
      business_day date not null,
      expires_at timestamptz,
      paid_at timestamptz,
      -- milliseconds: the list cursor carries it through a JavaScript Date
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (tenant_id, app_id, out_trade_no)
    )`,
    `create index payment_orders_list on payment_orders (tenant_id, created_at desc, id desc)`,
    `create index payment_orders_expiry on payment_orders (expires_at) where state = 'created'`,
    `create index payment_orders_payer_key on payment_orders (tenant_id, business_day, payer_key)`,
    `create index payment_orders_payer_id on payment_orders (tenant_id, business_day, channel, payer_id)`,
    ...tenantRlsSql('payment_orders'),
    ...provinceRlsSql('payment_orders'),
    `create table refunds (
      id uuid primary key,
      tenant_id text not null,
      order_id uuid not null references payment_orders (id),
      out_refund_no text not null,
      amount_fen bigint not null check (amount_fen > 0),
      state text not null check (state in ('pending', 'succeeded', 'failed')),
      reason text,
      channel_refund_no text,
      failure_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (tenant_id, order_id, out_refund_no)
    )`,
    ...tenantRlsSql('refunds'),
    `create table channel_notifications (
      tenant_id text not null,
      channel text not null,
      notify_id text not null,
      order_id uuid not null,
      status text not null,
      outcome text not null,
      received_at timestamptz not null default now(),
      primary key (tenant_id, channel, notify_id)
    )`,
    ...tenantRlsSql('channel_notifications'),
  ];
}

export class QrPaymentTables1764300000000 implements MigrationInterface {
  name = 'QrPaymentTables1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of qrPaymentTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists channel_notifications, refunds, payment_orders, tenant_configs, merchants');
  }
}
