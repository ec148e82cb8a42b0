import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `credit.cash-refunded` (ADR 0016): a refund of a repaid drawdown credited to the customer's
 * county account is a ledger entry of its own. The union of LedgerSourceTypes1766900000000 plus it.
 */
export class CreditCashRefundSource1767500200000 implements MigrationInterface {
  name = 'CreditCashRefundSource1767500200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded',
          'split.succeeded', 'split.released', 'split.reversed',
          'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.drawdown-refunded', 'credit.repayment-received', 'credit.cash-refunded',
          'reconciliation.adjustment'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded',
          'split.succeeded', 'split.released', 'split.reversed',
          'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.drawdown-refunded', 'credit.repayment-received',
          'reconciliation.adjustment'))`,
    );
  }
}
