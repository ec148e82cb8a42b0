import type { EntityManager } from 'typeorm';
import { flushLedger, gatherEntry, gatherPostings, type LedgerBatch, type LedgerWriter, type PendingEntry } from './balance-batch';
import type { NewEntry } from './ledger.repository';

// the transaction's before-commit hooks (persistence's beforeCommit: one per key until they run), run here by hand
const hooks = new Map<EntityManager, Map<string, (em: EntityManager) => Promise<void>>>();
const bound: string[] = [];
jest.mock('@countypay/persistence', () => ({
  bindTenant: async (_em: EntityManager, tenantId: string) => void bound.push(tenantId),
  beforeCommit: (em: EntityManager, key: string, fn: (em: EntityManager) => Promise<void>) => {
    const forEm = hooks.get(em) ?? new Map<string, (em: EntityManager) => Promise<void>>();
    hooks.set(em, forEm);
    if (!forEm.has(key)) forEm.set(key, fn);
  },
}));
async function runBeforeCommit(em: EntityManager): Promise<void> {
  const forEm = hooks.get(em);
  hooks.delete(em);
  for (const fn of forEm?.values() ?? []) await fn(em);
}

const entry = (id: string, tenantId: string): NewEntry => ({
  id,
  tenantId,
  sourceEventId: id,
  sourceType: 'payment.succeeded',
  sourceRef: id,
  orderId: id,
  refundId: null,
  merchantId: id,
  partnerAppId: null,
  product: 'qr',
  channel: 'wechat',
  amountFen: 100n,
  feeFen: 1n,
  feeRateBp: 38,
  feeMinFen: 1n,
  feeRuleChannel: '*',
  occurredAt: new Date(0),
  postedAt: new Date(0),
});

/** A writer that records each call and "inserts" every entry but those named already posted. */
function recordingWriter(alreadyPosted: Set<string>): LedgerWriter & { statements: number; calls: Array<{ tenantId: string; batch: LedgerBatch }> } {
  const w = {
    statements: 0,
    calls: [] as Array<{ tenantId: string; batch: LedgerBatch }>,
    postBatches: async (_em: EntityManager, batches: ReadonlyArray<{ tenantId: string; batch: LedgerBatch }>) => {
      w.statements++;
      for (const { tenantId, batch } of batches) w.calls.push({ tenantId, batch: { entries: [...batch.entries], posted: [...batch.posted] } });
      return new Set(batches.flatMap(({ batch }) => batch.entries.map((p) => p.entry.id)).filter((id) => !alreadyPosted.has(id)));
    },
  };
  return w;
}

describe('the ledger batch (one statement per tenant at the commit)', () => {
  it('writes what a transaction gathered once per tenant, tenants in order, entries in order, and settles each entry', async () => {
    const em = {} as EntityManager;
    const writer = recordingWriter(new Set(['e2']));
    const settled: string[] = [];
    const pending = (id: string, tenantId: string): PendingEntry => ({
      entry: entry(id, tenantId),
      lines: [{ account: 'fee_income', direction: 'credit', amountFen: 1n }],
      settle: (inserted) => void settled.push(`${id}:${inserted}`),
    });
    gatherEntry(em, 't511381', pending('e1', 't511381'), writer);
    gatherEntry(em, 't510121', pending('e2', 't510121'), writer);
    gatherEntry(em, 't511381', pending('e3', 't511381'), writer);
    gatherPostings(em, 't510121', { entryId: 'payout', lines: [{ account: 'bank_clearing', direction: 'credit', amountFen: 5n }] }, writer);
    expect(writer.calls).toEqual([]); // nothing is written before the commit
    await runBeforeCommit(em);
    expect(writer.calls.map((c) => [c.tenantId, c.batch.entries.map((p) => p.entry.id), c.batch.posted.map((p) => p.entryId)])).toEqual([
      ['t510121', ['e2'], ['payout']],
      ['t511381', ['e1', 'e3'], []],
    ]);
    expect(writer.statements).toBe(1); // one statement for both tenants
    expect(settled).toEqual(['e2:false', 'e1:true', 'e3:true']);
    expect(bound).toEqual(['t510121']); // the skipped entry is settled (looked up) in its own tenant's scope
    await runBeforeCommit(em); // written once
    expect(writer.calls).toHaveLength(2);
  });

  it('flushes early on demand, and the commit then writes only what came after', async () => {
    const em = {} as EntityManager;
    const writer = recordingWriter(new Set());
    expect(await flushLedger(em)).toBe(false); // nothing gathered: nothing written
    gatherEntry(em, 't510121', { entry: entry('a', 't510121'), lines: [] }, writer);
    expect(await flushLedger(em)).toBe(true);
    gatherEntry(em, 't510121', { entry: entry('b', 't510121'), lines: [] }, writer);
    await runBeforeCommit(em);
    expect(writer.calls.map((c) => c.batch.entries.map((p) => p.entry.id))).toEqual([['a'], ['b']]);
  });

  it('keeps transactions apart', async () => {
    const one = {} as EntityManager;
    const two = {} as EntityManager;
    const writer = recordingWriter(new Set());
    gatherEntry(one, 't510121', { entry: entry('x', 't510121'), lines: [] }, writer);
    gatherEntry(two, 't510121', { entry: entry('y', 't510121'), lines: [] }, writer);
    await runBeforeCommit(two);
    expect(writer.calls.map((c) => c.batch.entries.map((p) => p.entry.id))).toEqual([['y']]);
  });
});
