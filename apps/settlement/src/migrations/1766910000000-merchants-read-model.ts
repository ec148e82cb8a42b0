import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onboardingMerchantsTableSql } from '@countypay/read-models';

/**
 * Settlement keeps the county's merchants (from `onboarding.merchant-updated`), so its merchant
 * routes (payout account, payout holds) answer 404 for a merchant that is not the caller county's
 * instead of writing a row for it (the access sweep's known gap).
 */
export class MerchantsReadModel1766910000000 implements MigrationInterface {
  name = 'MerchantsReadModel1766910000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of onboardingMerchantsTableSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table merchants');
  }
}
