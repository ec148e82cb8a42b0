import { randomUUID } from 'node:crypto';
import { ServiceUrlsConfig } from '@countypay/config';
import { defaultTenantConfig, type EventEnvelope, type PaymentSucceededData, type TenantConfig, type TenantUpdatedData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { SettlementReadModelModule } from '../read-model';
import { generateFieldKey } from '@countypay/security';
import type { Actor } from '@countypay/service-kit';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { actorHeaders } from '@countypay/service-kit';
import { startTestService, testActors, testAssertion, type CallResult, type TestService } from '@countypay/testing';
import { SettlementConfig } from '../config/settlement.config';
import { migrations } from '../data-source';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import type { SettlementBatchDetail } from '../settlement-batches/dto/settlement-batches.dto';
import { SettlementBatchesModule } from '../settlement-batches/settlement-batches.module';
import { seedMerchants } from '../testing/merchants';
import { FakeCoreBanking } from '../testing/fake-core-banking';
import type { DailyReport } from '../reports/dto/reports.dto';
import { ReportsModule } from '../reports/reports.module';
import type { SettlementPayout } from './dto/payouts.dto';
import { PayoutsModule } from './payouts.module';

const A = 't510121';
const OTHER = 't511381';
const TIMEOUTS = 't510131';
const NOON_20TH = Date.parse('2026-11-20T04:00:00.000Z');
const OP1 = testActors.county(A, 'op-li');
const OP2 = testActors.county(A, 'op-wang');

function envelope<T extends object>(tenantId: string, type: string, data: T, occurredAt: number): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, tenantId, occurredAt: new Date(occurredAt).toISOString(), data };
}

function payment(tenantId: string, merchantId: string, amountFen: number, at = NOON_20TH, partnerAppId?: string): EventEnvelope<PaymentSucceededData> {
  return envelope(
    tenantId,
    'payment.succeeded',
    {
      orderId: randomUUID(),
      outTradeNo: `T${randomUUID().slice(0, 8)}`,
      merchantId,
      product: 'qr',
      channel: 'county_bank',
      amountFen,
      currency: 'CNY',
      channelTradeNo: `C${randomUUID().slice(0, 8)}`,
      paidAt: new Date(at).toISOString(),
      ...(partnerAppId ? { partnerAppId } : {}),
    },
    at,
  );
}

/** 6 to 19 digits, unique per run */
const accountNo = (): string => `62${String(Date.now()).slice(-8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

describe('settlement payouts through the county core banking (real PostgreSQL; the bank over HTTP, as the sandbox contract says)', () => {
  let bankServer: FakeCoreBanking;
  let svc: TestService;
  let ledger: LedgerService;
  const ledgerRepo = new LedgerRepository();

  const call = (method: string, path: string, actor: Actor, body?: unknown): Promise<CallResult> => svc.call(method, path, { actor, body });
  const ok = async <T>(r: Promise<CallResult>, status = 200): Promise<T> => {
    const res = await r;
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as T;
  };
  const configure = (tenantId: string, patch: Partial<TenantConfig>): Promise<void> => {
    const config = Object.assign(defaultTenantConfig(), patch);
    const e = envelope<TenantUpdatedData>(
      tenantId,
      'onboarding.tenant-updated',
      { tenantId, name: tenantId, status: 'active', config, version: 1 },
      Date.now(),
    );
    return inTenantTransaction(svc.ds, tenantId, (em) => svc.app.get(OnboardingReadModel).handleTenantUpdated(e, em));
  };
  const post = (events: Array<EventEnvelope<PaymentSucceededData>>): Promise<void> =>
    inTenantTransaction(svc.ds, events[0]!.tenantId, async (em) => {
      for (const e of events) await ledger.onPaymentSucceeded(e, em);
    });
  /** a merchant with an account at the county bank (holder name as given) and its payout account on the platform (name as given) */
  const merchant = async (tenantId: string, holderName: string, platformName = holderName): Promise<{ id: string; accountNo: string }> => {
    const m = { id: randomUUID(), accountNo: accountNo() };
    bankServer.openAccount(tenantId, m.accountNo, holderName);
    await seedMerchants(svc.ds, svc.app.get(OnboardingReadModel), tenantId, [m.id]);
    await ok(call('POST', `/settlement/merchants/${m.id}/payout-account`, testActors.county(tenantId), { accountNo: m.accountNo, accountName: platformName }));
    return m;
  };
  const balanceAtBank = (tenantId: string, no: string): number => bankServer.balance(tenantId, no);
  const payable = (tenantId: string, merchantId: string): Promise<bigint> =>
    inTenantTransaction(svc.ds, tenantId, async (em) => (await ledgerRepo.findBalance(em, `merchant_payable:${merchantId}`))?.balanceFen ?? 0n);
  const payouts = async (tenantId: string, batchId: string): Promise<SettlementPayout[]> =>
    (await ok<{ data: SettlementPayout[] }>(call('GET', `/settlement/batches/${batchId}/payouts?limit=100`, testActors.county(tenantId)))).data;
  const payoutEvents = (tenantId: string): Promise<Array<{ topic: string; merchantId: string; status: string; failureReason?: string }>> =>
    inTenantTransaction(svc.ds, tenantId, async (em) =>
      (
        (await em.query(`select topic, payload->'data' as d from outbox where topic like 'countypay.payout.%' order by seq`)) as Array<{
          topic: string;
          d: { merchantId: string; status: string; failureReason?: string };
        }>
      ).map((r) => ({ topic: r.topic, merchantId: r.d.merchantId, status: r.d.status, ...(r.d.failureReason ? { failureReason: r.d.failureReason } : {}) })),
    );

  beforeAll(async () => {
    bankServer = await new FakeCoreBanking().start();
    const urls = Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': bankServer.url }) });
    const config = Object.assign(new SettlementConfig(), { COUNTYPAY_PII_KEY: generateFieldKey(), SETTLEMENT_PAYOUT_TIMEOUT_MS: 3_000 });
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule, SettlementBatchesModule, PayoutsModule, ReportsModule],
      grants: 'as-migrated',
      override: (b) => b.overrideProvider(ServiceUrlsConfig).useValue(urls).overrideProvider(SettlementConfig).useValue(config),
    });
    ledger = svc.app.get(LedgerService);
  });

  afterAll(async () => {
    await svc?.close();
    await bankServer?.stop();
  });

  it('pays a batch above the threshold only after two approvals; failures stay payable and visible; a lost answer is resolved by query; retries settle the batch', async () => {
    await configure(A, { cutoffTime: '00:00', settlementApprovalThresholdFen: 10_000 });
    const good = await merchant(A, '好运来超市');
    const renamed = await merchant(A, '金堂县好运来餐馆', '好运来餐馆'); // the platform has the wrong holder name
    const closed = await merchant(A, '东风五金店');
    const lostAnswer = await merchant(A, '春风茶馆');
    const held = await merchant(A, '可疑商户');
    bankServer.setClosed(A, closed.accountNo, true);
    bankServer.timeoutNext(A, lostAnswer.accountNo, 'after');
    await ok(call('POST', `/settlement/merchants/${held.id}/payout-hold`, OP1, { reason: '涉嫌套现' }), 201);
    await post([
      payment(A, good.id, 100_000, NOON_20TH, 'app_payoutpartner000001'),
      payment(A, renamed.id, 50_000),
      payment(A, closed.id, 30_000),
      payment(A, lostAnswer.id, 20_000),
      payment(A, held.id, 80_000),
    ]);
    // county_bank fee: 20 bp, no minimum → 200, 100, 60, 40
    const batch = await ok<SettlementBatchDetail>(call('POST', '/settlement/cutoffs', OP1, { businessDate: '2026-11-20' }));
    expect(batch).toMatchObject({ approvalsRequired: 2, tieOut: { payoutFen: 99_800 + 49_900 + 29_940 + 19_960, heldFen: 79_840, balanced: true } });

    await ok(call('POST', `/settlement/batches/${batch.id}/approvals`, OP1));
    const early = await call('POST', `/settlement/batches/${batch.id}/payouts`, OP1);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('invalid_state_transition');
    expect(await payouts(A, batch.id)).toEqual([]);
    await ok(call('POST', `/settlement/batches/${batch.id}/approvals`, OP2));

    const paid = await ok<SettlementBatchDetail>(call('POST', `/settlement/batches/${batch.id}/payouts`, OP2));
    expect(paid.status).toBe('partially_failed');
    expect(paid.history.map((h) => h.toStatus).slice(-2)).toEqual(['paying', 'partially_failed']);
    const first = new Map((await payouts(A, batch.id)).map((p) => [p.merchantId, p]));
    expect(first.size).toBe(4);
    expect(first.has(held.id)).toBe(false);
    expect(first.get(good.id)).toMatchObject({
      attempt: 1,
      status: 'succeeded',
      amountFen: 99_800,
      accountNoLast4: good.accountNo.slice(-4),
      ledgerEntryId: expect.any(String),
    });
    expect(first.get(lostAnswer.id)).toMatchObject({ status: 'succeeded', amountFen: 19_960 });
    expect(first.get(renamed.id)).toMatchObject({ status: 'failed', failureReason: 'name_mismatch', ledgerEntryId: null });
    expect(first.get(closed.id)).toMatchObject({ status: 'failed', failureReason: 'account_closed' });
    // the money moved once, even for the payout whose answer was lost
    expect(balanceAtBank(A, good.accountNo)).toBe(99_800);
    expect(balanceAtBank(A, lostAnswer.accountNo)).toBe(19_960);
    expect(balanceAtBank(A, renamed.accountNo)).toBe(0);
    // paid merchants owe nothing more; failed and held ones are still payable in the ledger
    expect(await payable(A, good.id)).toBe(0n);
    expect(await payable(A, lostAnswer.id)).toBe(0n);
    expect(await payable(A, renamed.id)).toBe(49_900n);
    expect(await payable(A, closed.id)).toBe(29_940n);
    expect(await payable(A, held.id)).toBe(79_840n);
    const tb = await ok<{ balanced: boolean; accounts: Array<{ account: string; creditFen: number }> }>(call('GET', '/ledger/trial-balance', OP1));
    expect(tb.balanced).toBe(true);
    expect(tb.accounts.find((a) => a.account === 'bank_clearing')).toMatchObject({ creditFen: 99_800 + 19_960 });
    expect((await payoutEvents(A)).sort((x, y) => (x.merchantId < y.merchantId ? -1 : 1))).toEqual(
      [
        { topic: 'countypay.payout.succeeded.v1', merchantId: good.id, status: 'succeeded' },
        { topic: 'countypay.payout.succeeded.v1', merchantId: lostAnswer.id, status: 'succeeded' },
        { topic: 'countypay.payout.failed.v1', merchantId: renamed.id, status: 'failed', failureReason: 'name_mismatch' },
        { topic: 'countypay.payout.failed.v1', merchantId: closed.id, status: 'failed', failureReason: 'account_closed' },
      ].sort((x, y) => (x.merchantId < y.merchantId ? -1 : 1)),
    );
    // the payout event names the partner app the merchant was paid through (the gateway's webhook recipient); none otherwise
    const apps = await inTenantTransaction(svc.ds, A, async (em) =>
      (
        (await em.query(
          `select payload->'data'->>'merchantId' as m, payload->'data'->>'partnerAppId' as app from outbox where topic like 'countypay.payout.%'`,
        )) as Array<{
          m: string;
          app: string | null;
        }>
      ).filter((r) => r.m === good.id || r.m === renamed.id),
    );
    expect(apps.map((r) => [r.m === good.id ? 'good' : 'renamed', r.app]).sort()).toEqual([
      ['good', 'app_payoutpartner000001'],
      ['renamed', null],
    ]);
    // once a payout is committed the batch cannot be aborted
    const abort = await call('POST', `/settlement/batches/${batch.id}/abort`, OP1, { reason: 'too late' });
    expect(abort.status).toBe(409);
    // another county sees none of it
    expect((await call('GET', `/settlement/batches/${batch.id}/payouts`, testActors.county(OTHER))).status).toBe(404);
    expect((await call('POST', `/settlement/batches/${batch.id}/payouts/retry`, testActors.county(OTHER))).status).toBe(404);

    // the operator fixes the name, the bank reopens the account: the retry pays both under new attempts, once
    await ok(call('POST', `/settlement/merchants/${renamed.id}/payout-account`, OP1, { accountNo: renamed.accountNo, accountName: '金堂县好运来餐馆' }));
    bankServer.setClosed(A, closed.accountNo, false);
    const retried = await ok<SettlementBatchDetail>(call('POST', `/settlement/batches/${batch.id}/payouts/retry`, OP1));
    expect(retried.status).toBe('settled');
    const all = await payouts(A, batch.id);
    expect(all).toHaveLength(6);
    expect(all.filter((p) => p.merchantId === renamed.id).map((p) => [p.attempt, p.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(balanceAtBank(A, renamed.accountNo)).toBe(49_900);
    expect(balanceAtBank(A, closed.accountNo)).toBe(29_940);
    expect(await payable(A, renamed.id)).toBe(0n);
    expect(await payable(A, closed.id)).toBe(0n);
    expect((await call('POST', `/settlement/batches/${batch.id}/payouts/retry`, OP1)).status).toBe(409);
    expect(balanceAtBank(A, good.accountNo)).toBe(99_800);
  });

  it("reports the settled day per product and channel, tying to the ledger's postings, as JSON, CSV and XLSX; another county gets 404", async () => {
    const r = await ok<DailyReport>(call('GET', '/settlement/reports/daily?businessDate=2026-11-20', OP1));
    // five county-bank QR payments: 100,000 + 50,000 + 30,000 + 20,000 + 80,000 fen, fees 200 + 100 + 60 + 40 + 160
    expect(r).toMatchObject({
      businessDate: '2026-11-20',
      batchStatus: 'settled',
      lines: [{ product: 'qr', channel: 'county_bank', paymentCount: 5, paymentsFen: 280_000, refundCount: 0, refundsFen: 0, feesFen: 560, netFen: 279_440 }],
      totals: { paymentCount: 5, paymentsFen: 280_000, feesFen: 560, netFen: 279_440 },
      merchantCount: 5,
      payoutPlannedFen: 199_600,
      paidOutFen: 199_600,
      payoutsFailed: 0,
      heldFen: 79_840,
      ledger: { feeIncomeFen: 560, merchantPayableFen: 279_440, paidOutFen: 199_600, ties: true },
    });
    // the tenant's whole ledger holds only this day: the trial balance says the same
    const tb = await ok<{ accounts: Array<{ account: string; debitFen: number; creditFen: number }> }>(call('GET', '/ledger/trial-balance', OP1));
    const account = (code: string) => tb.accounts.find((a) => a.account === code)!;
    expect(account('fee_income').creditFen).toBe(r.totals.feesFen);
    expect(account('channel_receivable:county_bank').debitFen).toBe(r.totals.paymentsFen - r.totals.refundsFen);
    expect(account('bank_clearing').creditFen).toBe(r.paidOutFen);

    const csv = await call('GET', '/settlement/reports/daily.csv?businessDate=2026-11-20', OP1);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(csv.body as string, { relaxColumnCount: true }) as string[][];
    expect(rows[0]![0]).toBe('产品 product');
    expect(rows[1]).toEqual(['qr', 'county_bank', '5', '2800.00', '0', '0.00', '5.60', '0.00', '0.00', '0.00', '2794.40']);
    expect(rows.find((x) => x[0]?.startsWith('已付款'))?.[1]).toBe('1996.00');

    const xlsx = await fetch(`${svc.base}/settlement/reports/daily.xlsx?businessDate=2026-11-20`, {
      headers: { ...actorHeaders(OP1), ...testAssertion('settlement', OP1) },
    });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(2).values).toEqual([undefined, 'qr', 'county_bank', 5, 2800, 0, 0, 5.6, 0, 0, 0, 2794.4]);

    expect((await call('GET', '/settlement/reports/daily?businessDate=2026-11-20', testActors.county(OTHER))).status).toBe(404);
    expect((await call('GET', '/settlement/reports/daily?businessDate=2026-11-19', OP1)).status).toBe(404);
    expect((await call('GET', '/settlement/reports/daily?businessDate=yesterday', OP1)).status).toBe(400);
  });

  it('a payout the bank never received (timeout before processing) stays unknown, then the retry finds nothing by query and re-sends it under the same instruction id', async () => {
    await configure(TIMEOUTS, { cutoffTime: '00:00' });
    const op = testActors.county(TIMEOUTS);
    const m = await merchant(TIMEOUTS, '城关镇便利店');
    const noAccount = randomUUID(); // never given a payout account
    bankServer.timeoutNext(TIMEOUTS, m.accountNo, 'before');
    await post([payment(TIMEOUTS, m.id, 10_000), payment(TIMEOUTS, noAccount, 5_000)]);
    const batch = await ok<SettlementBatchDetail>(call('POST', '/settlement/cutoffs', op, { businessDate: '2026-11-20' }));
    await ok(call('POST', `/settlement/batches/${batch.id}/approvals`, op));
    const paying = await ok<SettlementBatchDetail>(call('POST', `/settlement/batches/${batch.id}/payouts`, op));
    expect(paying.status).toBe('paying');
    const before = new Map((await payouts(TIMEOUTS, batch.id)).map((p) => [p.merchantId, p]));
    expect(before.get(m.id)).toMatchObject({ status: 'unknown', attempt: 1 });
    expect(before.get(noAccount)).toMatchObject({ status: 'failed', failureReason: 'no_payout_account' });
    expect(balanceAtBank(TIMEOUTS, m.accountNo)).toBe(0);

    const after = await ok<SettlementBatchDetail>(call('POST', `/settlement/batches/${batch.id}/payouts/retry`, op));
    const now = await payouts(TIMEOUTS, batch.id);
    const paid = now.find((p) => p.merchantId === m.id && p.status === 'succeeded');
    expect(paid).toMatchObject({ attempt: 1, instructionId: before.get(m.id)!.instructionId });
    expect(balanceAtBank(TIMEOUTS, m.accountNo)).toBe(9_980);
    // the merchant without an account failed again (attempt 2): the batch is partially failed, its amount payable
    expect(now.filter((p) => p.merchantId === noAccount).map((p) => [p.attempt, p.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(after.status).toBe('partially_failed');
    expect(await payable(TIMEOUTS, noAccount)).toBe(4_990n);
  });
});
