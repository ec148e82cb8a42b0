import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * County credit as a method of QR payment (ADR 0016): an order may be paid with the payer's
 * credit line (`county_credit`), held at confirmation and drawn when the order succeeds. The order
 * keeps the line, the installments, the payer's app (the county bank's own app, owner of the line)
 * and credit's hold, so a payment left `paying` can be finished or released later.
 */
export class QrCountyCredit1767500000000 implements MigrationInterface {
  name = 'QrCountyCredit1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table payment_orders drop constraint if exists payment_orders_channel_check`);
    await q.query(
      `alter table payment_orders add constraint payment_orders_channel_check
         check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank', 'county_credit'))`,
    );
    await q.query(`alter table payment_orders
      add column credit_line_id uuid,
      add column credit_installments int check (credit_installments between 1 and 36),
      add column credit_app_id text,
      add column credit_hold_id uuid,
      add constraint payment_orders_credit_terms check (
        (channel = 'county_credit') = (credit_line_id is not null and credit_installments is not null and credit_app_id is not null)
        or (channel is null and credit_line_id is null))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table payment_orders drop constraint payment_orders_credit_terms,
      drop column credit_hold_id, drop column credit_app_id, drop column credit_installments, drop column credit_line_id`);
    await q.query(`alter table payment_orders drop constraint payment_orders_channel_check`);
    await q.query(`alter table payment_orders add constraint payment_orders_channel_check check (channel in ('wechat', 'alipay', 'unionpay', 'county_bank'))`);
  }
}
