import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  defaultTenantConfig,
  type EventEnvelope,
  type PaymentChannel,
  type PaymentSucceededData,
  type RefundData,
  type TenantUpdatedData,
} from '@countypay/contracts';
import { bindTenant, inTenantTransaction } from '@countypay/persistence';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, type CallResult, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { tenantPartitionSql } from '../migrations/1764202500000-ledger';
import { OnboardingReadModel } from '@countypay/read-models';
import { SettlementReadModelModule } from '../read-model';
import type { LedgerEntry } from './dto/ledger.responses.dto';
import { LedgerModule } from './ledger.module';
import { LedgerRepository } from './ledger.repository';
import { LedgerService, type PostedEntry } from './ledger.service';

const A = 't510121'; // 金堂县 (a county partition)
const B = 't511381'; // another county
const LATE = 't519999'; // a tenant added after the migration: DEFAULT partition
const C = 't513433'; // a county sorted after B (the batch test)

const APP1 = `app_${'a1'.repeat(10)}`;
const APP2 = `app_${'b2'.repeat(10)}`;

function envelope<T extends object>(tenantId: string, type: string, data: T, id = randomUUID()): EventEnvelope<T> {
  return { id, type, version: 1, tenantId, occurredAt: new Date(Date.now() - 1500).toISOString(), data };
}

function payment(
  tenantId: string,
  o: { merchantId: string; amountFen: number; channel?: PaymentChannel; orderId?: string; partnerAppId?: string },
): EventEnvelope<PaymentSucceededData> {
  return envelope(tenantId, 'payment.succeeded', {
    orderId: o.orderId ?? randomUUID(),
    outTradeNo: `T${Date.now()}`,
    merchantId: o.merchantId,
    ...(o.partnerAppId ? { partnerAppId: o.partnerAppId } : {}),
    product: 'qr',
    channel: o.channel ?? 'wechat',
    amountFen: o.amountFen,
    currency: 'CNY',
    channelTradeNo: `W${Date.now()}`,
    paidAt: new Date().toISOString(),
  });
}

function refund(tenantId: string, o: { merchantId: string; orderId: string; amountFen: number; channel?: PaymentChannel }): EventEnvelope<RefundData> {
  return envelope(tenantId, 'refund.succeeded', {
    refundId: randomUUID(),
    outRefundNo: `R${Date.now()}`,
    orderId: o.orderId,
    merchantId: o.merchantId,
    product: 'qr',
    channel: o.channel ?? 'wechat',
    amountFen: o.amountFen,
    currency: 'CNY',
    at: new Date().toISOString(),
  });
}

/** Boots the ledger over a fresh schema, the app role's rights exactly as the migrations leave them (append-only, no partition rights). */
function startLedger(): Promise<TestService> {
  return startTestService({
    service: 'settlement',
    migrations,
    imports: [SettlementReadModelModule, LedgerModule],
    grants: 'as-migrated',
  });
}

describe('settlement ledger (real PostgreSQL, partitioned tables, non-owner role)', () => {
  let svc: TestService;
  let ds: DataSource;
  let ledger: LedgerService;
  let tenants: OnboardingReadModel;
  const repo = new LedgerRepository();

  const postPayment = (e: EventEnvelope<PaymentSucceededData>): Promise<PostedEntry | undefined> =>
    inTenantTransaction(ds, e.tenantId, (em) => ledger.onPaymentSucceeded(e, em));
  const postRefund = (e: EventEnvelope<RefundData>): Promise<PostedEntry | undefined> =>
    inTenantTransaction(ds, e.tenantId, (em) => ledger.onRefundSucceeded(e, em));
  const count = async (tenantId: string, sql: string): Promise<number> =>
    inTenantTransaction(ds, tenantId, async (em) => Number(((await em.query(sql)) as Array<{ n: string }>)[0].n));
  const get = (path: string, actor: Actor): Promise<CallResult> => svc.call('GET', path, { actor });
  const entries = async (actor: Actor, query: Record<string, string | number> = {}): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const r = await get(`/ledger/entries${qs ? `?${qs}` : ''}`, actor);
    expect(r.status).toBe(200);
    return r.body;
  };
  const payable = async (tenantId: string, merchantId: string): Promise<number> => {
    const r = await get(`/ledger/merchants/${merchantId}/balance`, testActors.county(tenantId));
    expect(r.status).toBe(200);
    return r.body.payableFen;
  };

  beforeAll(async () => {
    svc = await startLedger();
    ds = svc.ds;
    ledger = svc.app.get(LedgerService);
    tenants = svc.app.get(OnboardingReadModel);
  });

  afterAll(() => svc?.close());

  it('posts a 100.00 yuan WeChat payment at the default 38 bp: receivable 100.00, merchant 99.62, fee 0.38, and a settlement.posted event', async () => {
    const m = randomUUID();
    const e = payment(A, { merchantId: m, amountFen: 10_000 });
    const posted = await postPayment(e);
    expect(posted).toBeDefined();

    const page = await entries(testActors.county(A), { orderId: e.data.orderId });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toEqual({
      id: posted!.entryId,
      sourceEventId: e.id,
      sourceType: 'payment.succeeded',
      orderId: e.data.orderId,
      refundId: null,
      merchantId: m,
      product: 'qr',
      channel: 'wechat',
      amountFen: 10_000,
      feeFen: 38,
      feeRateBp: 38,
      currency: 'CNY',
      occurredAt: e.occurredAt,
      postedAt: posted!.postedAt.toISOString(),
      postings: [
        { line: 1, account: 'channel_receivable:wechat', direction: 'debit', amountFen: 10_000 },
        { line: 2, account: `merchant_payable:${m}`, direction: 'credit', amountFen: 9_962 },
        { line: 3, account: 'fee_income', direction: 'credit', amountFen: 38 },
      ],
    });
    const balance = await get(`/ledger/merchants/${m}/balance`, testActors.county(A));
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ merchantId: m, payableFen: 9_962, currency: 'CNY', asOf: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const outbox: Array<{ topic: string; message_key: string; payload: { type: string; tenantId: string; data: Record<string, unknown> } }> =
      await inTenantTransaction(ds, A, (em) => em.query(`select topic, message_key, payload from outbox where payload->'data'->>'sourceEventId' = $1`, [e.id]));
    expect(outbox).toHaveLength(1);
    expect(outbox[0].topic).toBe('countypay.settlement.posted.v1');
    expect(outbox[0].message_key).toBe(m);
    expect(outbox[0].payload.tenantId).toBe(A);
    expect(outbox[0].payload.data).toMatchObject({
      entryId: posted!.entryId,
      sourceType: 'payment.succeeded',
      orderId: e.data.orderId,
      merchantId: m,
      amountFen: 10_000,
      feeFen: 38,
    });
  });

  it('posts the same event twice → one entry, one set of postings, one outbox event, balance counted once', async () => {
    const m = randomUUID();
    const e = payment(A, { merchantId: m, amountFen: 25_000 });
    expect(await postPayment(e)).toBeDefined();
    expect(await postPayment(e)).toBeUndefined();
    // a republished payment (new event id, same order) is the same fact: not posted again either
    expect(await postPayment({ ...e, id: randomUUID() })).toBeUndefined();
    expect(await count(A, `select count(*) as n from journal_entries where order_id = '${e.data.orderId}'`)).toBe(1);
    expect(await count(A, `select count(*) as n from postings p join journal_entries j on j.id = p.entry_id where j.order_id = '${e.data.orderId}'`)).toBe(3);
    expect(await count(A, `select count(*) as n from outbox where payload->'data'->>'orderId' = '${e.data.orderId}'`)).toBe(1);
    expect(await payable(A, m)).toBe(25_000 - 95); // 250.00 × 0.38% = 0.95
  });

  it('a 30.00 refund of a 100.00 payment leaves the merchant 69.62 (the 0.38 fee is not returned) and the channel owes 70.00', async () => {
    const m = randomUUID();
    const p = payment(A, { merchantId: m, amountFen: 10_000, channel: 'alipay' });
    await postPayment(p);
    const r = refund(A, { merchantId: m, orderId: p.data.orderId, amountFen: 3_000, channel: 'alipay' });
    expect(await postRefund(r)).toBeDefined();
    expect(await postRefund(r)).toBeUndefined();
    expect(await payable(A, m)).toBe(6_962);
    const channel = await inTenantTransaction(ds, A, (em) => repo.findBalance(em, 'channel_receivable:alipay'));
    expect(channel).toMatchObject({ debitsFen: 10_000n, creditsFen: 3_000n, balanceFen: 7_000n, postingCount: 2 });
    const page = await entries(testActors.county(A), { orderId: p.data.orderId });
    expect(page.data.map((x) => x.sourceType)).toEqual(['refund.succeeded', 'payment.succeeded']);
    expect(page.data[0]).toMatchObject({ refundId: r.data.refundId, amountFen: 3_000, feeFen: 0, feeRateBp: null });
    expect(page.data[0].postings).toEqual([
      { line: 1, account: `merchant_payable:${m}`, direction: 'debit', amountFen: 3_000 },
      { line: 2, account: 'channel_receivable:alipay', direction: 'credit', amountFen: 3_000 },
    ]);
  });

  it('uses the tenant fee plan of the highest TenantUpdated version, the default before any', async () => {
    const updated = (version: number, rateBp: number): EventEnvelope<TenantUpdatedData> => {
      const config = defaultTenantConfig();
      config.feePlan = config.feePlan.map((r) => (r.product === 'qr' && r.channel === '*' ? Object.assign(r, { rateBp, minFeeFen: 0 }) : r));
      return envelope(B, 'onboarding.tenant-updated', { tenantId: B, name: 'Other county', status: 'active', config, version });
    };
    const m = randomUUID();
    await inTenantTransaction(ds, B, (em) => tenants.handleTenantUpdated(updated(3, 100), em));
    await inTenantTransaction(ds, B, (em) => tenants.handleTenantUpdated(updated(2, 5), em)); // older: ignored
    await postPayment(payment(B, { merchantId: m, amountFen: 10_000, channel: 'unionpay' }));
    expect(await payable(B, m)).toBe(9_900); // 1% of 100.00
    // county_bank keeps its exact-channel rule (20 bp), which beats the updated '*' rule
    await postPayment(payment(B, { merchantId: m, amountFen: 10_000, channel: 'county_bank' }));
    expect(await payable(B, m)).toBe(9_900 + 9_980);
  });

  it('keeps balances equal under concurrent postings to the same accounts (atomic upserts, no lost update)', async () => {
    const m = randomUUID();
    const events = Array.from({ length: 24 }, (_, i) => payment(A, { merchantId: m, amountFen: 1_000 + i }));
    await Promise.all(events.map((e) => postPayment(e)));
    const expected = events.reduce((s, e) => s + e.data.amountFen - Math.floor((e.data.amountFen * 38 + 5_000) / 10_000), 0);
    expect(await payable(A, m)).toBe(expected);
  });

  it('posts batches that share hot accounts in opposite orders, concurrently, without a deadlock (balances applied once per transaction, in one order)', async () => {
    // a consumer commits up to 100 events in one transaction; two partitions' batches touch the
    // same fee-income and channel-receivable rows of two tenants in opposite orders
    const m = randomUUID();
    const channels: PaymentChannel[] = ['wechat', 'alipay', 'unionpay', 'county_bank'];
    const batch = (order: PaymentChannel[], tenantsInOrder: string[]): Array<EventEnvelope<PaymentSucceededData>> =>
      tenantsInOrder.flatMap((t) => order.map((channel, i) => payment(t, { merchantId: m, amountFen: 2_000 + i, channel })));
    const forward = batch(channels, [A, B]);
    const backward = batch([...channels].reverse(), [B, A]);
    const postBatch = (events: Array<EventEnvelope<PaymentSucceededData>>): Promise<void> =>
      inTenantTransaction(ds, events[0]!.tenantId, async (em) => {
        for (const e of events) {
          await bindTenant(em, e.tenantId);
          // as the consumer's subscriptions post (app.module.ts): gathered, written at the commit
          expect(await ledger.onPaymentSucceeded(e, em, { atCommit: true })).toBeUndefined();
          await new Promise((r) => setTimeout(r, 5)); // the other batch runs meanwhile (as a consumer's effects await I/O)
        }
      });
    for (let round = 0; round < 3; round++)
      await Promise.all([
        postBatch(forward.map((e) => ({ ...e, id: randomUUID() }))),
        postBatch(backward.map((e) => ({ ...e, id: randomUUID(), data: { ...e.data, orderId: randomUUID() } }))),
      ]);
    for (const t of [A, B]) {
      const { balances, sums } = await inTenantTransaction(ds, t, async (em) => ({
        balances: await repo.findBalances(em),
        sums: await repo.sumPostings(em, t),
      }));
      expect(balances.map((b) => ({ account: b.account, debitsFen: b.debitsFen, creditsFen: b.creditsFen, postingCount: b.postingCount }))).toEqual(sums);
    }
  });

  it("posts a consumer's batch at its commit in ONE ledger statement for all its tenants: duplicates skipped, a refund sees the batch's payment", async () => {
    // B returns fees pro rata: the refund reads the order's payment, gathered earlier in the same transaction
    const config = Object.assign(defaultTenantConfig(), { refundFeePolicy: 'returned_pro_rata' });
    await inTenantTransaction(ds, B, (em) =>
      tenants.handleTenantUpdated(envelope(B, 'onboarding.tenant-updated', { tenantId: B, name: 'Other county', status: 'active', config, version: 10 }), em),
    );
    const m = randomUUID();
    const already = payment(A, { merchantId: m, amountFen: 4_000 });
    expect(await postPayment(already)).toBeDefined();
    const inA = Array.from({ length: 10 }, (_, i) => payment(A, { merchantId: m, amountFen: 1_000 + i, channel: i % 2 ? 'alipay' : 'wechat' }));
    const inB = Array.from({ length: 10 }, (_, i) => payment(B, { merchantId: m, amountFen: 10_000 + i, channel: 'unionpay' }));
    const paidB = inB[0]!;
    const refundB = refund(B, { merchantId: m, orderId: paidB.data.orderId, amountFen: 5_000, channel: 'unionpay' });
    const batch: EventEnvelope<object>[] = [
      ...inA.slice(0, 5),
      ...inB,
      { ...already, id: randomUUID() }, // posted in an earlier transaction: a republished fact
      { ...inA[1]!, id: randomUUID() }, // the same fact twice in this batch
      payment(C, { merchantId: m, amountFen: 3_000 }), // a tenant sorted after B: the flush leaves the transaction bound to it, the refund binds B again
      ...inA.slice(5),
    ];
    const statements: string[] = [];
    const db = { before: await count(A, 'select count(*) as n from journal_entries') };
    await inTenantTransaction(ds, A, async (em) => {
      const runner = em.queryRunner!;
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => (statements.push(sql), query(sql, ...(rest as [])))) as typeof runner.query;
      for (const e of batch) {
        await bindTenant(em, e.tenantId);
        const posted =
          e.type === 'payment.succeeded' ? await ledger.onPaymentSucceeded(e as EventEnvelope<PaymentSucceededData>, em, { atCommit: true }) : undefined;
        expect(posted).toBeUndefined(); // written at the commit
      }
      await bindTenant(em, B);
      expect(await ledger.onRefundSucceeded(refundB, em, { atCommit: true })).toBeUndefined();
    });
    // the handlers wrote nothing but the refund's flush (its read of the order's entries); the commit wrote the rest
    const ledgerCalls = statements.filter((q) => /ledger_post/.test(q));
    expect(ledgerCalls).toHaveLength(2); // A and B before the refund's read (one statement), the refund at the commit
    expect(statements.filter((q) => /insert into (journal_entries|postings|account_balances|outbox)/.test(q))).toEqual([]);

    expect((await count(A, 'select count(*) as n from journal_entries')) - db.before).toBe(10);
    for (const e of [...inA, ...inB]) {
      expect(
        await count(e.tenantId, `select count(*) as n from journal_entries where order_id = '${e.data.orderId}' and source_type = 'payment.succeeded'`),
      ).toBe(1);
      expect(
        await count(
          e.tenantId,
          `select count(*) as n from outbox where payload->'data'->>'orderId' = '${e.data.orderId}' and payload->'data'->>'sourceType' = 'payment.succeeded'`,
        ),
      ).toBe(1);
    }
    expect(await count(A, `select count(*) as n from journal_entries where order_id = '${already.data.orderId}'`)).toBe(1);
    expect(await count(A, `select count(*) as n from outbox where payload->'data'->>'orderId' = '${already.data.orderId}'`)).toBe(1);
    // each settlement.posted row names its own entry and event
    const rows: Array<{ entry: string; event: string; id: string; header_event: string }> = await inTenantTransaction(ds, A, (em) =>
      em.query(
        `select payload->'data'->>'entryId' as entry, payload->'data'->>'sourceEventId' as event, id::text, headers->>'event-id' as header_event
           from outbox where payload->'data'->>'orderId' = any($1::text[])`,
        [inA.map((e) => e.data.orderId)],
      ),
    );
    expect(rows).toHaveLength(10);
    for (const r of rows) expect(r.header_event).toBe(r.id);
    expect(new Set(rows.map((r) => r.entry)).size).toBe(10);
    expect(new Set(rows.map((r) => r.event))).toEqual(new Set(inA.map((e) => e.id)));
    // the refund returned its share of the payment's fee (pro rata): it saw the batch's payment
    const r = await entries(testActors.county(B), { orderId: paidB.data.orderId });
    expect(r.data.map((x) => x.sourceType)).toEqual(['refund.succeeded', 'payment.succeeded']);
    expect(r.data[1]!.feeFen).toBeGreaterThan(0);
    expect(r.data[0]!.feeFen).toBe(Math.floor((r.data[1]!.feeFen * 5_000) / 10_000));
    for (const t of [A, B]) {
      const { balances, sums } = await inTenantTransaction(ds, t, async (em) => ({
        balances: await repo.findBalances(em),
        sums: await repo.sumPostings(em, t),
      }));
      expect(balances.map((b) => ({ account: b.account, debitsFen: b.debitsFen, creditsFen: b.creditsFen, postingCount: b.postingCount }))).toEqual(sums);
    }
  });

  it('keeps every account balance equal to the sum of its postings, in every tenant', async () => {
    await postPayment(payment(LATE, { merchantId: randomUUID(), amountFen: 777 }));
    for (const t of [A, B, LATE]) {
      const { balances, sums } = await inTenantTransaction(ds, t, async (em) => ({
        balances: await repo.findBalances(em),
        sums: await repo.sumPostings(em, t),
      }));
      expect(balances.length).toBeGreaterThan(0);
      expect(balances.map((b) => ({ account: b.account, debitsFen: b.debitsFen, creditsFen: b.creditsFen, postingCount: b.postingCount }))).toEqual(sums);
      for (const b of balances) expect(b.balanceFen).toBe(b.normalSide === 'debit' ? b.debitsFen - b.creditsFen : b.creditsFen - b.debitsFen);
    }
  });

  it('has a balanced trial balance per tenant, for its county operator and the province', async () => {
    for (const t of [A, B, LATE]) {
      const r = await get('/ledger/trial-balance', testActors.county(t));
      expect(r.status).toBe(200);
      const tb = r.body;
      expect(tb.balanced).toBe(true);
      expect(tb.debitsFen).toBe(tb.creditsFen);
      expect(tb.debitsFen).toBeGreaterThan(0);
      expect((await get('/ledger/trial-balance', testActors.province(t))).body).toEqual({ ...tb, asOf: expect.any(String) });
      const sums = await inTenantTransaction(ds, t, (em) => repo.sumPostings(em, t));
      const posted = sums.reduce((s, x) => ({ d: s.d + x.debitsFen, c: s.c + x.creditsFen }), { d: 0n, c: 0n });
      expect(posted.d).toBe(posted.c);
    }
    const late = (await get('/ledger/trial-balance', testActors.county(LATE))).body;
    expect(late).toMatchObject({ debitsFen: 777, creditsFen: 777, balanced: true, currency: 'CNY' });
    expect(
      late.accounts.map((a: { account: string; type: string; normalSide: string; debitFen: number; creditFen: number }) => [
        a.account.split(':')[0],
        a.type,
        a.normalSide,
        a.debitFen,
        a.creditFen,
      ]),
    ).toEqual([
      ['channel_receivable', 'asset', 'debit', 777, 0],
      ['fee_income', 'income', 'credit', 0, 3], // 7.77 × 0.38% = 0.0295 → 0.03
      ['merchant_payable', 'liability', 'credit', 0, 774],
    ]);
  });

  it('stores each tenant in its own partition (a later tenant in DEFAULT)', async () => {
    const rows = await svc.schema.adminQuery(`select distinct tenant_id, tableoid::regclass::text as part from journal_entries order by tenant_id`);
    expect(rows).toEqual([
      { tenant_id: A, part: `journal_entries_${A}` },
      { tenant_id: B, part: `journal_entries_${B}` },
      { tenant_id: C, part: `journal_entries_${C}` },
      { tenant_id: LATE, part: 'journal_entries_default' },
    ]);
  });

  it('never shows one tenant another tenant’s entries, balances or accounts', async () => {
    const mB = randomUUID();
    const eB = payment(B, { merchantId: mB, amountFen: 5_000 });
    await postPayment(eB);
    expect((await entries(testActors.county(B), { orderId: eB.data.orderId })).data).toHaveLength(1);
    expect((await entries(testActors.county(A), { orderId: eB.data.orderId })).data).toEqual([]);
    expect((await entries(testActors.province(A), { orderId: eB.data.orderId })).data).toEqual([]);
    const balance = await get(`/ledger/merchants/${mB}/balance`, testActors.county(A));
    expect(balance.status).toBe(404);
    expect(balance.body.error).toMatchObject({ code: 'not_found' });
    const all = await entries(testActors.county(A), { limit: 100 });
    expect(all.data.every((x) => x.merchantId !== mB)).toBe(true);
    const tb = (await get('/ledger/trial-balance', testActors.county(A))).body;
    expect(tb.accounts.some((a: { account: string }) => a.account === `merchant_payable:${mB}`)).toBe(false);
    // a query without a tenant sees nothing (fail closed)
    expect(await ds.query('select * from journal_entries')).toEqual([]);
    // the app role cannot bypass the parent's policy by reading a partition directly
    await expect(inTenantTransaction(ds, A, (em) => em.query(`select * from journal_entries_${B}`))).rejects.toThrow(/permission denied/);
    // nor write another tenant's entry
    await expect(
      inTenantTransaction(ds, A, (em) =>
        em.query(`insert into account_balances (tenant_id, account, account_type, normal_side) values ($1, 'fee_income', 'income', 'credit')`, [B]),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('shows a partner app only its own payments and the merchants it has taken payments for', async () => {
    const m = randomUUID();
    const e = payment(A, { merchantId: m, amountFen: 1_000, partnerAppId: APP1 });
    await postPayment(e);
    expect((await entries(testActors.app(A, { appId: APP1 }), { orderId: e.data.orderId })).data).toHaveLength(1);
    expect((await entries(testActors.app(A, { appId: APP2 }), { orderId: e.data.orderId })).data).toEqual([]);
    const own = await get(`/ledger/merchants/${m}/balance`, testActors.app(A, { appId: APP1 }));
    expect(own.body.payableFen).toBe(996); // 10.00 − 0.04 (3.8 fen → 4)
    const other = await get(`/ledger/merchants/${m}/balance`, testActors.app(A, { appId: APP2 }));
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'not_found' });
    // the same app id under another tenant sees nothing of this one
    expect((await entries(testActors.app(B, { appId: APP1 }), { orderId: e.data.orderId })).data).toEqual([]);
  });

  it('admits the actors each route declares: apps need merchants:read, the trial balance is for operators, the province names its county', async () => {
    const m = randomUUID();
    await postPayment(payment(A, { merchantId: m, amountFen: 1_000, partnerAppId: APP1 }));
    const noScope = testActors.app(A, { appId: APP1, scopes: ['qr:pay'] });
    for (const path of ['/ledger/entries', `/ledger/merchants/${m}/balance`]) {
      const r = await get(path, noScope);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'missing_scope', param: 'merchants:read' });
    }
    const appOnTrialBalance = await get('/ledger/trial-balance', testActors.app(A, { appId: APP1 }));
    expect(appOnTrialBalance.status).toBe(403);
    expect(appOnTrialBalance.body.error).toMatchObject({ code: 'forbidden_actor' });
    const anonymous = await svc.call('GET', '/ledger/entries');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ code: 'invalid_service_assertion' });
    const provinceWithoutCounty = await get('/ledger/trial-balance', testActors.province());
    expect(provinceWithoutCounty.status).toBe(400);
    expect(provinceWithoutCounty.body.error).toMatchObject({ code: 'invalid_tenant' });
    // a malformed merchant id names no merchant: 404, like an unknown one
    const malformed = await get('/ledger/merchants/not-a-uuid/balance', testActors.county(A));
    expect(malformed.status).toBe(404);
    expect(malformed.body.error).toMatchObject({ code: 'not_found' });
  });

  it('is append-only: postings and entries cannot be updated or deleted, not even by the owner', async () => {
    await expect(inTenantTransaction(ds, A, (em) => em.query(`update postings set amount_fen = 1`))).rejects.toThrow(/permission denied/);
    await expect(inTenantTransaction(ds, A, (em) => em.query(`delete from journal_entries`))).rejects.toThrow(/permission denied/);
    await expect(svc.schema.admin((c) => c.query(`update postings set amount_fen = amount_fen + 1 where tenant_id = $1`, [A]))).rejects.toThrow(/append-only/);
    await expect(svc.schema.admin((c) => c.query(`delete from postings where tenant_id = $1`, [A]))).rejects.toThrow(/append-only/);
  });

  it("refuses a posting without its own tenant's journal entry or without its account (per-partition keys), in a county partition and in DEFAULT", async () => {
    const posted = await postPayment(payment(A, { merchantId: randomUUID(), amountFen: 10_000 }));
    const late = await postPayment(payment(LATE, { merchantId: randomUUID(), amountFen: 10_000 }));
    const other = await postPayment(payment(B, { merchantId: randomUUID(), amountFen: 10_000 }));
    expect(posted && late && other).toBeTruthy();
    /** one posting line as the app role, in its own transaction, rolled back if it was accepted */
    const accepted = new Error('accepted (rolled back)');
    const insert = (tenantId: string, entryId: string, account: string): Promise<unknown> =>
      inTenantTransaction(ds, tenantId, async (em) => {
        await em.query(`insert into postings (tenant_id, entry_id, line_no, account, direction, amount_fen) values ($1, $2, 9, $3, 'credit', 1)`, [
          tenantId,
          entryId,
          account,
        ]);
        throw accepted;
      });
    // no such entry: in a county's partition, in DEFAULT
    await expect(insert(A, randomUUID(), 'fee_income')).rejects.toThrow(`postings_${A}_entry_fkey`);
    await expect(insert(LATE, randomUUID(), 'fee_income')).rejects.toThrow('postings_default_entry_fkey');
    // another tenant's entry (B's, or DEFAULT's) named in A, and A's named in DEFAULT
    await expect(insert(A, other!.entryId, 'fee_income')).rejects.toThrow(`postings_${A}_entry_fkey`);
    await expect(insert(A, late!.entryId, 'fee_income')).rejects.toThrow(`postings_${A}_entry_fkey`);
    await expect(insert(LATE, posted!.entryId, 'fee_income')).rejects.toThrow('postings_default_entry_fkey');
    // an account without its balance row
    await expect(insert(A, posted!.entryId, `merchant_payable:${randomUUID()}`)).rejects.toThrow('postings_tenant_id_account_fkey');
    // the entry and account of the same tenant: accepted (the keys are what refused above)
    await expect(insert(A, posted!.entryId, 'fee_income')).rejects.toBe(accepted);
    await expect(insert(LATE, late!.entryId, 'fee_income')).rejects.toBe(accepted);

    // every postings partition — DEFAULT and a county added later included — has its key to the same tenant's journal partition
    const unkeyed = `select c.relname from pg_inherits i
                       join pg_class p on p.oid = i.inhparent and p.relname = 'postings' and p.relnamespace = current_schema()::regnamespace
                       join pg_class c on c.oid = i.inhrelid
                      where not exists (select 1 from pg_constraint k join pg_class j on j.oid = k.confrelid
                                         where k.conrelid = c.oid and k.contype = 'f' and j.relname = 'journal_entries_' || substr(c.relname, 10)
                                           and pg_get_expr(j.relpartbound, j.oid) = pg_get_expr(c.relpartbound, c.oid))`;
    expect((await svc.schema.admin((c) => c.query(unkeyed))).rows).toEqual([]);
    const added = 't519998';
    await svc.schema.admin(async (c) => {
      for (const sql of tenantPartitionSql(added)) await c.query(sql);
    });
    expect((await svc.schema.admin((c) => c.query(unkeyed))).rows).toEqual([]);
    // the parent key to the partitioned journal is gone (its check is what cost ≈ 180 buffers per insert)
    const parentKeys = await svc.schema.admin((c) =>
      c.query(`select conname from pg_constraint where conrelid = 'postings'::regclass and contype = 'f' order by conname`),
    );
    expect(parentKeys.rows.map((r: { conname: string }) => r.conname)).toEqual(['postings_tenant_id_account_fkey']);
  });

  it('pages entries newest first with an opaque cursor, and refuses a cursor it did not return', async () => {
    const m = randomUUID();
    const orderId = randomUUID();
    await postPayment(payment(A, { merchantId: m, amountFen: 20_000, orderId }));
    await postRefund(refund(A, { merchantId: m, orderId, amountFen: 100 }));
    await postRefund(refund(A, { merchantId: m, orderId, amountFen: 200 }));
    const county = testActors.county(A);
    const p1 = await entries(county, { orderId, limit: 2 });
    expect(p1.data.map((x) => x.amountFen)).toEqual([200, 100]);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await entries(county, { orderId, limit: 2, cursor: p1.nextCursor! });
    expect(p2.data.map((x) => x.amountFen)).toEqual([20_000]);
    expect(p2.nextCursor).toBeNull();
    for (const cursor of ['bm9wZQ', Buffer.from('s:1000').toString('base64url'), Buffer.from(JSON.stringify(['qr-orders', '1000'])).toString('base64url')]) {
      const bad = await get(`/ledger/entries?cursor=${cursor}`, county);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    }
    for (const limit of [0, 101]) expect((await get(`/ledger/entries?limit=${limit}`, county)).status).toBe(400);
  });

  it('stays isolated and append-only even if the app role is granted everything again (bootstrap re-grants on every migrate)', async () => {
    await svc.schema.grantAll();
    // a partition read directly has its own tenant policy
    expect(await inTenantTransaction(ds, A, (em) => em.query(`select id from journal_entries_${B}`))).toEqual([]);
    expect((await inTenantTransaction(ds, B, (em) => em.query(`select id from journal_entries_${B}`))).length).toBeGreaterThan(0);
    // and the trigger refuses to rewrite history
    await expect(inTenantTransaction(ds, A, (em) => em.query(`update postings set amount_fen = 1`))).rejects.toThrow(/append-only/);
    await expect(inTenantTransaction(ds, A, (em) => em.query(`delete from postings_${A}`))).rejects.toThrow(/append-only/);
  });
});

/**
 * Regression: `GET /v1/ledger/entries` selected `seq::text as seq … order by seq desc`, so the
 * ORDER BY sorted the text alias and pages repeated and skipped entries once a tenant's sequence
 * crossed 999→1000 and 9999→10000. The journal's sequence is set just below each boundary before
 * entries are posted through the real posting path; > 10,000 entries of one tenant are bulk-inserted
 * (balanced, as the posting rules would) around them, with another tenant's entries interleaved.
 */
describe('ledger entries paging across 999→1000 and 9999→10000 (> 10,000 entries in one tenant)', () => {
  let svc: TestService;
  let ledger: LedgerService;
  const mA = randomUUID();
  const mB = randomUUID();
  /** every entry's sequence number, by id, as the database has them */
  let seqOf: Map<string, bigint>;
  let idsOf: (where: string) => Promise<string[]>;

  const post = (e: EventEnvelope<PaymentSucceededData>): Promise<PostedEntry | undefined> =>
    inTenantTransaction(svc.ds, e.tenantId, (em) => ledger.onPaymentSucceeded(e, em));
  /** payments through the posting path, one after another so their sequence numbers follow the order */
  const postAround = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const tenant = i % 5 === 4 ? B : A;
      const app = tenant === B ? APP1 : i % 3 === 0 ? APP2 : APP1;
      expect(await post(payment(tenant, { merchantId: tenant === A ? mA : mB, amountFen: 1_000 + i, partnerAppId: app }))).toBeDefined();
    }
  };
  const setSeq = (value: number) => svc.schema.adminQuery(`select setval(pg_get_serial_sequence('journal_entries', 'seq'), $1)`, [value]);
  /**
   * `n` payment entries as the posting rules write a fee-free one (Dr channel receivable, Cr merchant payable),
   * with their postings and the balances moved by them, in one statement as admin. Every 50th is tenant B's;
   * of tenant A's, every 20th is APP1's and the next APP2's.
   */
  const bulkInsert = (n: number) =>
    svc.schema.adminQuery(
      `with e as (
         insert into journal_entries (id, tenant_id, source_event_id, source_type, source_ref, order_id, merchant_id, partner_app_id, product, channel,
                                      amount_fen, fee_fen, occurred_at, posted_at)
         select x.id, x.tenant_id, gen_random_uuid(), 'payment.succeeded', x.id::text, x.id, x.merchant_id, x.app, 'qr', 'wechat', x.amount, 0, now(), now()
           from (select gen_random_uuid() as id,
                        case when g % 50 = 0 then $2 else $1 end as tenant_id,
                        case when g % 50 = 0 then $4::uuid else $3::uuid end as merchant_id,
                        case when g % 50 = 0 then null when g % 20 = 1 then $5 when g % 20 = 2 then $6 end as app,
                        100 + g % 900 as amount
                   from generate_series(1, $7::int) g) x
         returning tenant_id, id, merchant_id, amount_fen
       ), lines as (
         insert into postings (tenant_id, entry_id, line_no, account, direction, amount_fen)
         select e.tenant_id, e.id, l.line_no, l.account, l.direction, e.amount_fen
           from e cross join lateral (values (1::smallint, 'channel_receivable:wechat', 'debit'), (2::smallint, 'merchant_payable:' || e.merchant_id, 'credit')) as l(line_no, account, direction)
         returning tenant_id, account, direction, amount_fen
       )
       update account_balances b
          set debits_fen = b.debits_fen + t.debits, credits_fen = b.credits_fen + t.credits, posting_count = b.posting_count + t.n, updated_at = now()
         from (select tenant_id, account, coalesce(sum(amount_fen) filter (where direction = 'debit'), 0) as debits,
                      coalesce(sum(amount_fen) filter (where direction = 'credit'), 0) as credits, count(*) as n
                 from lines group by tenant_id, account) t
        where b.tenant_id = t.tenant_id and b.account = t.account`,
      [A, B, mA, mB, APP1, APP2, n],
    );

  const walk = (actor: Actor, expectedIds: string[], limit?: number) =>
    assertKeysetPaging<LedgerEntry>({
      async fetchPage(cursor) {
        const qs = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) }).toString();
        const r = await svc.call('GET', `/ledger/entries${qs ? `?${qs}` : ''}`, { actor });
        if (r.status !== 200) throw new Error(`GET /ledger/entries?${qs} answered ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
      },
      id: (e) => e.id,
      // newest first: the higher sequence number comes first
      compare: (a, b) => {
        const sa = seqOf.get(a.id) ?? -1n;
        const sb = seqOf.get(b.id) ?? -1n;
        return sa > sb ? -1 : sa < sb ? 1 : 0;
      },
      expectedIds,
    });

  beforeAll(async () => {
    svc = await startLedger();
    ledger = svc.app.get(LedgerService);
    await setSeq(995);
    await postAround(30); // 996 … 1025: both tenants, both apps, across 999 → 1000
    await bulkInsert(8_900); // up to 9925
    await setSeq(9_995);
    await postAround(30); // 9996 … 10025, across 9999 → 10000
    await bulkInsert(2_000); // 10026 … 12025
    const rows = await svc.schema.adminQuery<{ id: string; seq: string }>(`select id::text as id, seq::text as seq from journal_entries`);
    seqOf = new Map(rows.map((r) => [r.id, BigInt(r.seq)]));
    idsOf = async (where) => (await svc.schema.adminQuery<{ id: string }>(`select id::text as id from journal_entries where ${where}`)).map((r) => r.id);
  });

  afterAll(() => svc?.close());

  it('set up what it claims: > 10,000 entries in one tenant, sequences across both boundaries in each list walked', async () => {
    const [counts] = await svc.schema.adminQuery<{ a: string; b: string; app1: string; low: string; high: string }>(
      `select count(*) filter (where tenant_id = $1) as a, count(*) filter (where tenant_id = $2) as b,
              count(*) filter (where tenant_id = $1 and partner_app_id = $3) as app1,
              count(*) filter (where tenant_id = $1 and partner_app_id = $3 and seq between 996 and 1025) as low,
              count(*) filter (where tenant_id = $1 and partner_app_id = $3 and seq between 9996 and 10025) as high
         from journal_entries`,
      [A, B, APP1],
    );
    expect(Number(counts.a)).toBeGreaterThan(10_000);
    expect(Number(counts.b)).toBeGreaterThan(200);
    expect(Number(counts.app1)).toBeGreaterThan(500);
    expect(Number(counts.low)).toBeGreaterThan(10);
    expect(Number(counts.high)).toBeGreaterThan(10);
    const seqs = [...seqOf.values()];
    for (const boundary of [999n, 1000n, 9999n, 10000n]) expect(seqs).toContain(boundary);
  });

  it("walks a county operator through every entry of its tenant, pages of 100: strictly newest first, disjoint, complete, none of another tenant's", async () => {
    const expected = await idsOf(`tenant_id = '${A}'`);
    const { pages, items } = await walk(testActors.county(A), expected, 100);
    expect(items).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 100));
  });

  it('walks a partner app through its own entries only, at the default page size and by 100', async () => {
    const expected = await idsOf(`tenant_id = '${A}' and partner_app_id = '${APP1}'`);
    const byDefault = await walk(testActors.app(A, { appId: APP1 }), expected);
    expect(byDefault.pages).toBe(Math.ceil(expected.length / 20));
    await walk(testActors.app(A, { appId: APP1 }), expected, 100);
  });

  it('walks the province through the other tenant: only its entries, across both boundaries', async () => {
    const expected = await idsOf(`tenant_id = '${B}'`);
    await walk(testActors.province(B), expected, 100);
  });

  it('keeps the ledger balanced with all of them posted', async () => {
    for (const t of [A, B]) {
      const r = await svc.call('GET', '/ledger/trial-balance', { actor: testActors.county(t) });
      expect(r.status).toBe(200);
      expect(r.body.balanced).toBe(true);
      const sums = await inTenantTransaction(svc.ds, t, (em) => new LedgerRepository().sumPostings(em, t));
      const balances = await inTenantTransaction(svc.ds, t, (em) => new LedgerRepository().findBalances(em));
      expect(balances.map((b) => ({ account: b.account, debitsFen: b.debitsFen, creditsFen: b.creditsFen, postingCount: b.postingCount }))).toEqual(sums);
    }
  });
});
