import type { MigrationInterface, QueryRunner } from 'typeorm';
import { postingsEntryForeignKeySql } from './1764202500000-ledger';

/**
 * Postings reference their journal entry partition by partition (issue 14). The parent-level
 * foreign key `postings (tenant_id, entry_id) → journal_entries (tenant_id, id)` made every posting
 * row's check a query on the PARTITIONED journal: its cached plan covered all ≈ 100 partitions (each
 * locked on every check, the plan rebuilt whenever any of them was analyzed, every partition's
 * relation cache loaded by each new connection) — ≈ 1,500 buffers and ≈ 70 ms per insert on a new
 * connection, ≈ 180 buffers and 4–9 ms per insert on average under the bench. Both tables are LIST-partitioned
 * by tenant with the same bounds (`tenantPartitionSql`), so `postings_<tenant>` → `journal_entries_<tenant>`
 * (and DEFAULT → DEFAULT) forbids exactly what the parent key forbade: a posting whose
 * (tenant, entry) has no journal entry. The check reads one plain table. The key to
 * `account_balances` (not partitioned) stays on the parent. A county added later gets its key with
 * its partitions (`tenantPartitionSql`).
 */
export class LedgerPartitionForeignKeys1768200100000 implements MigrationInterface {
  name = 'LedgerPartitionForeignKeys1768200100000';

  async up(q: QueryRunner): Promise<void> {
    const parts = (await q.query(
      `select c.relname as postings, j.relname as journal
         from pg_inherits i
         join pg_class c on c.oid = i.inhrelid
         join pg_class p on p.oid = i.inhparent and p.relname = 'postings' and p.relnamespace = current_schema()::regnamespace
         left join pg_class j on j.relnamespace = p.relnamespace and j.relname = 'journal_entries_' || substr(c.relname, length('postings_') + 1)
          and pg_get_expr(j.relpartbound, j.oid) = pg_get_expr(c.relpartbound, c.oid)`,
    )) as Array<{ postings: string; journal: string | null }>;
    for (const { postings, journal } of parts) {
      if (!journal) throw new Error(`${postings} has no journal partition with the same bounds`);
      const suffix = postings.slice('postings_'.length);
      const has = (await q.query(`select 1 from pg_constraint where conname = $1 and conrelid = $2::regclass`, [
        `postings_${suffix}_entry_fkey`,
        postings,
      ])) as unknown[];
      if (has.length === 0) await q.query(postingsEntryForeignKeySql(suffix));
    }
    await q.query('alter table postings drop constraint if exists postings_tenant_id_entry_id_fkey');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'alter table postings add constraint postings_tenant_id_entry_id_fkey foreign key (tenant_id, entry_id) references journal_entries (tenant_id, id)',
    );
    const parts = (await q.query(
      `select c.conname, r.relname from pg_constraint c join pg_class r on r.oid = c.conrelid
        where c.contype = 'f' and c.conname like 'postings\\_%\\_entry\\_fkey' and r.relnamespace = current_schema()::regnamespace`,
    )) as Array<{ conname: string; relname: string }>;
    for (const p of parts) await q.query(`alter table ${p.relname} drop constraint ${p.conname}`);
  }
}
