import { randomUUID } from 'node:crypto';
import {
  defaultTenantConfig,
  type EventEnvelope,
  type PaymentChannel,
  type PaymentSucceededData,
  type RefundData,
  type TenantConfig,
  type TenantUpdatedData,
} from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { SettlementReadModelModule } from '../read-model';
import { seedMerchants } from '../testing/merchants';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, type CallResult, type TestService } from '@countypay/testing';
import { generateFieldKey } from '@countypay/security';
import { SettlementConfig } from '../config/settlement.config';
import { migrations } from '../data-source';
import { CutoffJob } from './cutoff.job';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerService } from '../ledger/ledger.service';
import type { SettlementBatchDetail, SettlementBatchItem } from './dto/settlement-batches.dto';
import { SettlementBatchesModule } from './settlement-batches.module';

// one tenant per scenario: a cut-off never runs behind a later one of the same tenant
const T1_TENANT = 't510121';
const OTHER = 't511381';
const D0_TENANT = 't510122';
const HOLD_TENANT = 't510123';
const ABORT_TENANT = 't510124';
const SCALE_TENANT = 't510125';
const PRO_RATA_TENANT = 't510126';
const JOB_NATURAL = 't510127';
const JOB_23 = 't510128';

const OP1 = testActors.county(T1_TENANT, 'op-li');
const OP2 = testActors.county(T1_TENANT, 'op-wang');

/** 2026-11-20, 12:00 Shanghai */
const NOON_20TH = Date.parse('2026-11-20T04:00:00.000Z');

function envelope<T extends object>(tenantId: string, type: string, data: T, occurredAt: number): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, tenantId, occurredAt: new Date(occurredAt).toISOString(), data };
}

function payment(tenantId: string, merchantId: string, amountFen: number, at: number, channel: PaymentChannel = 'wechat'): EventEnvelope<PaymentSucceededData> {
  return envelope(
    tenantId,
    'payment.succeeded',
    {
      orderId: randomUUID(),
      outTradeNo: `T${randomUUID().slice(0, 8)}`,
      merchantId,
      product: 'qr',
      channel,
      amountFen,
      currency: 'CNY',
      channelTradeNo: `W${randomUUID().slice(0, 8)}`,
      paidAt: new Date(at).toISOString(),
    },
    at,
  );
}

function refund(p: EventEnvelope<PaymentSucceededData>, amountFen: number, at: number): EventEnvelope<RefundData> {
  return envelope(
    p.tenantId,
    'refund.succeeded',
    {
      refundId: randomUUID(),
      outRefundNo: `R${randomUUID().slice(0, 8)}`,
      orderId: p.data.orderId,
      merchantId: p.data.merchantId,
      product: 'qr',
      channel: p.data.channel,
      amountFen,
      currency: 'CNY',
      at: new Date(at).toISOString(),
    },
    at,
  );
}

describe('settlement batches: cut-off, clearing, approvals, holds (real PostgreSQL)', () => {
  let svc: TestService;
  let ledger: LedgerService;
  let tenants: OnboardingReadModel;

  const call = (method: string, path: string, actor: Actor, body?: unknown): Promise<CallResult> => svc.call(method, path, { actor, body });
  const cutoff = async (actor: Actor, businessDate: string): Promise<SettlementBatchDetail> => {
    const r = await call('POST', '/settlement/cutoffs', actor, { businessDate });
    expect(r.status).toBe(200);
    return r.body;
  };
  const items = async (actor: Actor, batchId: string): Promise<SettlementBatchItem[]> => {
    const r = await call('GET', `/settlement/batches/${batchId}/items?limit=100`, actor);
    expect(r.status).toBe(200);
    return r.body.data;
  };
  const configure = (tenantId: string, patch: Partial<TenantConfig>, version = 1): Promise<void> => {
    const config = Object.assign(defaultTenantConfig(), patch);
    const e = envelope<TenantUpdatedData>(tenantId, 'onboarding.tenant-updated', { tenantId, name: tenantId, status: 'active', config, version }, Date.now());
    return inTenantTransaction(svc.ds, tenantId, (em) => tenants.handleTenantUpdated(e, em));
  };
  const post = async (events: Array<EventEnvelope<PaymentSucceededData> | EventEnvelope<RefundData>>): Promise<void> => {
    if (events.length === 0) return;
    await inTenantTransaction(svc.ds, events[0]!.tenantId, async (em) => {
      for (const e of events)
        if (e.type === 'payment.succeeded') await ledger.onPaymentSucceeded(e as EventEnvelope<PaymentSucceededData>, em);
        else await ledger.onRefundSucceeded(e as EventEnvelope<RefundData>, em);
    });
  };
  const count = (tenantId: string, sql: string, params: unknown[] = []): Promise<number> =>
    inTenantTransaction(svc.ds, tenantId, async (em) => Number(((await em.query(sql, params)) as Array<{ n: string }>)[0]!.n));
  const batchEvents = (tenantId: string, batchId: string): Promise<Array<{ status: string; action: string }>> =>
    inTenantTransaction(svc.ds, tenantId, async (em) =>
      (
        (await em.query(
          `select payload->'data' as d from outbox where topic = 'countypay.settlement.batch-changed.v1' and payload->'data'->>'batchId' = $1 order by seq`,
          [batchId],
        )) as Array<{ d: { status: string; action: string } }>
      ).map((r) => ({ status: r.d.status, action: r.d.action })),
    );

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule, SettlementBatchesModule],
      grants: 'as-migrated',
      override: (b) => b.overrideProvider(SettlementConfig).useValue(Object.assign(new SettlementConfig(), { COUNTYPAY_PII_KEY: generateFieldKey() })),
    });
    ledger = svc.app.get(LedgerService);
    tenants = svc.app.get(OnboardingReadModel);
  });

  afterAll(() => svc?.close());

  describe('a T+1 county with a 23:00 cut-off and a 1,000.00 yuan approval threshold', () => {
    const m1 = randomUUID();
    const m2 = randomUUID();
    let batch: SettlementBatchDetail;

    beforeAll(async () => {
      await configure(T1_TENANT, { cutoffTime: '23:00', settlementCycle: 'T1', settlementApprovalThresholdFen: 100_000 });
      const p1 = payment(T1_TENANT, m1, 10_000, NOON_20TH - 86_400_000); // the 19th: not yet in any batch, so cleared with the 20th
      const p2 = payment(T1_TENANT, m1, 5_000, NOON_20TH, 'alipay');
      const p3 = payment(T1_TENANT, m2, 200_000, Date.parse('2026-11-20T14:59:59.000Z')); // 22:59:59 Shanghai
      const late = payment(T1_TENANT, m2, 7_700, Date.parse('2026-11-20T15:00:00.000Z')); // 23:00: the 21st
      await post([p1, p2, p3, late, refund(p1, 3_000, NOON_20TH + 3_600_000)]);
      batch = await cutoff(OP1, '2026-11-20');
    });

    it('clears each merchant: payments − refunds − fees, the entries before the cut-off only, with a balanced tie-out', async () => {
      // m1: 100.00 + 50.00 − 30.00 refunded, fees 0.38 + 0.19 (38 bp) → 119.43; m2: 2,000.00 − 7.60 → 1,992.40
      expect(batch).toMatchObject({
        businessDate: '2026-11-20',
        settlementDate: '2026-11-21',
        cycle: 'T1',
        cutoffTime: '23:00',
        windowEnd: '2026-11-20T15:00:00.000Z',
        status: 'pending_approval',
        entryCount: 4,
        itemCount: 2,
        tieOut: {
          clearingFen: 10_000 + 5_000 - 3_000 + 200_000,
          broughtForwardFen: 0,
          payoutFen: 11_943 + 199_240,
          feeFen: 57 + 760,
          reserveFen: 0,
          heldFen: 0,
          carriedFen: 0,
          balanced: true,
          trialBalanceBalanced: true,
        },
        approvalThresholdFen: 100_000,
        approvalsRequired: 2,
        approvals: [],
      });
      expect(batch.history.map((h) => `${h.action}:${h.fromStatus}→${h.toStatus}`)).toEqual([
        'cutoff:null→open',
        'close:open→closed',
        'submit:closed→pending_approval',
      ]);
      const its = await items(OP1, batch.id);
      expect(its).toEqual(
        [
          {
            merchantId: m1,
            paymentCount: 2,
            paymentsFen: 15_000,
            refundCount: 1,
            refundsFen: 3_000,
            feesFen: 57,
            grossFen: 12_000,
            netFen: 11_943,
            payoutFen: 11_943,
          },
          {
            merchantId: m2,
            paymentCount: 1,
            paymentsFen: 200_000,
            refundCount: 0,
            refundsFen: 0,
            feesFen: 760,
            grossFen: 200_000,
            netFen: 199_240,
            payoutFen: 199_240,
          },
        ]
          .sort((a, b) => (a.merchantId < b.merchantId ? -1 : 1))
          .map((i) => ({
            ...i,
            splitsInFen: 0,
            splitsOutFen: 0,
            creditSalesFen: 0,
            adjustmentsFen: 0,
            broughtForwardFen: 0,
            reserveFen: 0,
            status: 'payable',
            holdReason: null,
          })),
      );
      expect(await batchEvents(T1_TENANT, batch.id)).toEqual([
        { action: 'close', status: 'closed' },
        { action: 'submit', status: 'pending_approval' },
      ]);
    });

    it('re-running the cut-off changes nothing: same batch, same items, no entry claimed twice, no new event', async () => {
      const again = await cutoff(OP2, '2026-11-20');
      expect(again).toEqual(batch);
      expect(await count(T1_TENANT, 'select count(*) as n from settlement_batch_entries where batch_id = $1', [batch.id])).toBe(4);
      expect(await count(T1_TENANT, 'select count(*) as n from settlement_batches')).toBe(1);
      expect(await batchEvents(T1_TENANT, batch.id)).toHaveLength(2);
      const concurrent = await Promise.all([cutoff(OP1, '2026-11-20'), cutoff(OP2, '2026-11-20')]);
      expect(concurrent.map((b) => b.id)).toEqual([batch.id, batch.id]);
    });

    it('clears the payment made at 23:00 with the next business date', async () => {
      const next = await cutoff(OP1, '2026-11-21');
      expect(next).toMatchObject({ entryCount: 1, itemCount: 1, tieOut: { clearingFen: 7_700, payoutFen: 7_700 - 29, balanced: true } });
    });

    it('above the threshold, one approval is not enough; the same operator cannot approve twice; a second operator approves', async () => {
      const first = await call('POST', `/settlement/batches/${batch.id}/approvals`, OP1);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'pending_approval', approvals: [{ operatorId: 'op-li' }] });
      const twice = await call('POST', `/settlement/batches/${batch.id}/approvals`, OP1);
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('approval_already_given');
      const province = await call('POST', `/settlement/batches/${batch.id}/approvals`, testActors.province(T1_TENANT));
      expect(province.status).toBe(403);
      const second = await call('POST', `/settlement/batches/${batch.id}/approvals`, OP2);
      expect(second.status).toBe(200);
      expect(second.body.status).toBe('approved');
      expect(second.body.approvals.map((a: { operatorId: string }) => a.operatorId).sort()).toEqual(['op-li', 'op-wang']);
      expect((await batchEvents(T1_TENANT, batch.id)).map((e) => e.status)).toEqual(['closed', 'pending_approval', 'approved']);
      const third = await call('POST', `/settlement/batches/${batch.id}/approvals`, testActors.county(T1_TENANT, 'op-zhao'));
      expect(third.status).toBe(409);
      expect(third.body.error.code).toBe('invalid_state_transition');
    });

    it("answers 404 for another county's batch, for reading and for acting; the province sees it when naming the county", async () => {
      const other = testActors.county(OTHER, 'op-other');
      for (const [method, path] of [
        ['GET', `/settlement/batches/${batch.id}`],
        ['GET', `/settlement/batches/${batch.id}/items`],
        ['POST', `/settlement/batches/${batch.id}/approvals`],
      ] as const) {
        const r = await call(method, path, other);
        expect(r.status).toBe(404);
        expect(r.body.error.code).toBe('not_found');
      }
      const abort = await call('POST', `/settlement/batches/${batch.id}/abort`, other, { reason: 'x' });
      expect(abort.status).toBe(404);
      expect((await call('GET', '/settlement/batches', other)).body.data).toEqual([]);
      const province = await call('GET', `/settlement/batches/${batch.id}`, testActors.province(T1_TENANT));
      expect(province.status).toBe(200);
      expect(province.body.id).toBe(batch.id);
    });

    it('refuses a date whose cut-off has not passed (409), a malformed date (400) and a date behind the latest batch (409)', async () => {
      const future = await call('POST', '/settlement/cutoffs', OP1, { businessDate: '2099-01-01' });
      expect(future.status).toBe(409);
      expect(future.body.error.code).toBe('business_day_not_closed');
      for (const businessDate of ['2026-02-30', '20261120', 7]) {
        const bad = await call('POST', '/settlement/cutoffs', OP1, { businessDate });
        expect(bad.status).toBe(400);
      }
      const behind = await call('POST', '/settlement/cutoffs', OP1, { businessDate: '2026-11-19' });
      expect(behind.status).toBe(409);
      expect(behind.body.error.code).toBe('invalid_state_transition');
    });
  });

  it('a D+0 county pays the same day, keeps its reserve back and brings it forward into the next batch', async () => {
    await configure(D0_TENANT, { cutoffTime: '18:00', settlementCycle: 'D0', settlementReserveBp: 1_000 });
    const m = randomUUID();
    await post([payment(D0_TENANT, m, 100_000, NOON_20TH)]);
    const op = testActors.county(D0_TENANT);
    const day1 = await cutoff(op, '2026-11-20');
    // 1,000.00 − 3.80 fee = 996.20; 10% reserve 99.62; 896.58 paid
    expect(day1).toMatchObject({
      settlementDate: '2026-11-20',
      cycle: 'D0',
      approvalsRequired: 1,
      tieOut: { payoutFen: 89_658, reserveFen: 9_962, feeFen: 380, balanced: true },
    });
    await post([payment(D0_TENANT, m, 10_000, NOON_20TH + 86_400_000)]);
    const day2 = await cutoff(op, '2026-11-21');
    // 100.00 − 0.38 + 99.62 brought forward = 199.24; reserve 19.92; 179.32 paid
    expect(day2.tieOut).toMatchObject({ clearingFen: 10_000, broughtForwardFen: 9_962, payoutFen: 17_932, reserveFen: 1_992, balanced: true });
    expect(await items(op, day2.id)).toEqual([expect.objectContaining({ merchantId: m, broughtForwardFen: 9_962, netFen: 19_924 })]);
    const approved = await call('POST', `/settlement/batches/${day1.id}/approvals`, op);
    expect(approved.body.status).toBe('approved');
  });

  it("holds a merchant's payout with a reason (before and after the cut-off); released, the held net is paid by the next batch", async () => {
    await configure(HOLD_TENANT, { cutoffTime: '00:00' });
    const op = testActors.county(HOLD_TENANT, 'op-chen');
    const held = randomUUID();
    const late = randomUUID();
    const fine = randomUUID();
    // a merchant the county does not have (another county's, or none): 404, and no hold is written
    const stranger = await call('POST', `/settlement/merchants/${held}/payout-hold`, op, { reason: '涉嫌套现，暂缓结算' });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('not_found');
    expect((await call('POST', `/settlement/merchants/${held}/payout-hold/release`, op)).status).toBe(404);
    await seedMerchants(svc.ds, svc.app.get(OnboardingReadModel), HOLD_TENANT, [held, late, fine]);
    const h = await call('POST', `/settlement/merchants/${held}/payout-hold`, op, { reason: '涉嫌套现，暂缓结算' });
    expect(h.status).toBe(201);
    expect(h.body).toMatchObject({ merchantId: held, reason: '涉嫌套现，暂缓结算', heldBy: 'op-chen', releasedAt: null });
    expect((await call('POST', `/settlement/merchants/${held}/payout-hold`, op, { reason: 'again' })).status).toBe(409);
    expect((await call('POST', `/settlement/merchants/${held}/payout-hold`, op, { reason: '' })).status).toBe(400);

    await post([payment(HOLD_TENANT, held, 50_000, NOON_20TH), payment(HOLD_TENANT, late, 30_000, NOON_20TH), payment(HOLD_TENANT, fine, 20_000, NOON_20TH)]);
    const day1 = await cutoff(op, '2026-11-20');
    // a hold placed after the cut-off holds the item of the batch not yet paying
    expect((await call('POST', `/settlement/merchants/${late}/payout-hold`, op, { reason: '账户核实中' })).status).toBe(201);
    const after = (await call('GET', `/settlement/batches/${day1.id}`, op)).body as SettlementBatchDetail;
    const byMerchant = new Map((await items(op, day1.id)).map((i) => [i.merchantId, i]));
    expect(byMerchant.get(held)).toMatchObject({ status: 'held', payoutFen: 0, netFen: 50_000 - 190, holdReason: '涉嫌套现，暂缓结算' });
    expect(byMerchant.get(late)).toMatchObject({ status: 'held', payoutFen: 0, netFen: 30_000 - 114, holdReason: '账户核实中' });
    expect(byMerchant.get(fine)).toMatchObject({ status: 'payable', payoutFen: 20_000 - 76 });
    expect(after.tieOut).toMatchObject({ payoutFen: 19_924, heldFen: 49_810 + 29_886, balanced: true });
    expect(after.history.at(-1)).toMatchObject({ action: 'hold', reason: `${late}: 账户核实中` });

    const released = await call('POST', `/settlement/merchants/${held}/payout-hold/release`, op);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ releasedBy: 'op-chen', releasedAt: expect.any(String) });
    expect((await call('POST', `/settlement/merchants/${held}/payout-hold/release`, op)).status).toBe(404);
    const day2 = await cutoff(op, '2026-11-21');
    const day2Items = new Map((await items(op, day2.id)).map((i) => [i.merchantId, i]));
    expect(day2Items.get(held)).toMatchObject({ status: 'payable', paymentCount: 0, broughtForwardFen: 49_810, payoutFen: 49_810 });
    expect(day2Items.get(late)).toMatchObject({ status: 'held', broughtForwardFen: 29_886, netFen: 29_886 });
    expect(day2Items.has(fine)).toBe(false);
    expect(day2.tieOut).toMatchObject({ clearingFen: 0, broughtForwardFen: 79_696, payoutFen: 49_810, heldFen: 29_886, balanced: true });
  });

  it('a county returning fees pro rata: a 30.00 refund of 100.00 gives back 0.11 of the 0.38 fee, in the ledger and in the clearing', async () => {
    await configure(PRO_RATA_TENANT, { cutoffTime: '00:00', refundFeePolicy: 'returned_pro_rata' });
    const op = testActors.county(PRO_RATA_TENANT);
    const m = randomUUID();
    const p = payment(PRO_RATA_TENANT, m, 10_000, NOON_20TH);
    await post([p]);
    await post([refund(p, 3_000, NOON_20TH + 60_000)]);
    const entries = await call('GET', `/ledger/entries?orderId=${p.data.orderId}`, op);
    expect(entries.body.data[0]).toMatchObject({ sourceType: 'refund.succeeded', feeFen: 11 });
    expect(entries.body.data[0].postings).toEqual([
      { line: 1, account: `merchant_payable:${m}`, direction: 'debit', amountFen: 2_989 },
      { line: 2, account: 'fee_income', direction: 'debit', amountFen: 11 },
      { line: 3, account: 'channel_receivable:wechat', direction: 'credit', amountFen: 3_000 },
    ]);
    const b = await cutoff(op, '2026-11-20');
    expect(await items(op, b.id)).toEqual([expect.objectContaining({ merchantId: m, feesFen: 27, netFen: 6_973, payoutFen: 6_973 })]);
    expect((await call('GET', `/ledger/merchants/${m}/balance`, op)).body.payableFen).toBe(6_973);
    expect(b.tieOut).toMatchObject({ clearingFen: 7_000, feeFen: 27, payoutFen: 6_973, balanced: true, trialBalanceBalanced: true });
    // the rest of the order refunded the next day: the remaining 0.27 comes back, a negative fee in that window
    await post([refund(p, 7_000, NOON_20TH + 86_400_000)]);
    const next = await cutoff(op, '2026-11-21');
    expect(await items(op, next.id)).toEqual([expect.objectContaining({ feesFen: -27, grossFen: -7_000, netFen: -6_973, status: 'carried' })]);
    expect(next.tieOut.balanced).toBe(true);
  });

  it('aborts a batch before payouts: its entries are cleared again by the next cut-off; an aborted batch cannot be approved', async () => {
    await configure(ABORT_TENANT, { cutoffTime: '00:00' });
    const op = testActors.county(ABORT_TENANT);
    const m = randomUUID();
    await post([payment(ABORT_TENANT, m, 12_345, NOON_20TH)]);
    const day1 = await cutoff(op, '2026-11-20');
    const aborted = await call('POST', `/settlement/batches/${day1.id}/abort`, op, { reason: '金额待核对' });
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('aborted');
    expect(aborted.body.history.at(-1)).toMatchObject({ action: 'abort', fromStatus: 'pending_approval', toStatus: 'aborted', reason: '金额待核对' });
    expect((await call('POST', `/settlement/batches/${day1.id}/approvals`, op)).status).toBe(409);
    expect((await call('POST', `/settlement/batches/${day1.id}/abort`, op, { reason: 'again' })).status).toBe(409);
    const day2 = await cutoff(op, '2026-11-21');
    expect(day2).toMatchObject({ entryCount: 1, tieOut: { clearingFen: 12_345, payoutFen: 12_345 - 47, balanced: true } });
  });

  it("the cut-off job closes each tenant's last closed business date once, as the system actor; running again makes nothing", async () => {
    await configure(JOB_NATURAL, { cutoffTime: '00:00' });
    await configure(JOB_23, { cutoffTime: '23:00' });
    const m = randomUUID();
    await post([payment(JOB_NATURAL, m, 10_000, Date.parse('2026-11-21T04:00:00.000Z'))]);
    await post([payment(JOB_23, m, 20_000, Date.parse('2026-11-21T15:30:00.000Z'))]); // 23:30 on the 21st: business date the 22nd
    const job = svc.app.get(CutoffJob);
    const now = new Date('2026-11-22T01:00:00.000Z'); // 09:00 on the 22nd in Shanghai
    const made = await job.runDue([JOB_NATURAL, JOB_23], now);
    expect(made.map((x) => [x.tenantId, x.businessDate])).toEqual([
      [JOB_NATURAL, '2026-11-21'],
      [JOB_23, '2026-11-21'],
    ]);
    const natural = (await call('GET', `/settlement/batches/${made[0]!.batchId}`, testActors.county(JOB_NATURAL))).body as SettlementBatchDetail;
    expect(natural).toMatchObject({ status: 'pending_approval', entryCount: 1, tieOut: { clearingFen: 10_000, balanced: true } });
    expect(natural.history[0]).toMatchObject({ action: 'cutoff', actorType: 'system', actorId: 'cutoff-job' });
    const at23 = (await call('GET', `/settlement/batches/${made[1]!.batchId}`, testActors.county(JOB_23))).body as SettlementBatchDetail;
    expect(at23).toMatchObject({ entryCount: 0, itemCount: 0 }); // the 23:30 payment belongs to the 22nd, not yet closed
    expect(await job.runDue([JOB_NATURAL, JOB_23], now)).toEqual([]);
    const later = await job.runDue([JOB_23], new Date('2026-11-22T15:00:00.000Z')); // 23:00 on the 22nd
    expect(later.map((x) => x.businessDate)).toEqual(['2026-11-22']);
    expect((await call('GET', `/settlement/batches/${later[0]!.batchId}`, testActors.county(JOB_23))).body.tieOut.clearingFen).toBe(20_000);
  });

  it('pages a batch of 1,005 merchants by merchant id across the 999 → 1000 boundary', async () => {
    await configure(SCALE_TENANT, { cutoffTime: '00:00' });
    const merchants = Array.from({ length: 1_005 }, () => randomUUID());
    await post(merchants.map((m, i) => payment(SCALE_TENANT, m, 1_000 + i, NOON_20TH)));
    const op = testActors.county(SCALE_TENANT);
    const b = await cutoff(op, '2026-11-20');
    expect(b).toMatchObject({ itemCount: 1_005, entryCount: 1_005, tieOut: { balanced: true } });
    const result = await assertKeysetPaging<SettlementBatchItem>({
      fetchPage: async (cursor) => {
        const r = await call('GET', `/settlement/batches/${b.id}/items?limit=100${cursor ? `&cursor=${cursor}` : ''}`, op);
        expect(r.status).toBe(200);
        return r.body;
      },
      id: (i) => i.merchantId,
      compare: (x, y) => (x.merchantId < y.merchantId ? -1 : x.merchantId > y.merchantId ? 1 : 0),
      expectedIds: merchants,
    });
    expect(result.items).toBe(1_005);
  });
});
