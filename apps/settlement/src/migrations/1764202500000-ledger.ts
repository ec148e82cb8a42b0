import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNTIES } from '@countypay/contracts';
import { appRoleName, tenantRlsSql } from '@countypay/persistence';

/** the tenant-partitioned ledger tables (one LIST partition per county, plus DEFAULT) */
export const PARTITIONED = ['journal_entries', 'postings'] as const;

function quoteLiteral(s: string): string {
  if (!/^t\d{6}$/.test(s)) throw new Error(`not a tenant id: ${s}`);
  return `'${s}'`;
}

/** RLS on a partition too: the parent's policy guards queries through the parent, this one guards direct access. */
function partitionRlsSql(partition: string): string[] {
  return [
    `alter table ${partition} enable row level security`,
    `alter table ${partition} force row level security`,
    `create policy tenant_isolation on ${partition} using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true))`,
  ];
}

/**
 * A postings partition references its OWN tenant's journal partition (issue 14, migration
 * LedgerPartitionForeignKeys1768200100000): both tables are partitioned by tenant with the same
 * bounds, so this is the parent-level foreign key exactly — checked against one plain table
 * instead of the partitioned parent (whose check planned, locked and kept caches for every one of
 * its ≈ 100 partitions).
 */
export function postingsEntryForeignKeySql(suffix: string): string {
  if (!/^(t\d{6}|default)$/.test(suffix)) throw new Error(`not a ledger partition suffix: ${suffix}`);
  return `alter table postings_${suffix} add constraint postings_${suffix}_entry_fkey foreign key (tenant_id, entry_id) references journal_entries_${suffix} (tenant_id, id)`;
}

/** SQL creating the ledger partitions of one tenant (a county added later gets its own with this). */
export function tenantPartitionSql(tenantId: string): string[] {
  const suffix = tenantId;
  return [
    ...PARTITIONED.flatMap((t) => [
      `create table ${t}_${suffix} partition of ${t} for values in (${quoteLiteral(tenantId)})`,
      ...partitionRlsSql(`${t}_${suffix}`),
    ]),
    postingsEntryForeignKeySql(suffix),
  ];
}

/**
 * The double-entry ledger. `journal_entries` and `postings` are partitioned by tenant (LIST,
 * one partition per county, DEFAULT for tenants added later) with row-level security on the
 * parent (the app only uses the parents) and on every partition. Postings are append-only:
 * a trigger refuses UPDATE/DELETE/TRUNCATE for every role, and the app role has no such grants.
 * `account_balances` is kept beside the postings in the same transaction (one atomic upsert
 * per account); its balance is a generated column of its debit and credit totals.
 */
export class Ledger1764202500000 implements MigrationInterface {
  name = 'Ledger1764202500000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = (await q.query('select current_schema() as schema')) as Array<{ schema: string }>;
    const role = appRoleName(schema);

    await q.query(`
      create table account_balances (
        tenant_id text not null,
        account text not null check (account ~ '^[a-z_]+(:[0-9a-z_-]+)?$'),
        account_type text not null check (account_type in ('asset', 'liability', 'income')),
        normal_side text not null check (normal_side in ('debit', 'credit')),
        debits_fen bigint not null default 0 check (debits_fen >= 0),
        credits_fen bigint not null default 0 check (credits_fen >= 0),
        balance_fen bigint generated always as (case when normal_side = 'debit' then debits_fen - credits_fen else credits_fen - debits_fen end) stored,
        posting_count bigint not null default 0 check (posting_count >= 0),
        opened_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, account)
      )`);
    for (const sql of tenantRlsSql('account_balances')) await q.query(sql);

    await q.query(`
      create table journal_entries (
        seq bigserial not null,
        id uuid not null,
        tenant_id text not null,
        source_event_id uuid not null,
        source_type text not null check (source_type in ('payment.succeeded', 'refund.succeeded')),
        source_ref text not null,
        order_id uuid not null,
        refund_id uuid,
        merchant_id uuid not null,
        partner_app_id text,
        product text not null,
        channel text not null,
        amount_fen bigint not null check (amount_fen > 0),
        fee_fen bigint not null check (fee_fen >= 0 and fee_fen <= amount_fen),
        fee_rate_bp int,
        fee_min_fen bigint,
        fee_rule_channel text,
        occurred_at timestamptz not null,
        posted_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, source_event_id),
        unique (tenant_id, source_type, source_ref)
      ) partition by list (tenant_id)`);
    await q.query('create index journal_entries_order_idx on journal_entries (tenant_id, order_id)');
    await q.query('create index journal_entries_seq_idx on journal_entries (tenant_id, seq)');
    for (const sql of tenantRlsSql('journal_entries')) await q.query(sql);

    await q.query(`
      create table postings (
        tenant_id text not null,
        entry_id uuid not null,
        line_no smallint not null check (line_no >= 1),
        account text not null,
        direction text not null check (direction in ('debit', 'credit')),
        amount_fen bigint not null check (amount_fen > 0),
        created_at timestamptz not null default now(),
        primary key (tenant_id, entry_id, line_no),
        foreign key (tenant_id, entry_id) references journal_entries (tenant_id, id),
        foreign key (tenant_id, account) references account_balances (tenant_id, account)
      ) partition by list (tenant_id)`);
    await q.query('create index postings_account_idx on postings (tenant_id, account)');
    for (const sql of tenantRlsSql('postings')) await q.query(sql);

    for (const c of COUNTIES) for (const sql of tenantPartitionSql(c.tenantId)) await q.query(sql);
    for (const t of PARTITIONED) {
      await q.query(`create table ${t}_default partition of ${t} default`);
      for (const sql of partitionRlsSql(`${t}_default`)) await q.query(sql);
    }

    // append-only, for every role (the owner included): corrections are new entries
    await q.query(`
      create function ledger_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the ledger is append-only: % on % is not allowed', tg_op, tg_table_name using errcode = 'insufficient_privilege';
      end $$`);
    for (const t of PARTITIONED) {
      await q.query(`create trigger ${t}_no_update_delete before update or delete on ${t} for each row execute function ledger_append_only()`);
      await q.query(`create trigger ${t}_no_truncate before truncate on ${t} for each statement execute function ledger_append_only()`);
    }

    // the app role reads and appends through the parents only
    await q.query(`revoke update, delete, truncate on journal_entries, postings from ${role}`);
    await q.query(`revoke delete, truncate on account_balances from ${role}`);
    const partitions = [...COUNTIES.map((c) => c.tenantId), 'default'].flatMap((s) => PARTITIONED.map((t) => `${t}_${s}`));
    await q.query(`revoke all on ${partitions.join(', ')} from ${role}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table postings');
    await q.query('drop table journal_entries');
    await q.query('drop function ledger_append_only()');
    await q.query('drop table account_balances');
  }
}
