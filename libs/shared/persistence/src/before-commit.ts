import type { EntityManager } from 'typeorm';

/**
 * Work a transaction does once, at its end, just before it commits — registered by the code
 * that runs inside it, run by `inScope` (and so by `inTenantTransaction`) after its callback.
 *
 * Why: a consumer commits a batch of events in one transaction, and each event's effect may
 * touch shared rows (a ledger's balance rows). Touched as each event runs, two batches lock the
 * same rows in different orders and deadlock; gathered per transaction and applied once at the
 * end, in one sorted order, they cannot (and it is one statement instead of one per event).
 *
 * Hooks run in registration order; a hook registered under a key already present is not added
 * again (the first registration's function gathers for all). A hook that throws rolls the
 * transaction back like any other failure.
 */
const pending = new WeakMap<EntityManager, Map<string, (em: EntityManager) => Promise<void>>>();

export function beforeCommit(em: EntityManager, key: string, fn: (em: EntityManager) => Promise<void>): void {
  let hooks = pending.get(em);
  if (!hooks) pending.set(em, (hooks = new Map()));
  if (!hooks.has(key)) hooks.set(key, fn);
}

/** Runs (and forgets) the transaction's pending hooks; hooks may register further hooks. */
export async function runBeforeCommit(em: EntityManager): Promise<void> {
  for (;;) {
    const hooks = pending.get(em);
    if (!hooks || hooks.size === 0) return;
    pending.delete(em);
    for (const fn of hooks.values()) await fn(em);
  }
}

/** Forgets the pending hooks of a transaction that did not reach its end (rolled back). */
export function discardBeforeCommit(em: EntityManager): void {
  pending.delete(em);
}
