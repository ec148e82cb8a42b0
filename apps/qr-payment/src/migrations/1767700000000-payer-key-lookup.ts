import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PBoC daily sum of a payer-code payment looks up the channel payer ids already reported for
 * the payer's code key on any day (`OrdersRepository.paidTodayByPayer`): without this index that
 * lookup read every order of the tenant (issue 14). Only rows with a payer id can answer it.
 */
export class QrPayerKeyLookup1767700000000 implements MigrationInterface {
  name = 'QrPayerKeyLookup1767700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index payment_orders_payer_key_any on payment_orders (tenant_id, payer_key, channel) include (payer_id) where payer_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index payment_orders_payer_key_any`);
  }
}
