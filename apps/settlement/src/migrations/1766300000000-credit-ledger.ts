import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit loan book posts to the tenant's ledger: journal entries of the credit events
 * (drawdown created/reversed/refunded, repayment received). A drawdown without a named merchant and a
 * repayment have no merchant, so `merchant_id` becomes optional (payments, refunds and payouts
 * always carry one: checked).
 */
export class CreditLedger1766300000000 implements MigrationInterface {
  name = 'CreditLedger1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in
         ('payment.succeeded', 'refund.succeeded', 'payout.succeeded', 'credit.drawdown-created', 'credit.drawdown-reversed', 'credit.drawdown-refunded', 'credit.repayment-received'))`,
    );
    await q.query('alter table journal_entries alter column merchant_id drop not null');
    await q.query(`alter table journal_entries add constraint journal_entries_merchant_check check (merchant_id is not null or source_type like 'credit.%')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table journal_entries drop constraint journal_entries_merchant_check');
    await q.query('alter table journal_entries alter column merchant_id set not null');
    await q.query('alter table journal_entries drop constraint journal_entries_source_type_check');
    await q.query(
      `alter table journal_entries add constraint journal_entries_source_type_check check (source_type in ('payment.succeeded', 'refund.succeeded', 'payout.succeeded'))`,
    );
  }
}
