import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Online payments (acquiring: WeChat JSAPI/H5/Native, Alipay wap/page, UnionPay online) are channel orders of their own kind. */
export class OnlinePayments1764700000000 implements MigrationInterface {
  name = 'OnlinePayments1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table channel_payments drop constraint channel_payments_kind_check`);
    await q.query(
      `alter table channel_payments add constraint channel_payments_kind_check check (kind in ('payer_code', 'qr_static', 'qr_dynamic', 'online'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table channel_payments drop constraint channel_payments_kind_check`);
    await q.query(`alter table channel_payments add constraint channel_payments_kind_check check (kind in ('payer_code', 'qr_static', 'qr_dynamic'))`);
  }
}
