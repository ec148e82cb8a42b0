import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweeper looks for orders still `paying` since before a moment (`findStalePaying`,
 * `findStalePayerCode`) every few seconds, across tenants. Without an index each look read the
 * whole `payment_orders` table (213 pages at 4,500 orders — 8 ms, twice per sweep, on an idle
 * platform, growing with every order ever taken; issue 14). Orders are `paying` only for the
 * seconds a channel takes to answer, so this partial index stays a handful of entries.
 */
export class QrStalePayingIndex1768100000000 implements MigrationInterface {
  name = 'QrStalePayingIndex1768100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index payment_orders_stale_paying on payment_orders (updated_at) include (kind, tenant_id) where state = 'paying'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index payment_orders_stale_paying`);
  }
}
