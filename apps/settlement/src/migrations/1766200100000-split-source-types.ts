import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profit sharing (分账) posts its own journal entries: a split (escrow → receivers), a release
 * (escrow → the merchant) and a reversal before a refund (receivers → escrow). The source-type
 * check of journal_entries gains them (the list is SETTLEMENT_SOURCE_TYPES of the contracts).
 */
export class SplitSourceTypes1766200100000 implements MigrationInterface {
  name = 'SplitSourceTypes1766200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check
         check (source_type in ('payment.succeeded', 'refund.succeeded', 'payout.succeeded', 'split.succeeded', 'split.released', 'split.reversed'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in ('payment.succeeded', 'refund.succeeded', 'payout.succeeded'))`,
    );
  }
}
