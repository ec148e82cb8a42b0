import type { EntityManager } from 'typeorm';
import type { OutboxRow } from '@countypay/messaging';
import { beforeCommit, bindTenant } from '@countypay/persistence';
import type { PostingLine } from '../domain/posting-rules';
import type { NewEntry } from './ledger.repository';

/**
 * A transaction's ledger postings, gathered and written ONCE — `ledger_post`, one statement for
 * every tenant of the transaction (migration LedgerPostFunction1768430000000) — just before the
 * transaction commits, or earlier when a caller needs them written ({@link flushLedger}).
 *
 * Why: a consumer's batch posts up to a hundred entries in one transaction. Entry by entry, each
 * payment was a journal insert and an outbox insert (and per tenant a `set_config`, the balances
 * upsert and the postings insert); now the whole batch is one call (issue 14). And the
 * hot rows (fee income, a channel's receivable) are in nearly all of them: moved entry by entry,
 * two batches took those locks in different orders and deadlocked; summed per account and taken in
 * one global order — tenant, then account — they queue instead, each row written once per batch.
 *
 * An entry of the batch already posted (same source event or business key: the journal's unique
 * keys) is skipped with its lines and its outbox row; its `settle(false)` says so.
 */
export interface EntryPostings {
  readonly entryId: string;
  readonly lines: readonly PostingLine[];
}

/** A journal entry to insert at the flush, with its lines and the event announcing it. */
export interface PendingEntry {
  readonly entry: NewEntry;
  readonly lines: readonly PostingLine[];
  /** the outbox row (built in the writer's span: its trace context), written only if the entry is */
  readonly outbox?: OutboxRow;
  /** after the flush's statement, in the same transaction and tenant scope: inserted, or skipped as already posted */
  readonly settle?: (inserted: boolean, em: EntityManager) => Promise<void> | void;
}

/** What one tenant's flush writes. */
export interface LedgerBatch {
  /** entries to insert (in order) */
  readonly entries: readonly PendingEntry[];
  /** entries the caller inserted itself earlier in the transaction: only their lines are applied */
  readonly posted: readonly EntryPostings[];
}

export interface LedgerWriter {
  /**
   * Writes the tenants' batches, in the order given, in one statement; the ids of the entries of
   * their `entries` it inserted. The transaction is left bound to the last tenant.
   */
  postBatches(em: EntityManager, batches: ReadonlyArray<{ tenantId: string; batch: LedgerBatch }>): Promise<Set<string>>;
}

interface Gathered {
  writer: LedgerWriter;
  byTenant: Map<string, { entries: PendingEntry[]; posted: EntryPostings[] }>;
}

const gathered = new WeakMap<EntityManager, Gathered>();

function tenantBatch(em: EntityManager, tenantId: string, writer: LedgerWriter): { entries: PendingEntry[]; posted: EntryPostings[] } {
  let g = gathered.get(em);
  if (!g) gathered.set(em, (g = { writer, byTenant: new Map() }));
  let t = g.byTenant.get(tenantId);
  if (!t) g.byTenant.set(tenantId, (t = { entries: [], posted: [] }));
  beforeCommit(em, 'ledger.postings', async (tx) => void (await flushLedger(tx)));
  return t;
}

/** An entry to insert (unless already posted) with its lines and outbox row, at the flush. */
export function gatherEntry(em: EntityManager, tenantId: string, entry: PendingEntry, writer: LedgerWriter): void {
  tenantBatch(em, tenantId, writer).entries.push(entry);
}

/** The lines of an entry the caller has inserted itself (in this transaction): applied at the flush. */
export function gatherPostings(em: EntityManager, tenantId: string, entry: EntryPostings, writer: LedgerWriter): void {
  tenantBatch(em, tenantId, writer).posted.push(entry);
}

/**
 * Writes what the transaction gathered so far — one statement, tenants in order — and settles each
 * entry. Run before the commit; run it earlier where the transaction reads the journal it is
 * writing (a refund's returned fee reads the order's entries). The write binds each tenant in
 * turn: true when it wrote, and the caller's tenant scope must then be bound again.
 */
export async function flushLedger(em: EntityManager): Promise<boolean> {
  const g = gathered.get(em);
  gathered.delete(em);
  if (!g) return false;
  const batches = [...g.byTenant.keys()].sort().map((tenantId) => ({ tenantId, batch: g.byTenant.get(tenantId)! }));
  const inserted = await g.writer.postBatches(em, batches);
  for (const { tenantId, batch } of batches) {
    // a skipped entry's settle looks up what was posted before: in its own tenant's scope
    if (batch.entries.some((p) => !inserted.has(p.entry.id))) await bindTenant(em, tenantId);
    for (const p of batch.entries) await p.settle?.(inserted.has(p.entry.id), em);
  }
  return true;
}
