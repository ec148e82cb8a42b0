import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxNotifySeqSql, outboxNotifySql } from '@countypay/messaging';
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

/** Wakes the outbox relay by notification instead of polling (issue 14: idle services must not spin). */
export class OutboxNotify1764500100000 implements MigrationInterface {
  name = 'OutboxNotify1764500100000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxNotifySql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop trigger if exists outbox_notify on outbox');
    await q.query('drop function if exists outbox_notify()');
  }
}

/**
 * The outbox's notification names the lowest seq its transaction wrote, once per transaction: the
 * relay's claim starts there instead of reading every dead index entry of published rows (issue
 * 14, OutboxRelay); the outbox is vacuumed every 1,000 published rows.
 */
export class OutboxNotifySeq1768200000000 implements MigrationInterface {
  name = 'OutboxNotifySeq1768200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxNotifySeqSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table outbox reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)');
    for (const sql of outboxNotifySql()) await q.query(sql);
  }
}

/** The migrations of the platform's own tables, for the front of every service's migration list. */
export const PLATFORM_MIGRATIONS = [PlatformTables1764201600000, OutboxNotify1764500100000, OutboxNotifySeq1768200000000];
