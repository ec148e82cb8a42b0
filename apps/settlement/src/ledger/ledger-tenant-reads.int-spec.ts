import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { EventEnvelope, PaymentSucceededData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { startTestService, testActors, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { SettlementReadModelModule } from '../read-model';
import { ReportsRepository } from '../reports/reports.repository';
import { SettlementBatchesRepository } from '../settlement-batches/settlement-batches.repository';
import { LedgerModule } from './ledger.module';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

/**
 * The ledger's reads name their tenant (`j.tenant_id = $n`) besides row-level security, so that
 * PostgreSQL prunes the partitioned journal and postings to the tenant's partition when it PLANS
 * the statement (the policy's `current_setting()` only prunes at execution, after all ≈ 100
 * partitions were planned; issue 14). Same rows as before, nothing of another tenant, and the plan.
 */

const A = 't510121'; // 金堂县 (a county partition)
const B = 't511381'; // another county
const LATE = 't519999'; // a tenant added after the migration: DEFAULT partition
const APP = `app_${'c3'.repeat(10)}`;

function payment(tenantId: string, merchantId: string, amountFen: number, partnerAppId?: string): EventEnvelope<PaymentSucceededData> {
  return {
    id: randomUUID(),
    type: 'payment.succeeded',
    version: 1,
    tenantId,
    occurredAt: new Date(Date.now() - 1500).toISOString(),
    data: {
      orderId: randomUUID(),
      outTradeNo: `T${Date.now()}`,
      merchantId,
      ...(partnerAppId ? { partnerAppId } : {}),
      product: 'qr',
      channel: 'wechat',
      amountFen,
      currency: 'CNY',
      channelTradeNo: `W${Date.now()}`,
      paidAt: new Date().toISOString(),
    },
  };
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs `fn` in `tenantId`'s transaction, recording every statement it sends (with its parameters as sent) into `into`. */
async function recording<T>(ds: DataSource, tenantId: string, into: Statement[], fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return inTenantTransaction(ds, tenantId, async (em) => {
    const runner = em.queryRunner as QueryRunner;
    const send = runner.query.bind(runner);
    runner.query = ((sql: string, params?: unknown[], ...rest: unknown[]) => {
      into.push({ sql, params: params ?? [] });
      return (send as (...a: unknown[]) => Promise<unknown>)(sql, params, ...rest);
    }) as QueryRunner['query'];
    try {
      return await fn(em);
    } finally {
      runner.query = send;
    }
  });
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
}

/** The journal and postings partitions in the statement's plan, and how many were pruned only at execution start. */
async function partitionsPlanned(ds: DataSource, tenantId: string, s: Statement): Promise<{ partitions: string[]; prunedAtStart: number }> {
  const rows = (await inTenantTransaction(ds, tenantId, (em) => em.query(`explain (format json) ${s.sql}`, s.params))) as Array<{
    'QUERY PLAN': Array<{ Plan: PlanNode }>;
  }>;
  const partitions: string[] = [];
  let prunedAtStart = 0;
  const walk = (n: PlanNode): void => {
    if (n['Relation Name'] && /^(journal_entries|postings)/.test(n['Relation Name'])) partitions.push(n['Relation Name']);
    prunedAtStart += n['Subplans Removed'] ?? 0;
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(rows[0]!['QUERY PLAN'][0]!.Plan);
  return { partitions: [...new Set(partitions)].sort(), prunedAtStart };
}

describe('settlement ledger reads name their tenant (real PostgreSQL, partitioned tables, non-owner role)', () => {
  let svc: TestService;
  let ds: DataSource;
  let ledger: LedgerService;
  const repo = new LedgerRepository();
  const m = randomUUID();
  const posted: Record<string, EventEnvelope<PaymentSucceededData>[]> = { [A]: [], [B]: [], [LATE]: [] };

  beforeAll(async () => {
    svc = await startTestService({ service: 'settlement', migrations, imports: [SettlementReadModelModule, LedgerModule], grants: 'as-migrated' });
    ds = svc.ds;
    ledger = svc.app.get(LedgerService);
    // the same merchant and app id in three tenants (ids are unique, but a query must never lean on that)
    for (const [t, n] of [
      [A, 4],
      [B, 3],
      [LATE, 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const e = payment(t, m, 1_000 + i, APP);
        await inTenantTransaction(ds, t, (em) => ledger.onPaymentSucceeded(e, em));
        posted[t]!.push(e);
      }
    }
  });

  afterAll(() => svc?.close());

  /** What row-level security alone shows the tenant: entry ids newest first, and their postings. */
  const rlsOnly = (t: string): Promise<{ ids: string[]; postings: number }> =>
    inTenantTransaction(ds, t, async (em) => ({
      ids: ((await em.query('select id from journal_entries order by seq desc')) as Array<{ id: string }>).map((r) => r.id),
      postings: Number(((await em.query('select count(*) as n from postings')) as Array<{ n: string }>)[0]!.n),
    }));

  it.each([A, B, LATE])('returns exactly the rows row-level security alone shows tenant %s', async (t) => {
    const expected = await rlsOnly(t);
    expect(expected.ids.length).toBeGreaterThanOrEqual(posted[t]!.length);
    const got = await inTenantTransaction(ds, t, async (em) => {
      const page = await repo.findEntries(em, t, {}, { limit: 100 });
      return {
        page,
        postings: await repo.findPostings(
          em,
          t,
          page.data.map((r) => r.id),
        ),
      };
    });
    expect(got.page.data.map((r) => r.id)).toEqual(expected.ids);
    expect(got.postings).toHaveLength(expected.postings);
    const e = posted[t]![0]!;
    const byOrder = await inTenantTransaction(ds, t, (em) => repo.findEntries(em, t, { orderId: e.data.orderId }, { limit: 10 }));
    expect(byOrder.data.map((r) => r.sourceEventId)).toEqual([e.id]);
    expect(await inTenantTransaction(ds, t, (em) => repo.merchantHasAppEntries(em, t, m, APP))).toBe(true);
    expect(await inTenantTransaction(ds, t, (em) => repo.merchantHasAppEntries(em, t, m, `app_${'d4'.repeat(10)}`))).toBe(false);
  });

  it("returns nothing of another tenant's ids, and the API still answers an empty page and 404", async () => {
    const bIds = (await rlsOnly(B)).ids;
    const bOrder = posted[B]![0]!.data.orderId;
    await inTenantTransaction(ds, A, async (em) => {
      expect(await repo.findPostings(em, A, bIds)).toEqual([]);
      expect((await repo.findEntries(em, A, { orderId: bOrder }, { limit: 10 })).data).toEqual([]);
    });
    const list = await svc.call('GET', `/ledger/entries?orderId=${bOrder}`, { actor: testActors.county(A) });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    // a merchant with postings only in B is unknown to A (404 as before): a merchant only in B
    const onlyB = randomUUID();
    await inTenantTransaction(ds, B, (em) => ledger.onPaymentSucceeded(payment(B, onlyB, 500, APP), em));
    for (const actor of [testActors.county(A), testActors.app(A, { appId: APP })]) {
      const balance = await svc.call('GET', `/ledger/merchants/${onlyB}/balance`, { actor });
      expect(balance.status).toBe(404);
      expect(balance.body.error).toMatchObject({ code: 'not_found' });
    }
  });

  it("keeps row-level security the guard: naming another tenant inside a tenant's transaction shows nothing", async () => {
    const bIds = (await rlsOnly(B)).ids;
    await inTenantTransaction(ds, A, async (em) => {
      expect((await repo.findEntries(em, B, {}, { limit: 100 })).data).toEqual([]);
      expect(await repo.findPostings(em, B, bIds)).toEqual([]);
      expect(await repo.merchantHasAppEntries(em, B, m, APP)).toBe(false);
    });
  });

  it.each([
    [A, `${A}`],
    [LATE, 'default'],
  ])(
    "plans only tenant %s's partition of the journal and the postings for the ledger list and the posting path's reads (pruned when planned, not at execution)",
    async (t, suffix) => {
      const statements: Statement[] = [];
      await recording(ds, t, statements, async (em) => {
        const page = await repo.findEntries(em, t, { partnerAppId: APP }, { limit: 100 });
        await repo.findPostings(
          em,
          t,
          page.data.map((r) => r.id),
        );
        await repo.merchantHasAppEntries(em, t, m, APP);
        // the posting path's reads: a duplicate's lookup, a pro-rata refund's order; the balance check's sums
        const e = posted[t]![0]!;
        expect(await repo.findBySource(em, t, randomUUID(), 'payment.succeeded', e.data.orderId)).toMatchObject({ sourceEventId: e.id });
        expect(await repo.orderFees(em, t, e.data.orderId)).toMatchObject({ paymentFen: BigInt(e.data.amountFen), refundedFen: 0n });
        expect((await repo.sumPostings(em, t)).length).toBeGreaterThan(0);
      });
      const reads = statements.filter((s) => /\b(journal_entries|postings)\b/.test(s.sql));
      expect(reads).toHaveLength(6);
      const plans = await Promise.all(reads.map((s) => partitionsPlanned(ds, t, s)));
      const journal = { partitions: [`journal_entries_${suffix}`], prunedAtStart: 0 };
      const postings = { partitions: [`postings_${suffix}`], prunedAtStart: 0 };
      expect(plans).toEqual([journal, postings, journal, journal, journal, postings]);
    },
  );

  it("plans only the tenant's partitions for the cut-off's, the daily report's and the payout webhook's ledger reads", async () => {
    const batches = new SettlementBatchesRepository();
    const reports = new ReportsRepository();
    const batchId = randomUUID();
    const rollback = new Error('rolled back: only the statements are wanted');
    const statements: Statement[] = [];
    await expect(
      recording(ds, A, statements, async (em) => {
        await batches.insertBatch(em, {
          id: batchId,
          tenantId: A,
          businessDate: '2099-01-01',
          cycle: 'T1',
          settlementDate: '2099-01-02',
          cutoffTime: '23:00',
          windowEnd: new Date(),
          reserveBp: 0,
          approvalThresholdFen: 0n,
          createdBy: 'test',
        });
        expect((await batches.claimEntries(em, A, batchId, new Date())).length).toBeGreaterThan(0); // the payments above, claimed
        expect((await batches.clearingFromLedger(em, A, batchId)).entryCount).toBeGreaterThan(0);
        expect((await reports.lines(em, A, batchId)).length).toBeGreaterThan(0);
        expect((await reports.ledger(em, A, batchId)).merchantPayableFen).toBeGreaterThan(0n);
        expect(await reports.paidOut(em, A, batchId)).toBe(0n);
        expect(await new PayoutsRepository().merchantPartnerApp(em, A, m)).toBe(APP);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const reads = statements.filter((s) => /\b(journal_entries|postings)\b/.test(s.sql));
    expect(reads).toHaveLength(6);
    for (const s of reads) {
      // each table the statement reads, by A's partition only (the statement shown when it fails)
      const tables = ['journal_entries', 'postings'].filter((t) => new RegExp(`\\b${t}\\b`).test(s.sql));
      expect({ sql: s.sql, ...(await partitionsPlanned(ds, A, s)) }).toEqual({ sql: s.sql, partitions: tables.map((t) => `${t}_${A}`), prunedAtStart: 0 });
    }
  });
});
