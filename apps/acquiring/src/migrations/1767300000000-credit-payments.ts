import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * County credit as a payment method of online orders (ADR 0015): per order, the payer's credit
 * line (as credit knows it), when the payer consented by SMS code at the cashier, the chosen
 * installments, and credit's authorisation hold with its state (held → captured into a drawdown
 * when the order succeeds, released when it closes or fails). The order and refund channels may
 * be `county_credit`. Tenant-owned, RLS FORCEd.
 */
export class CreditPayments1767300000000 implements MigrationInterface {
  name = 'CreditPayments1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table acq_credit_payments (
        order_id uuid primary key,
        tenant_id text not null,
        line_id uuid not null,
        consented_at timestamptz,
        installments int check (installments between 1 and 36),
        hold_id uuid,
        hold_state text not null default 'none' check (hold_state in ('none', 'held', 'captured', 'released')),
        loan_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    for (const sql of tenantRlsSql('acq_credit_payments')) await q.query(sql);
    for (const table of ['acq_orders', 'acq_refunds']) {
      await q.query(`alter table ${table} drop constraint ${table}_channel_check`);
      await q.query(
        `alter table ${table} add constraint ${table}_channel_check check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank', 'county_credit'))`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['acq_orders', 'acq_refunds']) {
      await q.query(`alter table ${table} drop constraint ${table}_channel_check`);
      await q.query(`alter table ${table} add constraint ${table}_channel_check check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank'))`);
    }
    await q.query('drop table if exists acq_credit_payments');
  }
}
