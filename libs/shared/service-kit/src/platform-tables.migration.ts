import type { MigrationInterface, QueryRunner } from 'typeorm';
import { platformTablesSql } from './platform-tables';

/** Every service's first migration: outbox, inbox and ops probe receipts, under row-level security. */
export class PlatformTables1764201600000 implements MigrationInterface {
  name = 'PlatformTables1764201600000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of platformTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists probe_receipts, inbox, outbox');
  }
}
