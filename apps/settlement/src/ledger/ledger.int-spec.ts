import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  ApiError,
  defaultTenantConfig,
  type EventEnvelope,
  type PaymentChannel,
  type PaymentSucceededData,
  type RefundData,
  type TenantUpdatedData,
} from '@countypay/contracts';
import type { OutboxRelay } from '@countypay/messaging';
import { createLogger, createMetrics } from '@countypay/observability';
import { createServiceDataSource, inTenantTransaction } from '@countypay/persistence';
import { createTestSchema, type TestSchema } from '@countypay/testing';
import { migrations } from '../data-source';
import { TenantConfigRepository } from '../tenant-config/tenant-config.repository';
import { TenantConfigService } from '../tenant-config/tenant-config.service';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerRepository } from './ledger.repository';
import { LedgerService, type PostedEntry } from './ledger.service';

const A = 't510121'; // Jintang (a county partition)
const B = 't511381'; // another county
const LATE = 't519999'; // a tenant added after the migration: DEFAULT partition

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

describe('settlement ledger (real PostgreSQL, partitioned tables, non-owner role)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let ledger: LedgerService;
  let tenants: TenantConfigService;
  const repo = new LedgerRepository();

  const postPayment = (e: EventEnvelope<PaymentSucceededData>): Promise<PostedEntry | undefined> =>
    inTenantTransaction(ds, e.tenantId, (em) => ledger.onPaymentSucceeded(e, em));
  const postRefund = (e: EventEnvelope<RefundData>): Promise<PostedEntry | undefined> =>
    inTenantTransaction(ds, e.tenantId, (em) => ledger.onRefundSucceeded(e, em));
  const count = async (tenantId: string, sql: string): Promise<number> =>
    inTenantTransaction(ds, tenantId, async (em) => Number(((await em.query(sql)) as Array<{ n: string }>)[0].n));

  beforeAll(async () => {
    db = await createTestSchema('settlement', []);
    const admin = createServiceDataSource({ url: db.adminUrl, schema: db.schema, migrations, applicationName: 'it-settlement-migrate', poolSize: 1 });
    await admin.initialize();
    try {
      await admin.runMigrations({ transaction: 'each' });
    } finally {
      await admin.destroy();
    }
    ds = await db.appDataSource();
    const relay = { wake: () => undefined } as unknown as OutboxRelay;
    tenants = new TenantConfigService(new TenantConfigRepository());
    ledger = new LedgerService(ds, relay, repo, tenants, new LedgerMetrics(createMetrics('settlement-it')), createLogger({ serviceName: 'settlement-it', level: 'silent' }));
  });

  afterAll(() => db.drop());

  it('posts a 100.00 yuan WeChat payment at the default 38 bp: receivable 100.00, merchant 99.62, fee 0.38, and a settlement.posted event', async () => {
    const m = randomUUID();
    const e = payment(A, { merchantId: m, amountFen: 10_000 });
    const posted = await postPayment(e);
    expect(posted).toBeDefined();

    const page = await ledger.entries(A, { orderId: e.data.orderId });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ id: posted!.entryId, sourceEventId: e.id, sourceType: 'payment.succeeded', amountFen: 10_000, feeFen: 38, feeRateBp: 38 });
    expect(page.data[0].postings).toEqual([
      { line: 1, account: 'channel_receivable:wechat', direction: 'debit', amountFen: 10_000 },
      { line: 2, account: `merchant_payable:${m}`, direction: 'credit', amountFen: 9_962 },
      { line: 3, account: 'fee_income', direction: 'credit', amountFen: 38 },
    ]);
    expect(await ledger.merchantBalance(A, m)).toMatchObject({ merchantId: m, payableFen: 9_962, currency: 'CNY' });

    const outbox: Array<{ topic: string; message_key: string; payload: { type: string; tenantId: string; data: Record<string, unknown> } }> = await inTenantTransaction(ds, A, (em) =>
      em.query(`select topic, message_key, payload from outbox where payload->'data'->>'sourceEventId' = $1`, [e.id]),
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0].topic).toBe('countypay.settlement.posted.v1');
    expect(outbox[0].message_key).toBe(m);
    expect(outbox[0].payload.tenantId).toBe(A);
    expect(outbox[0].payload.data).toMatchObject({ entryId: posted!.entryId, sourceType: 'payment.succeeded', orderId: e.data.orderId, merchantId: m, amountFen: 10_000, feeFen: 38 });
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
    expect((await ledger.merchantBalance(A, m)).payableFen).toBe(25_000 - 95); // 250.00 × 0.38% = 0.95
  });

  it('a 30.00 refund of a 100.00 payment leaves the merchant 69.62 (the 0.38 fee is not returned) and the channel owes 70.00', async () => {
    const m = randomUUID();
    const p = payment(A, { merchantId: m, amountFen: 10_000, channel: 'alipay' });
    await postPayment(p);
    const r = refund(A, { merchantId: m, orderId: p.data.orderId, amountFen: 3_000, channel: 'alipay' });
    expect(await postRefund(r)).toBeDefined();
    expect(await postRefund(r)).toBeUndefined();
    expect((await ledger.merchantBalance(A, m)).payableFen).toBe(6_962);
    const channel = await inTenantTransaction(ds, A, (em) => repo.findBalance(em, 'channel_receivable:alipay'));
    expect(channel).toMatchObject({ debitsFen: 10_000n, creditsFen: 3_000n, balanceFen: 7_000n, postingCount: 2 });
    const entries = await ledger.entries(A, { orderId: p.data.orderId });
    expect(entries.data.map((x) => x.sourceType)).toEqual(['refund.succeeded', 'payment.succeeded']);
    expect(entries.data[0].postings).toEqual([
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
    await inTenantTransaction(ds, B, (em) => tenants.onTenantUpdated(updated(3, 100), em));
    await inTenantTransaction(ds, B, (em) => tenants.onTenantUpdated(updated(2, 5), em)); // older: ignored
    await postPayment(payment(B, { merchantId: m, amountFen: 10_000, channel: 'unionpay' }));
    expect((await ledger.merchantBalance(B, m)).payableFen).toBe(9_900); // 1% of 100.00
    // county_bank keeps its exact-channel rule (20 bp), which beats the updated '*' rule
    await postPayment(payment(B, { merchantId: m, amountFen: 10_000, channel: 'county_bank' }));
    expect((await ledger.merchantBalance(B, m)).payableFen).toBe(9_900 + 9_980);
  });

  it('keeps balances equal under concurrent postings to the same accounts (atomic upserts, no lost update)', async () => {
    const m = randomUUID();
    const events = Array.from({ length: 24 }, (_, i) => payment(A, { merchantId: m, amountFen: 1_000 + i }));
    await Promise.all(events.map((e) => postPayment(e)));
    const expected = events.reduce((s, e) => s + e.data.amountFen - Math.floor((e.data.amountFen * 38 + 5_000) / 10_000), 0);
    expect((await ledger.merchantBalance(A, m)).payableFen).toBe(expected);
  });

  it('keeps every account balance equal to the sum of its postings, in every tenant', async () => {
    await postPayment(payment(LATE, { merchantId: randomUUID(), amountFen: 777 }));
    for (const t of [A, B, LATE]) {
      const { balances, sums } = await inTenantTransaction(ds, t, async (em) => ({ balances: await repo.findBalances(em), sums: await repo.sumPostings(em) }));
      expect(balances.length).toBeGreaterThan(0);
      expect(balances.map((b) => ({ account: b.account, debitsFen: b.debitsFen, creditsFen: b.creditsFen, postingCount: b.postingCount }))).toEqual(sums);
      for (const b of balances) expect(b.balanceFen).toBe(b.normalSide === 'debit' ? b.debitsFen - b.creditsFen : b.creditsFen - b.debitsFen);
    }
  });

  it('has a balanced trial balance per tenant', async () => {
    for (const t of [A, B, LATE]) {
      const tb = await ledger.trialBalance(t);
      expect(tb.balanced).toBe(true);
      expect(tb.debitsFen).toBe(tb.creditsFen);
      expect(tb.debitsFen).toBeGreaterThan(0);
      const sums = await inTenantTransaction(ds, t, (em) => repo.sumPostings(em));
      const posted = sums.reduce((s, x) => ({ d: s.d + x.debitsFen, c: s.c + x.creditsFen }), { d: 0n, c: 0n });
      expect(posted.d).toBe(posted.c);
    }
    const late = await ledger.trialBalance(LATE);
    expect(late.accounts.map((a) => [a.account.split(':')[0], a.debitFen, a.creditFen])).toEqual([
      ['channel_receivable', 777, 0],
      ['fee_income', 0, 3], // 7.77 × 0.38% = 0.0295 → 0.03
      ['merchant_payable', 0, 774],
    ]);
  });

  it('stores each tenant in its own partition (a later tenant in DEFAULT)', async () => {
    const rows = await db.admin(async (c) => (await c.query(`select distinct tenant_id, tableoid::regclass::text as part from journal_entries order by tenant_id`)).rows);
    expect(rows).toEqual([
      { tenant_id: A, part: `journal_entries_${A}` },
      { tenant_id: B, part: `journal_entries_${B}` },
      { tenant_id: LATE, part: 'journal_entries_default' },
    ]);
  });

  it('never shows one tenant another tenant’s entries, balances or accounts', async () => {
    const mB = randomUUID();
    const eB = payment(B, { merchantId: mB, amountFen: 5_000 });
    await postPayment(eB);
    expect((await ledger.entries(B, { orderId: eB.data.orderId })).data).toHaveLength(1);
    expect((await ledger.entries(A, { orderId: eB.data.orderId })).data).toEqual([]);
    await expect(ledger.merchantBalance(A, mB)).rejects.toMatchObject({ code: 'not_found' });
    await expect(ledger.merchantBalance(A, mB)).rejects.toBeInstanceOf(ApiError);
    const all = await ledger.entries(A, { limit: 100 });
    expect(all.data.every((x) => x.merchantId !== mB)).toBe(true);
    expect((await ledger.trialBalance(A)).accounts.some((a) => a.account === `merchant_payable:${mB}`)).toBe(false);
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
    const app1 = `app_${'a1'.repeat(10)}`;
    const app2 = `app_${'b2'.repeat(10)}`;
    const e = payment(A, { merchantId: m, amountFen: 1_000, partnerAppId: app1 });
    await postPayment(e);
    expect((await ledger.entries(A, { orderId: e.data.orderId }, { partnerAppId: app1 })).data).toHaveLength(1);
    expect((await ledger.entries(A, { orderId: e.data.orderId }, { partnerAppId: app2 })).data).toEqual([]);
    expect((await ledger.merchantBalance(A, m, { partnerAppId: app1 })).payableFen).toBe(996); // 10.00 − 0.04 (3.8 fen → 4)
    await expect(ledger.merchantBalance(A, m, { partnerAppId: app2 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('is append-only: postings and entries cannot be updated or deleted, not even by the owner', async () => {
    await expect(inTenantTransaction(ds, A, (em) => em.query(`update postings set amount_fen = 1`))).rejects.toThrow(/permission denied/);
    await expect(inTenantTransaction(ds, A, (em) => em.query(`delete from journal_entries`))).rejects.toThrow(/permission denied/);
    await expect(db.admin((c) => c.query(`update postings set amount_fen = amount_fen + 1 where tenant_id = $1`, [A]))).rejects.toThrow(/append-only/);
    await expect(db.admin((c) => c.query(`delete from postings where tenant_id = $1`, [A]))).rejects.toThrow(/append-only/);
  });

  it('stays isolated and append-only even if the app role is granted everything again (bootstrap re-grants on every migrate)', async () => {
    const role = `cp_${db.schema}_app`;
    await db.admin((c) => c.query(`grant select, insert, update, delete on all tables in schema ${db.schema} to ${role}`));
    // a partition read directly has its own tenant policy
    expect(await inTenantTransaction(ds, A, (em) => em.query(`select id from journal_entries_${B}`))).toEqual([]);
    expect((await inTenantTransaction(ds, B, (em) => em.query(`select id from journal_entries_${B}`))).length).toBeGreaterThan(0);
    // and the trigger refuses to rewrite history
    await expect(inTenantTransaction(ds, A, (em) => em.query(`update postings set amount_fen = 1`))).rejects.toThrow(/append-only/);
    await expect(inTenantTransaction(ds, A, (em) => em.query(`delete from postings_${A}`))).rejects.toThrow(/append-only/);
  });

  it('pages entries newest first with an opaque cursor', async () => {
    const m = randomUUID();
    const orderId = randomUUID();
    await postPayment(payment(A, { merchantId: m, amountFen: 20_000, orderId }));
    await postRefund(refund(A, { merchantId: m, orderId, amountFen: 100 }));
    await postRefund(refund(A, { merchantId: m, orderId, amountFen: 200 }));
    const p1 = await ledger.entries(A, { orderId, limit: 2 });
    expect(p1.data.map((x) => x.amountFen)).toEqual([200, 100]);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await ledger.entries(A, { orderId, limit: 2, cursor: p1.nextCursor! });
    expect(p2.data.map((x) => x.amountFen)).toEqual([20_000]);
    expect(p2.nextCursor).toBeNull();
    await expect(ledger.entries(A, { cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'invalid_request', param: 'cursor' });
  });
});
