import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceUrlsConfig } from '@countypay/config';
import type { EventEnvelope, PaymentClosedData, PaymentProduct, PaymentSucceededData, RefundData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { SettlementReadModelModule } from '../read-model';
import { generateFieldKey } from '@countypay/security';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, type CallResult, type TestService } from '@countypay/testing';
import { SettlementConfig } from '../config/settlement.config';
import { migrations } from '../data-source';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { DailyReport, ProvinceReport } from '../reports/dto/reports.dto';
import { ReportsModule } from '../reports/reports.module';
import { SettlementBatchesModule } from '../settlement-batches/settlement-batches.module';
import { FakeChannel, type FakeStatementRow } from '../testing/fake-channel';
import type { ReconciliationCase, ReconciliationCaseDetail, ReconciliationRun } from './dto/reconciliation.dto';
import { ReconciliationJob } from './reconciliation.job';
import { ReconciliationModule } from './reconciliation.module';
import { ReconciliationService } from './reconciliation.service';

const A = 't510181';
const OTHER = 't511381';
const PAGING = 't510185';
const D = '2026-11-20';
const NEXT = '2026-11-21';
const NOON = '2026-11-20T04:00:00.000Z'; // 12:00 in Shanghai
const OP1 = testActors.county(A, 'op-li');
const OP2 = testActors.county(A, 'op-wang');
const MERCHANT = randomUUID();

function envelope<T extends object>(tenantId: string, type: string, data: T): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, tenantId, occurredAt: new Date().toISOString(), data };
}

describe('channel reconciliation and its cases (real PostgreSQL; the channel over HTTP, as the sandbox contract says)', () => {
  let channel: FakeChannel;
  let svc: TestService;
  let recon: ReconciliationService;
  const ledgerRepo = new LedgerRepository();

  const call = (method: string, path: string, actor: Actor, body?: unknown): Promise<CallResult> => svc.call(method, path, { actor, body });
  const ok = async <T>(r: Promise<CallResult>, status = 200): Promise<T> => {
    const res = await r;
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as T;
  };
  const inA = <T>(tenantId: string, fn: Parameters<typeof inTenantTransaction<T>>[2]): Promise<T> => inTenantTransaction(svc.ds, tenantId, fn);

  /** the platform's side: a paid order (its payment.succeeded event through the consumer handler) */
  const paid = async (tenantId: string, ch: 'wechat' | 'county_bank', amountFen: number, at = NOON): Promise<{ orderId: string; tradeNo: string }> => {
    const orderId = randomUUID();
    const tradeNo = `4200${String(Math.floor(Math.random() * 1e15)).padStart(22, '0')}`;
    const data: PaymentSucceededData = {
      orderId,
      merchantId: MERCHANT,
      product: 'qr',
      amountFen,
      currency: 'CNY',
      outTradeNo: `O${orderId.slice(0, 8)}`,
      channel: ch,
      channelTradeNo: tradeNo,
      paidAt: at,
    };
    await inA(tenantId, (em) => recon.onPaymentSucceeded(envelope(tenantId, 'payment.succeeded', data), em));
    return { orderId, tradeNo };
  };
  /** the owner's payment.succeeded of an existing order (a made-up order) */
  const paidAs = async (tenantId: string, orderId: string, ch: 'wechat' | 'county_bank', amountFen: number, tradeNo: string): Promise<void> => {
    const data: PaymentSucceededData = {
      orderId,
      merchantId: MERCHANT,
      product: 'acquiring',
      amountFen,
      currency: 'CNY',
      outTradeNo: `O${orderId.slice(0, 8)}`,
      channel: ch,
      channelTradeNo: tradeNo,
      paidAt: NOON,
    };
    await inA(tenantId, (em) => recon.onPaymentSucceeded(envelope(tenantId, 'payment.succeeded', data), em));
  };
  const closedLocally = async (tenantId: string, ch: 'wechat' | 'county_bank', amountFen: number, product: PaymentProduct = 'qr'): Promise<string> => {
    const orderId = randomUUID();
    const data: PaymentClosedData = {
      orderId,
      merchantId: MERCHANT,
      product,
      amountFen,
      currency: 'CNY',
      outTradeNo: `O${orderId.slice(0, 8)}`,
      channel: ch,
      reason: 'expired',
      closedAt: NOON,
    };
    await inA(tenantId, (em) => recon.onPaymentEnded(envelope(tenantId, 'payment.closed', data), em));
    return orderId;
  };
  const refunded = async (tenantId: string, orderId: string, amountFen: number): Promise<string> => {
    const refundId = randomUUID();
    const data: RefundData = {
      orderId,
      merchantId: MERCHANT,
      product: 'qr',
      amountFen,
      currency: 'CNY',
      channel: 'wechat',
      refundId,
      outRefundNo: `R${refundId.slice(0, 8)}`,
      at: NOON,
    };
    await inA(tenantId, (em) => recon.onRefund(envelope(tenantId, 'refund.succeeded', data), em, 'succeeded'));
    return refundId;
  };
  const pay = (orderId: string, tradeNo: string, amountFen: bigint, status: FakeStatementRow['status'] = 'succeeded'): FakeStatementRow => ({
    type: 'payment',
    orderId,
    channelTradeNo: tradeNo,
    amountFen,
    status,
  });
  const ref = (orderId: string, refundId: string, tradeNo: string, amountFen: bigint, status: FakeStatementRow['status'] = 'succeeded'): FakeStatementRow => ({
    type: 'refund',
    orderId,
    refundId,
    channelTradeNo: tradeNo,
    channelRefundNo: `5030${refundId.replace(/-/g, '').slice(0, 22)}`,
    amountFen,
    status,
  });
  const cases = async (actor: Actor, query = 'limit=100'): Promise<ReconciliationCase[]> =>
    (await ok<{ data: ReconciliationCase[] }>(call('GET', `/settlement/reconciliation/cases?${query}`, actor))).data;
  const caseOf = async (actor: Actor, orderOrRefundId: string): Promise<ReconciliationCase> => {
    const c = (await cases(actor)).find((x) => (x.kind === 'payment' && x.orderId === orderOrRefundId) || x.refundId === orderOrRefundId);
    if (!c) throw new Error(`no case for ${orderOrRefundId}`);
    return c;
  };
  const adjustments = (tenantId: string): Promise<Array<{ id: string; amount_fen: string }>> =>
    inA(tenantId, (em) => em.query(`select id, amount_fen from journal_entries where source_type = 'reconciliation.adjustment' order by id`));
  const payable = (tenantId: string): Promise<bigint> =>
    inA(tenantId, async (em) => (await ledgerRepo.findBalance(em, `merchant_payable:${MERCHANT}`))?.balanceFen ?? 0n);

  /** online acquiring's make-up route (补单) as its contract answers it: the orders it made up, the ones it refuses */
  const makeUps: Array<{ orderId: string; tenantId: unknown; signed: boolean }> = [];
  const refuseMakeUp = new Set<string>();
  const acquiring: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/acquiring\/internal\/orders\/([0-9a-f-]{36})\/make-up$/.exec(req.url ?? '');
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tenantId?: unknown }) : {};
      if (m && req.method === 'POST') makeUps.push({ orderId: m[1]!, tenantId: body.tenantId, signed: typeof req.headers['x-cp-assertion'] === 'string' });
      const refused = !m || refuseMakeUp.has(m[1]!);
      res.writeHead(refused ? 409 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          refused
            ? { error: { code: 'invalid_state_transition', message: 'the wechat channel does not say the order was paid' } }
            : { orderId: m[1], state: 'succeeded', madeUp: true, channelTradeNo: 'CB0120261120000000000001' },
        ),
      );
    });
  });

  beforeAll(async () => {
    channel = await new FakeChannel().start();
    await new Promise<void>((r) => acquiring.listen(0, '127.0.0.1', r));
    const acquiringUrl = `http://127.0.0.1:${(acquiring.address() as AddressInfo).port}`;
    const urls = Object.assign(new ServiceUrlsConfig(), {
      COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': channel.url, acquiring: acquiringUrl }),
    });
    const config = Object.assign(new SettlementConfig(), { COUNTYPAY_PII_KEY: generateFieldKey(), SETTLEMENT_PAYOUT_TIMEOUT_MS: 3_000 });
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule, SettlementBatchesModule, ReconciliationModule, ReportsModule],
      grants: 'as-migrated',
      override: (b) => b.overrideProvider(ServiceUrlsConfig).useValue(urls).overrideProvider(SettlementConfig).useValue(config),
    });
    recon = svc.app.get(ReconciliationService);
  });

  afterAll(async () => {
    await svc?.close();
    await channel?.stop();
    await new Promise((r) => acquiring.close(r));
  });

  it('classifies every discrepancy once in each direction, works the cases, and a re-run changes nothing', async () => {
    // ---- the platform's day on WeChat Pay
    const matched = await paid(A, 'wechat', 10_000);
    const dropped = await paid(A, 'wechat', 20_000); // 短款, the channel's query confirms it: the statement was wrong
    const lost = await paid(A, 'wechat', 21_000); // 短款, the channel has no such payment
    const more = await paid(A, 'wechat', 30_000); // the channel says 301.00
    const less = await paid(A, 'wechat', 40_000); // the channel says 399.00
    const lateSuccess = await closedLocally(A, 'wechat', 50_000); // closed here, succeeded at the channel
    const lateRefunded = await closedLocally(A, 'wechat', 51_000); // closed here, succeeded at the channel and already refunded there
    const statusWrong = await paid(A, 'wechat', 60_000); // the statement says CLOSED, the query says SUCCESS
    const acrossMidnight = await paid(A, 'wechat', 70_000, '2026-11-20T15:59:59.900Z'); // the channel booked it on the 21st
    const unknownOrder = randomUUID(); // 长款
    const refundOk = await refunded(A, matched.orderId, 1_000);
    const refundMissing = await refunded(A, more.orderId, 2_000); // 短款 refund
    const refundMore = await refunded(A, less.orderId, 3_000); // the channel refunded 30.01
    const refundFailed = await refunded(A, statusWrong.orderId, 4_000); // the channel says FAIL
    const unknownRefund = randomUUID(); // 长款 refund

    channel.setStatement('wechat', A, D, [
      pay(matched.orderId, matched.tradeNo, 10_000n),
      pay(more.orderId, more.tradeNo, 30_100n),
      pay(less.orderId, less.tradeNo, 39_900n),
      pay(lateSuccess, '4200000000000000000000LATE', 50_000n),
      pay(lateRefunded, '420000000000000000000LATE2', 51_000n),
      pay(statusWrong.orderId, statusWrong.tradeNo, 60_000n, 'closed'),
      pay(unknownOrder, '4200000000000000000000000X', 5_500n),
      ref(matched.orderId, refundOk, matched.tradeNo, 1_000n),
      ref(less.orderId, refundMore, less.tradeNo, 3_001n),
      ref(statusWrong.orderId, refundFailed, statusWrong.tradeNo, 4_000n, 'closed'),
      ref(matched.orderId, unknownRefund, matched.tradeNo, 500n),
    ]);
    channel.setStatement('wechat', A, NEXT, [pay(acrossMidnight.orderId, acrossMidnight.tradeNo, 70_000n)]);
    // what the channel answers when queried
    channel.setPayment('wechat', A, dropped.orderId, { status: 'succeeded', channelTradeNo: dropped.tradeNo, amountFen: 20_000 });
    channel.setPayment('wechat', A, more.orderId, { status: 'succeeded', channelTradeNo: more.tradeNo, amountFen: 30_100 });
    channel.setPayment('wechat', A, less.orderId, { status: 'succeeded', channelTradeNo: less.tradeNo, amountFen: 39_900 });
    channel.setPayment('wechat', A, lateSuccess, { status: 'succeeded', channelTradeNo: '4200000000000000000000LATE', amountFen: 50_000 });
    channel.setPayment('wechat', A, lateRefunded, {
      status: 'succeeded',
      channelTradeNo: '420000000000000000000LATE2',
      amountFen: 51_000,
      refundedFen: 51_000,
    });
    channel.setPayment('wechat', A, statusWrong.orderId, { status: 'succeeded', channelTradeNo: statusWrong.tradeNo, amountFen: 60_000 });
    channel.setPayment('wechat', A, unknownOrder, { status: 'succeeded', channelTradeNo: '4200000000000000000000000X', amountFen: 5_500 });
    // the refund query (退款查询): the dropped refund was made at the channel (the statement was wrong); the failed one the channel does not know
    channel.setRefund('wechat', A, refundMissing, { status: 'succeeded', amountFen: 2_000, orderId: more.orderId });
    channel.setRefund('wechat', A, unknownRefund, { status: 'succeeded', amountFen: 500, orderId: matched.orderId });

    const run = await ok<ReconciliationRun>(call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'wechat', businessDate: D }));
    expect(run).toMatchObject({
      channel: 'wechat',
      businessDate: D,
      runCount: 1,
      statementRows: 11,
      matched: 3, // matched payment, matched refund, the payment on the next day's statement
      channelOnly: 2,
      platformOnly: 3,
      amountMismatch: 3,
      statusMismatch: 4,
    });

    const all = await cases(OP1);
    expect(all).toHaveLength(12);
    const byKey = (id: string): ReconciliationCase => {
      const c = all.find((x) => (x.kind === 'payment' && x.orderId === id) || x.refundId === id);
      if (!c) throw new Error(`no case for ${id}`);
      return c;
    };
    // each class on the right side: the platform's amount on the platform's side, the channel's on the channel's
    expect(byKey(dropped.orderId)).toMatchObject({
      class: 'platform_only',
      platformAmountFen: 20_000,
      channelAmountFen: null,
      status: 'resolved',
      resolution: 'requery_matched',
    });
    expect(byKey(lost.orderId)).toMatchObject({ class: 'platform_only', platformAmountFen: 21_000, channelAmountFen: null, status: 'pending_review' });
    expect(byKey(more.orderId)).toMatchObject({
      class: 'amount_mismatch',
      platformAmountFen: 30_000,
      channelAmountFen: 30_100,
      suggestedAdjustmentFen: 100,
      status: 'pending_review',
    });
    expect(byKey(less.orderId)).toMatchObject({
      class: 'amount_mismatch',
      platformAmountFen: 40_000,
      channelAmountFen: 39_900,
      suggestedAdjustmentFen: -100,
      status: 'pending_review',
    });
    expect(byKey(lateSuccess)).toMatchObject({
      class: 'status_mismatch',
      platformOutcome: 'closed',
      channelOutcome: 'succeeded',
      status: 'resolved',
      resolution: 'auto_refund',
    });
    // a late success the channel already refunded in full is not refunded a second time
    expect(byKey(lateRefunded)).toMatchObject({ class: 'status_mismatch', status: 'resolved', resolution: 'requery_matched' });
    expect(byKey(statusWrong.orderId)).toMatchObject({
      class: 'status_mismatch',
      platformOutcome: 'succeeded',
      channelOutcome: 'closed',
      status: 'resolved',
      resolution: 'requery_matched',
    });
    expect(byKey(unknownOrder)).toMatchObject({
      class: 'channel_only',
      platformAmountFen: null,
      channelAmountFen: 5_500,
      merchantId: null,
      status: 'pending_review',
    });
    // refund cases are queried at the channel too: the one the channel confirms is resolved, the others go to review with its answer
    expect(byKey(refundMissing)).toMatchObject({
      kind: 'refund',
      class: 'platform_only',
      platformAmountFen: 2_000,
      status: 'resolved',
      resolution: 'requery_matched',
      requeryCount: 1,
    });
    expect(byKey(refundMore)).toMatchObject({
      kind: 'refund',
      class: 'amount_mismatch',
      platformAmountFen: 3_000,
      channelAmountFen: 3_001,
      suggestedAdjustmentFen: -1,
    });
    expect(byKey(refundFailed)).toMatchObject({
      kind: 'refund',
      class: 'status_mismatch',
      platformOutcome: 'succeeded',
      channelOutcome: 'closed',
      status: 'pending_review',
      requeryCount: 1,
    });
    expect(byKey(unknownRefund)).toMatchObject({ kind: 'refund', class: 'channel_only', channelAmountFen: 500, status: 'pending_review', requeryCount: 1 });
    const refundNotes = async (id: string): Promise<Array<string | null>> =>
      (await ok<ReconciliationCaseDetail>(call('GET', `/settlement/reconciliation/cases/${byKey(id).id}`, OP1))).history.map((h) => h.note);
    expect(await refundNotes(refundMissing)).toContain('channel refund query: succeeded 2000 fen');
    expect(await refundNotes(refundFailed)).toContain('channel refund query: no such refund');
    expect(await refundNotes(unknownRefund)).toContain('channel refund query: succeeded 500 fen');
    expect(all.some((c) => c.orderId === acrossMidnight.orderId)).toBe(false);
    // the late success was refunded in full at the channel, once
    expect([...channel.refunds.values()]).toEqual([{ channel: 'wechat', tenantId: A, orderId: lateSuccess, amountFen: 50_000 }]);
    // …under the case's number, which the platform's read model now holds as its own refund (its statement line will match)
    const lateCase = byKey(lateSuccess);
    expect(
      await inA(A, (em) =>
        em.query(`select txn_key, order_id, amount_fen::int as amount, outcome from recon_platform_txns where kind = 'refund' and order_id = $1`, [
          lateSuccess,
        ]),
      ),
    ).toEqual([{ txn_key: lateCase.id, order_id: lateSuccess, amount: 50_000, outcome: 'succeeded' }]);

    // ---- amount mismatch: review → proposal (maker) → approval by a second operator (checker) → one posting
    const moreCase = byKey(more.orderId);
    await ok(call('POST', `/settlement/reconciliation/cases/${moreCase.id}/adjustment`, OP1, { amountFen: 100, reason: '渠道实收多 1 元' }));
    const self = await call('POST', `/settlement/reconciliation/cases/${moreCase.id}/adjustment/approve`, OP1);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('approval_already_given');
    const payableBefore = await payable(A);
    const approved = await ok<ReconciliationCaseDetail>(call('POST', `/settlement/reconciliation/cases/${moreCase.id}/adjustment/approve`, OP2));
    expect(approved).toMatchObject({
      status: 'resolved',
      resolution: 'adjustment_posted',
      adjustmentFen: 100,
      proposedBy: 'op-li',
      approvedBy: 'op-wang',
      ledgerEntryId: moreCase.id,
    });
    expect(approved.history.map((h) => h.action)).toEqual(['opened', 'to_review', 'propose_adjustment', 'approve_adjustment']);
    expect((await payable(A)) - payableBefore).toBe(100n);
    const again = await call('POST', `/settlement/reconciliation/cases/${moreCase.id}/adjustment/approve`, OP2);
    expect(again.status).toBe(409);
    const tb = await ok<{ balanced: boolean }>(call('GET', '/ledger/trial-balance', OP1));
    expect(tb.balanced).toBe(true);

    // ---- an operator closes a one-sided case with a note; re-query of a case the channel still contradicts changes nothing
    const lostCase = byKey(lost.orderId);
    const requeried = await ok<ReconciliationCaseDetail>(call('POST', `/settlement/reconciliation/cases/${lostCase.id}/requery`, OP1));
    expect(requeried.status).toBe('pending_review');
    expect(requeried.history.at(-1)).toMatchObject({ action: 'requery', note: 'channel query: no such payment' });
    // an operator's re-query of a refund case: the channel now reports the refund made (its record was late) → resolved
    channel.setRefund('wechat', A, refundFailed, { status: 'succeeded', amountFen: 4_000, orderId: statusWrong.orderId });
    const refundRequeried = await ok<ReconciliationCaseDetail>(call('POST', `/settlement/reconciliation/cases/${byKey(refundFailed).id}/requery`, OP1));
    expect(refundRequeried).toMatchObject({ status: 'resolved', resolution: 'requery_matched' });
    expect(refundRequeried.history.at(-1)).toMatchObject({ note: 'channel refund query: succeeded 4000 fen' });
    await ok(call('POST', `/settlement/reconciliation/cases/${byKey(unknownOrder).id}/resolve`, OP2, { note: '渠道重复记账，已联系渠道冲正' }));

    // ---- another county sees none of it (404), and a county operator cannot run another county's reconciliation
    const otherOp = testActors.county(OTHER);
    expect((await call('GET', `/settlement/reconciliation/cases/${moreCase.id}`, otherOp)).status).toBe(404);
    expect((await call('POST', `/settlement/reconciliation/cases/${lostCase.id}/resolve`, otherOp, { note: 'x' })).status).toBe(404);
    expect((await call('POST', `/settlement/reconciliation/cases/${byKey(less.orderId).id}/adjustment`, otherOp, { amountFen: 1, reason: 'x' })).status).toBe(
      404,
    );
    expect(await cases(otherOp)).toEqual([]);

    // ---- a re-run of the date: no new case, no second refund, no second posting; open cases stay open
    const snapshot = await cases(OP1);
    const historyBefore = await inA(A, (em) => em.query(`select count(*)::int as n from recon_case_history`));
    const rerun = await ok<ReconciliationRun>(call('POST', '/settlement/reconciliation/runs', OP2, { channel: 'wechat', businessDate: D }));
    expect(rerun).toMatchObject({ id: run.id, runCount: 2, matched: 3, channelOnly: 2, platformOnly: 3, amountMismatch: 3, statusMismatch: 4 });
    expect(await cases(OP1)).toEqual(snapshot.map((c) => ({ ...c, updatedAt: expect.any(String) })));
    expect(await inA(A, (em) => em.query(`select count(*)::int as n from recon_case_history`))).toEqual(historyBefore);
    expect(channel.refunds.size).toBe(1);
    expect(await adjustments(A)).toEqual([{ id: moreCase.id, amount_fen: '100' }]);

    // ---- the case stays open across days: the next day's run sees the same movement and keeps its one case
    const open = await cases(OP1, 'open=true&limit=100');
    expect(open.map((c) => c.orderId).sort()).toEqual(
      [lost.orderId, less.orderId, less.orderId, matched.orderId].sort(), // lost, less, refundMore, unknownRefund
    );
  });

  it('a late success becomes a make-up order when the county chooses so: its owner makes the order succeed, settlement posts nothing of its own', async () => {
    await ok(call('PUT', '/settlement/reconciliation/settings', OP1, { lateSuccessAction: 'make_up_order' }));
    const orderId = await closedLocally(A, 'county_bank', 8_800, 'acquiring');
    const refused = await closedLocally(A, 'county_bank', 6_600, 'acquiring'); // the owner's own query does not say paid
    const qrOrder = await closedLocally(A, 'county_bank', 5_500, 'qr'); // not made up automatically: to review
    refuseMakeUp.add(refused);
    channel.setStatement('county_bank', A, D, [
      pay(orderId, 'CB0120261120000000000001', 8_800n),
      pay(refused, 'CB0120261120000000000002', 6_600n),
      pay(qrOrder, 'CB0120261120000000000003', 5_500n),
    ]);
    channel.setPayment('county_bank', A, orderId, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000001', amountFen: 8_800 });
    channel.setPayment('county_bank', A, refused, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000002', amountFen: 6_600 });
    channel.setPayment('county_bank', A, qrOrder, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000003', amountFen: 5_500 });
    const before = await payable(A);
    const adjustmentsBefore = await adjustments(A);
    await ok(call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'county_bank', businessDate: D }));

    // the owner was asked once per acquiring order, signed, naming the county; never for the QR order
    expect(makeUps.sort((x, y) => x.orderId.localeCompare(y.orderId))).toEqual(
      [orderId, refused].sort().map((id) => ({ orderId: id, tenantId: A, signed: true })),
    );
    const c = await ok<ReconciliationCaseDetail>(call('GET', `/settlement/reconciliation/cases/${(await caseOf(OP1, orderId)).id}`, OP1));
    expect(c).toMatchObject({ class: 'status_mismatch', status: 'resolved', resolution: 'make_up_order', adjustmentFen: null, ledgerEntryId: null });
    expect(c.history.map((h) => [h.action, h.actorId])).toEqual([
      ['opened', OP1.id],
      ['make_up_order', 'reconciliation'],
    ]);
    expect(c.history[1]!.note).toContain('made up by online acquiring: the order succeeded (CB0120261120000000000001)');
    expect(await caseOf(OP1, refused)).toMatchObject({ status: 'pending_review', resolution: null });
    expect(
      (await ok<ReconciliationCaseDetail>(call('GET', `/settlement/reconciliation/cases/${(await caseOf(OP1, refused)).id}`, OP1))).history[1]!.note,
    ).toContain('the make-up was refused: invalid_state_transition');
    expect(await caseOf(OP1, qrOrder)).toMatchObject({ status: 'pending_review', resolution: null });
    // settlement posts nothing of its own: the owner's payment.succeeded is the order's posting (no double credit)
    expect((await payable(A)) - before).toBe(0n);
    expect(await adjustments(A)).toEqual(adjustmentsBefore);

    // the owner's payment.succeeded reaches the read model; a re-run asks nobody again and changes nothing
    await paidAs(A, orderId, 'county_bank', 8_800, 'CB0120261120000000000001');
    await ok(call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'county_bank', businessDate: D }));
    expect(makeUps).toHaveLength(2);
    expect(await caseOf(OP1, orderId)).toMatchObject({ status: 'resolved', resolution: 'make_up_order' });
    expect((await payable(A)) - before).toBe(0n);
    await ok(call('PUT', '/settlement/reconciliation/settings', OP1, { lateSuccessAction: 'refund' }));
  });

  it("the county's daily report counts its open cases (all channels and dates), in JSON and CSV", async () => {
    const open = (await cases(OP1, 'open=true&limit=100')).length;
    expect(open).toBeGreaterThan(0);
    await ok(call('POST', '/settlement/cutoffs', OP1, { businessDate: D }));
    const report = await ok<DailyReport>(call('GET', `/settlement/reports/daily?businessDate=${D}`, OP1));
    expect(report.openReconciliationCases).toBe(open);
    const csv = await call('GET', `/settlement/reports/daily.csv?businessDate=${D}`, OP1);
    expect(String(csv.body)).toContain(`未结差错 open reconciliation cases,${open}`);
  });

  it('the daily job reconciles yesterday once per county and channel, and leaves a channel without a statement for the next poll', async () => {
    const job = svc.app.get(ReconciliationJob);
    const now = new Date('2026-11-21T02:00:00.000Z'); // 10:00 on the 21st in Shanghai: the 20th is over
    const tenant = 't510116';
    const first = await job.runDue([tenant], ['wechat', 'unionpay'], now);
    // the fake channel has no UnionPay statement: that channel is tried again later
    expect(first.map((r) => [r.tenantId, r.channel, r.businessDate])).toEqual([[tenant, 'wechat', D]]);
    expect(await job.runDue([tenant], ['wechat', 'unionpay'], now)).toEqual([]);
  });

  it('refuses a bad date, an unknown channel and a statement that does not parse with stable codes', async () => {
    const bad = await call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'wechat', businessDate: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect((await call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'paypal', businessDate: D })).status).toBe(400);
    const unsupported = await call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'unionpay', businessDate: D });
    expect(unsupported.status).toBe(502);
    expect(unsupported.body.error.code).toBe('statement_unavailable');
    channel.setRawStatement('wechat', A, '2026-11-19', '交易时间,微信订单号\n`2026-11-19 10:00:00,`42\n');
    const malformed = await call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'wechat', businessDate: '2026-11-19' });
    expect(malformed.status).toBe(502);
    expect(malformed.body.error.code).toBe('statement_malformed');
    expect((await call('GET', `/settlement/reconciliation/cases/${randomUUID()}`, OP1)).status).toBe(404);
    expect((await call('GET', '/settlement/reconciliation/cases/not-a-uuid', OP1)).status).toBe(404);
    const zero = await call('POST', `/settlement/reconciliation/cases/${randomUUID()}/adjustment`, OP1, { amountFen: 0, reason: 'x' });
    expect({ status: zero.status, code: zero.body.error.code, param: zero.body.error.param }).toEqual({
      status: 400,
      code: 'invalid_request',
      param: 'amountFen',
    });
    expect((await call('POST', '/settlement/reconciliation/runs', OP1, { channel: 'wechat', businessDate: '2999-01-01' })).status).toBe(400);
  });

  it('pages cases newest first across 999→1000 and 9999→10000 without loss or repeat', async () => {
    const ids: string[] = await inA(PAGING, async (em) => {
      const rows = (await em.query(
        `insert into recon_cases (tenant_id, id, channel, kind, txn_key, class, status, business_date, last_seen_date, order_id)
         select $1, gen_random_uuid(), 'wechat', 'payment', 'k' || g, 'channel_only', 'pending_review', '2026-11-20', '2026-11-20', gen_random_uuid()::text
           from generate_series(1, 10001) g
         returning id`,
        [PAGING],
      )) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    });
    const op = testActors.county(PAGING);
    const seqOf = new Map<string, number>();
    await inA(PAGING, async (em) => {
      for (const r of (await em.query(`select id, seq from recon_cases`)) as Array<{ id: string; seq: string }>) seqOf.set(r.id, Number(r.seq));
    });
    const result = await assertKeysetPaging<ReconciliationCase>({
      fetchPage: async (cursor) =>
        ok<{ data: ReconciliationCase[]; nextCursor: string | null }>(
          call('GET', `/settlement/reconciliation/cases?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, op),
        ),
      id: (c) => c.id,
      compare: (a, b) => seqOf.get(b.id)! - seqOf.get(a.id)!,
      expectedIds: ids,
    });
    expect(result.items).toBe(10_001);
  });

  it('lists past runs newest first, filtered by channel and date, paging 10,004 runs across 999→1000 and 9999→10000; another county sees none', async () => {
    // 2,501 business dates × 4 channels of the paging county (one run per channel and date), plus A's own runs of the suite
    const ids: string[] = await inA(PAGING, async (em) => {
      const rows = (await em.query(
        `insert into recon_runs (tenant_id, id, channel, business_date, statement_rows, platform_rows, matched, channel_only, platform_only, amount_mismatch, status_mismatch, created_by)
         select $1, gen_random_uuid(), c, date '2020-01-01' + d, 1, 1, 1, 0, 0, 0, 0, 'county:op-li'
           from generate_series(0, 2500) d, unnest(array['wechat', 'alipay', 'unionpay', 'county_bank']) c
         returning id`,
        [PAGING],
      )) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    });
    expect(ids).toHaveLength(10_004);
    const op = testActors.county(PAGING);
    const seqOf = new Map<string, number>();
    await inA(PAGING, async (em) => {
      for (const r of (await em.query(`select id, seq from recon_runs`)) as Array<{ id: string; seq: string }>) seqOf.set(r.id, Number(r.seq));
    });
    type Page = { data: ReconciliationRun[]; nextCursor: string | null };
    const result = await assertKeysetPaging<ReconciliationRun>({
      fetchPage: async (cursor) =>
        ok<Page>(call('GET', `/settlement/reconciliation/runs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, op)),
      id: (r) => r.id,
      compare: (a, b) => seqOf.get(b.id)! - seqOf.get(a.id)!,
      expectedIds: ids,
    });
    expect(result.items).toBe(10_004);

    // filters: one channel over a date range (inclusive), newest first
    const some = await ok<Page>(call('GET', '/settlement/reconciliation/runs?channel=alipay&from=2020-01-02&to=2020-01-04&limit=10', op));
    expect(some.data.map((r) => [r.channel, r.businessDate])).toEqual([
      ['alipay', '2020-01-04'],
      ['alipay', '2020-01-03'],
      ['alipay', '2020-01-02'],
    ]);
    expect(some.nextCursor).toBeNull();
    const oneDay = await ok<Page>(call('GET', '/settlement/reconciliation/runs?from=2026-11-20&to=2026-11-20&limit=10', OP1));
    expect(oneDay.data.length).toBeGreaterThan(0);
    expect(oneDay.data.every((r) => r.businessDate === '2026-11-20')).toBe(true);

    // another county's operator sees none of these runs; bad filters are 400 with the parameter named
    expect((await ok<Page>(call('GET', '/settlement/reconciliation/runs?channel=alipay&to=2020-12-31&limit=100', OP1))).data).toEqual([]);
    const bad = await call('GET', '/settlement/reconciliation/runs?from=2026-02-30', op);
    expect({ status: bad.status, code: bad.body.error.code, param: bad.body.error.param }).toEqual({ status: 400, code: 'invalid_request', param: 'from' });
    expect((await call('GET', '/settlement/reconciliation/runs?channel=paypal', op)).status).toBe(400);
    expect((await call('GET', '/settlement/reconciliation/runs?cursor=bm90LWEtY3Vyc29y', op)).status).toBe(400);
  });

  it('the province roll-up lists all 99 counties with their figures and open cases, and sums them; counties may not read it', async () => {
    const report = await ok<ProvinceReport>(call('GET', `/settlement/reports/province?businessDate=${D}`, testActors.province()));
    expect(report.counties).toHaveLength(99);
    const a = report.counties.find((c) => c.tenantId === A)!;
    const own = await ok<DailyReport>(call('GET', `/settlement/reports/daily?businessDate=${D}`, OP1));
    expect(a).toMatchObject({
      batchStatus: own.batchStatus,
      paymentsFen: own.totals.paymentsFen,
      netFen: own.totals.netFen,
      openReconciliationCases: own.openReconciliationCases,
      ledgerTies: true,
    });
    expect(report.counties.find((c) => c.tenantId === PAGING)).toMatchObject({
      batchStatus: null,
      paymentCount: 0,
      openReconciliationCases: 10_001,
      ledgerTies: null,
    });
    expect(report.totals.openReconciliationCases).toBe(report.counties.reduce((t, c) => t + c.openReconciliationCases, 0));
    expect(report.totals.countiesCutOff).toBe(1);
    const csv = await call('GET', `/settlement/reports/province.csv?businessDate=${D}`, testActors.province());
    expect(String(csv.body).trim().split('\n')).toHaveLength(1 + 99 + 1);
    expect(String(csv.body)).toContain(`*,全省 province,,`);
    expect((await call('GET', `/settlement/reports/province?businessDate=${D}`, OP1)).status).toBe(403);
  });
});
