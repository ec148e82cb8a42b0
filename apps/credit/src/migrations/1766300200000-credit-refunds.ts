import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/** Refunds of drawdowns (before or after billing, full or partial): one per (loan, the caller's refund number). */
export class CreditRefunds1766300200000 implements MigrationInterface {
  name = 'CreditRefunds1766300200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table credit_refunds (
        id uuid primary key,
        tenant_id text not null,
        loan_id uuid not null references loans (id),
        line_id uuid not null references credit_lines (id),
        out_refund_no text not null,
        principal_fen bigint not null check (principal_fen > 0),
        interest_returned_fen bigint not null check (interest_returned_fen >= 0),
        business_date date not null,
        created_at timestamptz not null default date_trunc('milliseconds', now()),
        unique (tenant_id, loan_id, out_refund_no)
      )`);
    for (const sql of tenantRlsSql('credit_refunds')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table credit_refunds');
  }
}
