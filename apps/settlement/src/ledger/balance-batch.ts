import type { EntityManager } from 'typeorm';
import { beforeCommit, bindTenant } from '@countypay/persistence';
import { accountDeltas, type AccountDelta, type PostingLine } from '../domain/posting-rules';

/**
 * The postings of a transaction's journal entries and the balance rows they move, gathered and
 * written ONCE, just before the transaction commits: balances summed per (tenant, account) and
 * upserted in one sorted order — tenant, then account — then every posting; one statement of
 * each per tenant. A consumer's batch posts up to a hundred entries in one transaction and the
 * hot rows (fee income, a channel's receivable) are in nearly all of them: moved entry by
 * entry, two batches took those locks in different orders and deadlocked; taken in one global
 * order, they queue instead (and each row is written once per batch, not once per entry).
 * The postings follow the balances: a posting's account must exist (foreign key).
 */
export interface EntryPostings {
  readonly entryId: string;
  readonly lines: readonly PostingLine[];
}

export interface LedgerWriter {
  applyToBalances(em: EntityManager, tenantId: string, deltas: readonly AccountDelta[]): Promise<void>;
  insertPostings(em: EntityManager, tenantId: string, entries: readonly EntryPostings[]): Promise<void>;
}

interface Gathered {
  balances: Map<string, { debitsFen: bigint; creditsFen: bigint; postings: number }>;
  entries: EntryPostings[];
}

const gathered = new WeakMap<EntityManager, Map<string, Gathered>>();

export function gatherPostings(em: EntityManager, tenantId: string, entry: EntryPostings, writer: LedgerWriter): void {
  let byTenant = gathered.get(em);
  if (!byTenant) gathered.set(em, (byTenant = new Map()));
  let g = byTenant.get(tenantId);
  if (!g) byTenant.set(tenantId, (g = { balances: new Map(), entries: [] }));
  for (const d of accountDeltas(entry.lines)) {
    const sum = g.balances.get(d.account) ?? { debitsFen: 0n, creditsFen: 0n, postings: 0 };
    sum.debitsFen += d.debitsFen;
    sum.creditsFen += d.creditsFen;
    sum.postings += d.postings;
    g.balances.set(d.account, sum);
  }
  g.entries.push(entry);
  beforeCommit(em, 'ledger.postings', async (tx) => {
    const all = gathered.get(tx);
    gathered.delete(tx);
    if (!all) return;
    for (const tenant of [...all.keys()].sort()) {
      const { balances, entries } = all.get(tenant)!;
      const deltas = [...balances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([account, s]): AccountDelta => ({ account, ...s }));
      await bindTenant(tx, tenant);
      await writer.applyToBalances(tx, tenant, deltas);
      await writer.insertPostings(tx, tenant, entries);
    }
  });
}
