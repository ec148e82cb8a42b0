import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 补单 (issue 10): when reconciliation finds that the channel took the money of an order closed
 * here and the county chose to make such orders up, the order moves `closed → succeeded`; the
 * moment it was made up is kept (null for every order paid the ordinary way).
 */
export class MadeUpOrders1768030500000 implements MigrationInterface {
  name = 'MadeUpOrders1768030500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table acq_orders add column made_up_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table acq_orders drop column made_up_at`);
  }
}
