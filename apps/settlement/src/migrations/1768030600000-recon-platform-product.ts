import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 补单 (issue 10, ADR 0011 amended): the product of a platform payment (`acquiring`, `qr`…), from
 * its `payment.*` event, so that a late success the county makes up is asked of the service that
 * owns the order. Null for the rows recorded before (online acquiring is asked; another owner answers 404).
 */
export class ReconPlatformProduct1768030600000 implements MigrationInterface {
  name = 'ReconPlatformProduct1768030600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table recon_platform_txns add column product text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table recon_platform_txns drop column product`);
  }
}
