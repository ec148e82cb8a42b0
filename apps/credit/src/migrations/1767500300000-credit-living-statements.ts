import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Living statements (ADR 0016): a statement keeps what it billed and, beside it, what has since
 * been repaid or refunded against it — updated in the transaction of each repayment and refund
 * (`paid_to_date_fen`, `remaining_due_fen`; the status open/paid/overdue follows from them and the
 * due date). Statements issued before this migration start from what they billed.
 */
export class CreditLivingStatements1767500300000 implements MigrationInterface {
  name = 'CreditLivingStatements1767500300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table credit_statements add column paid_to_date_fen bigint not null default 0, add column remaining_due_fen bigint`);
    await q.query(`update credit_statements set remaining_due_fen = total_due_fen`);
    await q.query(`alter table credit_statements alter column remaining_due_fen set not null,
      add constraint credit_statements_remaining check (remaining_due_fen between 0 and total_due_fen),
      add constraint credit_statements_paid_to_date check (paid_to_date_fen = total_due_fen - remaining_due_fen)`);
    await q.query(`create index credit_statements_unpaid on credit_statements (tenant_id, line_id) where remaining_due_fen > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index credit_statements_unpaid`);
    await q.query(`alter table credit_statements drop constraint credit_statements_paid_to_date, drop constraint credit_statements_remaining,
      drop column remaining_due_fen, drop column paid_to_date_fen`);
  }
}
