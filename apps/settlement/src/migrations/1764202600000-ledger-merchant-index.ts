import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Looks up a merchant's entries (and whether a partner app has any for it) without scanning the tenant's partition. */
export class LedgerMerchantIndex1764202600000 implements MigrationInterface {
  name = 'LedgerMerchantIndex1764202600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('create index journal_entries_merchant_idx on journal_entries (tenant_id, merchant_id, partner_app_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index journal_entries_merchant_idx');
  }
}
