import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * Statements (账单): one per line per cycle, issued by the statement job of a business date (the
 * date is the statement date: unique per line, so a second run issues nothing), with the
 * installments it bills as its items. The job is claimed once per date in `credit_job_runs`.
 */
export class CreditStatements1766300100000 implements MigrationInterface {
  name = 'CreditStatements1766300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table credit_job_runs drop constraint credit_job_runs_job_check');
    await q.query(
      `alter table credit_job_runs add constraint credit_job_runs_job_check check (job in ('billing', 'overdue', 'penalty', 'classification', 'statement'))`,
    );
    await q.query(`
      create table credit_statements (
        id uuid primary key,
        tenant_id text not null,
        line_id uuid not null references credit_lines (id),
        statement_date date not null,
        period_start date not null,
        due_date date not null,
        new_drawdown_count int not null check (new_drawdown_count >= 0),
        new_drawdowns_fen bigint not null check (new_drawdowns_fen >= 0),
        principal_fen bigint not null check (principal_fen >= 0),
        interest_fen bigint not null check (interest_fen >= 0),
        fee_fen bigint not null check (fee_fen >= 0),
        penalty_fen bigint not null check (penalty_fen >= 0),
        total_due_fen bigint not null check (total_due_fen = principal_fen + interest_fen + fee_fen + penalty_fen),
        minimum_payment_fen bigint not null check (minimum_payment_fen between 0 and total_due_fen),
        created_at timestamptz not null default date_trunc('milliseconds', now()),
        unique (tenant_id, line_id, statement_date)
      )`);
    await q.query('create index credit_statements_line on credit_statements (tenant_id, line_id, statement_date desc, id desc)');
    for (const sql of tenantRlsSql('credit_statements')) await q.query(sql);
    await q.query(`
      create table credit_statement_items (
        tenant_id text not null,
        statement_id uuid not null references credit_statements (id),
        loan_id uuid not null references loans (id),
        period int not null,
        due_date date not null,
        principal_fen bigint not null check (principal_fen >= 0),
        interest_fen bigint not null check (interest_fen >= 0),
        fee_fen bigint not null check (fee_fen >= 0),
        primary key (statement_id, loan_id, period)
      )`);
    for (const sql of tenantRlsSql('credit_statement_items')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table credit_statement_items');
    await q.query('drop table credit_statements');
    await q.query('alter table credit_job_runs drop constraint credit_job_runs_job_check');
    await q.query(`alter table credit_job_runs add constraint credit_job_runs_job_check check (job in ('billing', 'overdue', 'penalty', 'classification'))`);
  }
}
