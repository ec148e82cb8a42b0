import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cash refunds (ADR 0016): a refund above the drawdown's unpaid principal (the customer had already
 * repaid it) returns the excess to the customer's county account through core banking. The refund
 * keeps that part (`cash_fen`) and the instruction's state — pending until the bank confirms,
 * failed with the bank's reason (visible, and retried by repeating the refund), succeeded.
 */
export class CreditCashRefunds1767500100000 implements MigrationInterface {
  name = 'CreditCashRefunds1767500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table credit_refunds drop constraint if exists credit_refunds_principal_fen_check`);
    await q.query(`alter table credit_refunds
      add constraint credit_refunds_principal_fen_check check (principal_fen >= 0),
      add column cash_fen bigint not null default 0 check (cash_fen >= 0),
      add column cash_state text check (cash_state in ('pending', 'succeeded', 'failed')),
      add column cash_failure_reason text,
      add column cash_attempts int not null default 0,
      add column cash_settled_at timestamptz,
      add constraint credit_refunds_positive check (principal_fen + cash_fen > 0),
      add constraint credit_refunds_cash_state check ((cash_fen > 0) = (cash_state is not null))`);
    await q.query(`create index credit_refunds_cash_pending on credit_refunds (tenant_id, created_at) where cash_state = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index credit_refunds_cash_pending`);
    await q.query(`alter table credit_refunds drop constraint credit_refunds_cash_state, drop constraint credit_refunds_positive,
      drop column cash_settled_at, drop column cash_attempts, drop column cash_failure_reason, drop column cash_state, drop column cash_fen,
      drop constraint credit_refunds_principal_fen_check`);
    await q.query(`alter table credit_refunds add constraint credit_refunds_principal_fen_check check (principal_fen > 0)`);
  }
}
