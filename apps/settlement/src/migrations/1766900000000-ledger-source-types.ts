import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The source-type check of journal_entries as the products built side by side need it together:
 * profit sharing (split.*), the credit loan book (credit.*) and reconciliation adjustments each
 * replaced the check with its own list in its migration; this one states the union
 * (SETTLEMENT_SOURCE_TYPES of the contracts, frozen here as a migration must be).
 */
export class LedgerSourceTypes1766900000000 implements MigrationInterface {
  name = 'LedgerSourceTypes1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded',
          'split.succeeded', 'split.released', 'split.reversed',
          'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.drawdown-refunded', 'credit.repayment-received',
          'reconciliation.adjustment'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded', 'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.repayment-received',
          'reconciliation.adjustment'))`,
    );
  }
}
