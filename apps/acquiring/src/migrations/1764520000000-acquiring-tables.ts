import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';
import { onboardingReadModelTablesSql } from '@countypay/read-models';

/**
 * acquiring's tables: the onboarding read model (tenant configurations, merchants), online
 * orders, their refunds, the channel notifications already applied and the exception items
 * operators look at (a success that arrived for a closed order). Every table is tenant-owned
 * with FORCEd row-level security; orders, refunds and exception items also have the province
 * scope policy (the sweeps find expired and stale orders of every county; the province reads).
 */
export function acquiringTablesSql(): string[] {
  return [
    ...onboardingReadModelTablesSql({ merchants: true }),
    `create table acq_orders (
      id uuid primary key,
      tenant_id text not null,
      app_id text not null default '',
      out_trade_no text not null,
      merchant_id uuid not null,
      amount_fen bigint not null check (amount_fen > 0),
      subject text not null,
      goods jsonb,
      profit_sharing boolean not null default false,
      notify_url text,
      return_url text,
      state text not null check (state in ('created', 'paying', 'succeeded', 'failed', 'closed')),
      refund_state text not null default 'none' check (refund_state in ('none', 'partial', 'full')),
      refunded_fen bigint not null default 0,
      method text,
      channel text check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank')),
      channel_trade_no text,
      payer_id text,
      failure_reason text,
      close_reason text,
      business_day date not null,
      expires_at timestamptz not null,
      payment_started_at timestamptz,
      paid_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (tenant_id, app_id, out_trade_no),
      check (refunded_fen >= 0 and refunded_fen <= amount_fen)
    )`,
    `create index acq_orders_list on acq_orders (tenant_id, created_at desc, id desc)`,
    `create index acq_orders_expiry on acq_orders (expires_at) where state in ('created', 'paying')`,
    `create index acq_orders_paying on acq_orders (payment_started_at) where state = 'paying'`,
    ...tenantRlsSql('acq_orders'),
    ...provinceRlsSql('acq_orders'),
    `create table acq_refunds (
      id uuid primary key,
      tenant_id text not null,
      order_id uuid not null references acq_orders (id),
      app_id text not null default '',
      channel text not null check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank')),
      out_refund_no text not null,
      amount_fen bigint not null check (amount_fen > 0),
      state text not null check (state in ('pending', 'succeeded', 'failed')),
      reason text,
      automatic boolean not null default false,
      channel_refund_no text,
      failure_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (tenant_id, order_id, out_refund_no)
    )`,
    `create index acq_refunds_pending on acq_refunds (updated_at) where state = 'pending'`,
    ...tenantRlsSql('acq_refunds'),
    ...provinceRlsSql('acq_refunds'),
    `create table acq_channel_notifications (
      tenant_id text not null,
      channel text not null,
      notify_id text not null,
      order_id uuid not null,
      status text not null,
      outcome text,
      received_at timestamptz not null default now(),
      primary key (tenant_id, channel, notify_id)
    )`,
    ...tenantRlsSql('acq_channel_notifications'),
    `create table acq_exception_items (
      id uuid primary key,
      tenant_id text not null,
      order_id uuid not null references acq_orders (id),
      kind text not null check (kind in ('paid_after_close')),
      channel text not null,
      channel_trade_no text not null,
      amount_fen bigint not null check (amount_fen > 0),
      refund_id uuid references acq_refunds (id),
      resolution text not null check (resolution in ('refunding', 'refunded', 'refund_failed')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, order_id, channel_trade_no)
    )`,
    `create index acq_exception_items_list on acq_exception_items (tenant_id, created_at desc, id desc)`,
    ...tenantRlsSql('acq_exception_items'),
    ...provinceRlsSql('acq_exception_items'),
  ];
}

export class AcquiringTables1764520000000 implements MigrationInterface {
  name = 'AcquiringTables1764520000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of acquiringTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists acq_exception_items, acq_channel_notifications, acq_refunds, acq_orders, merchants, tenant_configs');
  }
}
