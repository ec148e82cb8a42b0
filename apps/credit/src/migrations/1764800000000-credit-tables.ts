import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * credit's tables: per-tenant settings and business clock, credit products, applications,
 * credit lines, authorisation holds, loans and their installments, and the audit trail of operator
 * decisions. Every table is tenant-owned with FORCEd row-level security; settings and the clock
 * also have the province scope (the daily jobs walk every tenant).
 *
 * `credit_lines` keeps `held_fen + drawn_fen <= limit_fen` as a check constraint: a hold is one
 * conditional UPDATE of the line row, so available credit can never go below zero, whatever the
 * concurrency.
 */
export function creditTablesSql(): string[] {
  return [
    `create table credit_settings (
      tenant_id text primary key,
      apr_ceiling_bp int not null default 2400 check (apr_ceiling_bp between 0 and 3600),
      unsecured_cap_fen bigint not null default 20000000 check (unsecured_cap_fen > 0),
      freeze_after_days int not null default 30 check (freeze_after_days >= 0),
      business_date date not null,
      updated_at timestamptz not null default now()
    )`,
    ...tenantRlsSql('credit_settings'),
    ...provinceRlsSql('credit_settings'),
    `create table credit_products (
      id uuid primary key,
      tenant_id text not null,
      code text not null,
      name text not null,
      method text not null check (method in ('equal_installment', 'equal_principal', 'flat_fee')),
      annual_rate_bp int not null check (annual_rate_bp >= 0),
      monthly_fee_bp int not null default 0 check (monthly_fee_bp >= 0),
      installment_counts int[] not null,
      interest_free_days int not null check (interest_free_days >= 0),
      statement_day int not null check (statement_day between 1 and 28),
      due_day int not null check (due_day between 1 and 28),
      grace_days int not null check (grace_days >= 0),
      penalty_multiplier_bp int not null check (penalty_multiplier_bp >= 0),
      min_payment_principal_bp int not null check (min_payment_principal_bp between 0 and 10000),
      status text not null default 'active' check (status in ('active', 'retired')),
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      unique (tenant_id, code)
    )`,
    ...tenantRlsSql('credit_products'),
    `create table credit_applications (
      id uuid primary key,
      tenant_id text not null,
      app_id text not null,
      customer_ref text not null,
      customer_name_masked text not null,
      mobile_masked text not null,
      region text not null,
      repayment_account_cipher text not null,
      product_id uuid not null references credit_products (id),
      requested_limit_fen bigint not null check (requested_limit_fen > 0),
      state text not null check (state in ('awaiting_consent', 'pending', 'approved', 'rejected')),
      consent_code_hash text,
      consent_attempts int not null default 0,
      consent_expires_at timestamptz,
      consented_at timestamptz,
      decided_by text,
      decision_reason text,
      line_id uuid,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create index credit_applications_list on credit_applications (tenant_id, created_at desc, id desc)`,
    ...tenantRlsSql('credit_applications'),
    `create table credit_lines (
      id uuid primary key,
      tenant_id text not null,
      app_id text not null,
      customer_ref text not null,
      region text not null,
      repayment_account_cipher text not null,
      product_id uuid not null references credit_products (id),
      application_id uuid not null references credit_applications (id),
      limit_fen bigint not null check (limit_fen > 0),
      held_fen bigint not null default 0 check (held_fen >= 0),
      drawn_fen bigint not null default 0 check (drawn_fen >= 0),
      state text not null check (state in ('active', 'frozen', 'closed')),
      expires_on date not null,
      state_reason text,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      constraint credit_lines_never_overdrawn check (held_fen + drawn_fen <= limit_fen)
    )`,
    `create unique index credit_lines_one_open_per_customer on credit_lines (tenant_id, app_id, customer_ref) where state <> 'closed'`,
    ...tenantRlsSql('credit_lines'),
    `create table credit_holds (
      id uuid primary key,
      tenant_id text not null,
      line_id uuid not null references credit_lines (id),
      caller text not null,
      payment_ref text not null,
      merchant_id uuid,
      amount_fen bigint not null check (amount_fen > 0),
      installments int not null check (installments between 1 and 36),
      state text not null check (state in ('held', 'captured', 'released')),
      loan_id uuid,
      release_reason text,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      unique (tenant_id, caller, payment_ref)
    )`,
    ...tenantRlsSql('credit_holds'),
    `create table loans (
      id uuid primary key,
      tenant_id text not null,
      line_id uuid not null references credit_lines (id),
      hold_id uuid not null unique references credit_holds (id),
      product_id uuid not null references credit_products (id),
      merchant_id uuid,
      principal_fen bigint not null check (principal_fen > 0),
      method text not null,
      installments int not null,
      annual_rate_bp int not null,
      monthly_fee_bp int not null,
      apr_ppm bigint not null,
      drawdown_date date not null,
      state text not null check (state in ('active', 'paid_off', 'reversed')),
      outstanding_principal_fen bigint not null check (outstanding_principal_fen >= 0),
      loan_class text not null default 'normal' check (loan_class in ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
      days_past_due int not null default 0,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create index loans_line on loans (tenant_id, line_id, created_at)`,
    ...tenantRlsSql('loans'),
    `create table loan_installments (
      tenant_id text not null,
      loan_id uuid not null references loans (id),
      period int not null,
      statement_date date not null,
      due_date date not null,
      principal_fen bigint not null check (principal_fen >= 0),
      interest_fen bigint not null check (interest_fen >= 0),
      fee_fen bigint not null check (fee_fen >= 0),
      penalty_fen bigint not null default 0 check (penalty_fen >= 0),
      paid_principal_fen bigint not null default 0 check (paid_principal_fen between 0 and principal_fen),
      paid_interest_fen bigint not null default 0 check (paid_interest_fen between 0 and interest_fen),
      paid_fee_fen bigint not null default 0 check (paid_fee_fen between 0 and fee_fen),
      paid_penalty_fen bigint not null default 0 check (paid_penalty_fen between 0 and penalty_fen),
      state text not null check (state in ('pending', 'billed', 'overdue', 'paid', 'cancelled')),
      primary key (loan_id, period)
    )`,
    `create index loan_installments_due on loan_installments (tenant_id, due_date) where state in ('pending', 'billed', 'overdue')`,
    ...tenantRlsSql('loan_installments'),
    `create table credit_job_runs (
      tenant_id text not null,
      business_date date not null,
      job text not null check (job in ('billing', 'overdue', 'penalty', 'classification')),
      done_at timestamptz not null default now(),
      primary key (tenant_id, business_date, job)
    )`,
    ...tenantRlsSql('credit_job_runs'),
    `create table credit_repayments (
      id uuid primary key,
      tenant_id text not null,
      line_id uuid not null references credit_lines (id),
      kind text not null check (kind in ('manual', 'payoff', 'auto_debit')),
      amount_fen bigint not null check (amount_fen > 0),
      applied_fen bigint not null check (applied_fen >= 0),
      principal_fen bigint not null default 0,
      interest_fen bigint not null default 0,
      fee_fen bigint not null default 0,
      penalty_fen bigint not null default 0,
      business_date date not null,
      reference text not null,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      unique (tenant_id, line_id, reference)
    )`,
    ...tenantRlsSql('credit_repayments'),
    `create table credit_debit_attempts (
      tenant_id text not null,
      line_id uuid not null references credit_lines (id),
      business_date date not null,
      amount_fen bigint not null check (amount_fen > 0),
      status text not null check (status in ('succeeded', 'declined')),
      reason text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, line_id, business_date)
    )`,
    ...tenantRlsSql('credit_debit_attempts'),
    `create table credit_audit (
      id uuid primary key,
      tenant_id text not null,
      actor_type text not null,
      actor_id text not null,
      action text not null,
      subject_id uuid not null,
      detail jsonb not null default '{}'::jsonb,
      at timestamptz not null default now()
    )`,
    `create index credit_audit_subject on credit_audit (tenant_id, subject_id, at)`,
    ...tenantRlsSql('credit_audit'),
  ];
}

export class CreditTables1764800000000 implements MigrationInterface {
  name = 'CreditTables1764800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of creditTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'drop table if exists credit_audit, credit_debit_attempts, credit_repayments, credit_job_runs, loan_installments, loans, credit_holds, credit_lines, credit_applications, credit_products, credit_settings',
    );
  }
}
