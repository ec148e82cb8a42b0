// Issue 10, channel reconciliation (对账) and its exception workflow (差错处理), end to end: payments
// and refunds on several channels through the gateway with the SDK, discrepancies of every class
// injected into the channel sandbox's statement files (once in each direction), reconciliation run
// by a county operator, the cases worked (re-query, adjustment proposed by one operator and approved
// by another, resolution with a note), and a re-run that changes nothing. Amounts are exact fen.
// Then a late success produced end to end: online orders the platform closed are paid at the channel
// afterwards with the notification lost (the sandbox's pay-after-close), so only the statement shows
// them; the run finds them, re-queries, and the county's policy refunds one at the channel and makes
// the other up (补单).
import { randomUUID } from 'node:crypto';
import { CountypayApiError, CountypayOperatorClient, type AcquiringOrder, type QrOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type LedgerEntry,
  type Onboarded,
  type OnboardedMerchant,
  WebhookReceiver,
  alipayCode,
  expectedFeeFen,
  onboardMerchant,
  onboardPartner,
  uniq,
  unionpayCode,
  until,
  waitForLedger,
  waitUntilPayable,
  wechatCode,
} from '../../load/platform-setup';

jest.setTimeout(240_000);

const TENANT = 't510183';
const OTHER = 't510184';

interface Run {
  id: string;
  channel: string;
  runCount: number;
  statementRows: number;
  platformRows: number;
  matched: number;
  channelOnly: number;
  platformOnly: number;
  amountMismatch: number;
  statusMismatch: number;
}
interface Case {
  id: string;
  channel: string;
  kind: 'payment' | 'refund';
  class: string;
  status: string;
  orderId: string;
  refundId: string | null;
  platformAmountFen: number | null;
  channelAmountFen: number | null;
  platformOutcome: string | null;
  channelOutcome: string | null;
  suggestedAdjustmentFen: number | null;
  adjustmentFen: number | null;
  resolution: string | null;
  ledgerEntryId: string | null;
  updatedAt: string;
  history?: Array<{ action: string; actorId: string }>;
}

const hooks = new WebhookReceiver();
let on: Onboarded;
let shop: OnboardedMerchant;
let checker: CountypayOperatorClient;
let otherCounty: CountypayOperatorClient;

const sandbox = (): string => serviceUrl('channel-sandbox');
/** today in Asia/Shanghai (UTC+8, no daylight saving): the statement day of every payment below */
const today = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

async function inject(channel: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandbox()}/admin/statement-injections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: TENANT, channel, date: today(), ...body }),
  });
  if (res.status !== 201) throw new Error(`injection refused: ${res.status} ${await res.text()}`);
}

const run = (channel: string, op = on.county): Promise<Run> =>
  op.request<Run>('POST', '/v1/settlement/reconciliation/runs', { body: { channel, businessDate: today() } });
const cases = async (op = on.county): Promise<Case[]> => {
  const all: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await op.request<{ data: Case[]; nextCursor: string | null }>('GET', '/v1/settlement/reconciliation/cases', {
      query: { limit: 100, ...(cursor ? { cursor } : {}) },
    });
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
};

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'settlement']) {
    for (let i = 0; i < 3; i++)
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  }
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    {
      tenantId: TENANT,
      name: `e2e recon partner ${uniq()}`,
      appCount: 2, // the second app pays online orders (the e2e profile limits requests per app and minute)
      callbackUrl: hooks.url,
      scopes: ['qr:pay', 'acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
    },
  );
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  shop = await onboardMerchant(on, on.apps[0]!, `金堂县对账测试超市${uniq()}`);
  const province = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: provinceToken() });
  const second = await province.request<{ token: string }>('POST', '/v1/admin/operators', {
    body: { role: 'county', tenantId: TENANT, name: `复核员${uniq()}` },
  });
  checker = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: second.token });
  const other = await province.request<{ token: string }>('POST', '/v1/admin/operators', { body: { role: 'county', tenantId: OTHER, name: `他县${uniq()}` } });
  otherCounty = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: other.token });
});

afterAll(async () => {
  await hooks.stop();
});

describe('channel reconciliation through the gateway', () => {
  it('every discrepancy class once in each direction → cases → re-query, adjustment by two operators, resolution → a re-run changes nothing', async () => {
    const app = on.apps[0]!;
    const pay = (payerCode: string, amountFen: number): Promise<QrOrder> =>
      app.client.qrOrders.payWithPayerCode({ merchantId: shop.merchantId, terminalId: shop.terminalId, outTradeNo: `rc-${uniq()}`, amountFen, payerCode });
    await waitUntilPayable(app, shop.merchantId, () => pay(wechatCode(), 100));

    const matched = await pay(wechatCode(), 10_000);
    const dropped = await pay(wechatCode(), 20_000); // 短款: missing from the statement; the channel's query confirms the payment
    const up = await pay(wechatCode(), 30_000); // the statement says 301.00
    const down = await pay(alipayCode(), 40_000); // the statement says 399.00
    const closedAtChannel = await pay(unionpayCode(), 50_000); // the statement says closed; the channel's query says paid
    const refundedOrder = await pay(alipayCode(), 60_000);
    for (const o of [matched, dropped, up, down, closedAtChannel, refundedOrder]) expect(o.status).toBe('succeeded');
    const refundUp = await app.client.qrOrders.refund(refundedOrder.id, { outRefundNo: 'rc-1', amountFen: 1_000 });
    const refundDropped = await app.client.qrOrders.refund(refundedOrder.id, { outRefundNo: 'rc-2', amountFen: 2_000 });
    // settlement has them all (its ledger and its reconciliation read model are written in one transaction per event)
    for (const o of [matched, dropped, up, down, closedAtChannel]) await waitForLedger(app.client, o.id);
    await waitForLedger(app.client, refundedOrder.id, 3);

    const ghostOrder = randomUUID();
    const ghostRefund = randomUUID();
    await inject('wechat', { kind: 'drop_row', type: 'payment', orderId: dropped.id });
    await inject('wechat', { kind: 'change_amount', type: 'payment', orderId: up.id, amountFen: '30100' });
    await inject('wechat', { kind: 'add_row', type: 'payment', orderId: ghostOrder, amountFen: '5500', status: 'succeeded' });
    await inject('alipay', { kind: 'change_amount', type: 'payment', orderId: down.id, amountFen: '39900' });
    await inject('alipay', { kind: 'change_amount', type: 'refund', orderId: refundedOrder.id, refundId: refundUp.id, amountFen: '1001' });
    await inject('alipay', { kind: 'drop_row', type: 'refund', orderId: refundedOrder.id, refundId: refundDropped.id });
    await inject('alipay', { kind: 'add_row', type: 'refund', orderId: refundedOrder.id, refundId: ghostRefund, amountFen: '700', status: 'succeeded' });
    await inject('unionpay', { kind: 'change_status', type: 'payment', orderId: closedAtChannel.id, status: 'closed' });

    // (the e2e database may hold earlier runs of this test: the checks below look at this run's movements only)
    const runs = { wechat: await run('wechat'), alipay: await run('alipay'), unionpay: await run('unionpay') };
    expect(runs.wechat.channelOnly).toBeGreaterThanOrEqual(1);
    expect(runs.wechat.platformOnly).toBeGreaterThanOrEqual(1);
    expect(runs.alipay.amountMismatch).toBeGreaterThanOrEqual(2);
    expect(runs.unionpay.statusMismatch).toBeGreaterThanOrEqual(1);
    expect(runs.wechat.matched).toBeGreaterThanOrEqual(2); // the matched order and the probe payment
    const mine = new Set([matched.id, dropped.id, up.id, down.id, closedAtChannel.id, refundedOrder.id, ghostOrder]);

    const all = (await cases()).filter((c) => mine.has(c.orderId));
    const of = (kind: 'payment' | 'refund', id: string): Case => {
      const c = all.find((x) => x.kind === kind && (kind === 'payment' ? x.orderId === id : x.refundId === id));
      if (!c) throw new Error(`no ${kind} case for ${id}: ${JSON.stringify(all.map((x) => [x.kind, x.orderId, x.refundId]))}`);
      return c;
    };
    expect(all).toHaveLength(8);
    expect(of('payment', dropped.id)).toMatchObject({
      class: 'platform_only',
      platformAmountFen: 20_000,
      channelAmountFen: null,
      status: 'resolved',
      resolution: 'requery_matched',
    });
    expect(of('payment', up.id)).toMatchObject({
      class: 'amount_mismatch',
      platformAmountFen: 30_000,
      channelAmountFen: 30_100,
      suggestedAdjustmentFen: 100,
      status: 'pending_review',
    });
    expect(of('payment', ghostOrder)).toMatchObject({ class: 'channel_only', platformAmountFen: null, channelAmountFen: 5_500, status: 'pending_review' });
    expect(of('payment', down.id)).toMatchObject({
      class: 'amount_mismatch',
      platformAmountFen: 40_000,
      channelAmountFen: 39_900,
      suggestedAdjustmentFen: -100,
    });
    expect(of('refund', refundUp.id)).toMatchObject({
      class: 'amount_mismatch',
      platformAmountFen: 1_000,
      channelAmountFen: 1_001,
      suggestedAdjustmentFen: -1,
    });
    // the dropped refund was made at the channel: its refund query (退款查询) says so, the statement was wrong
    expect(of('refund', refundDropped.id)).toMatchObject({
      class: 'platform_only',
      platformAmountFen: 2_000,
      channelAmountFen: null,
      status: 'resolved',
      resolution: 'requery_matched',
    });
    expect(of('refund', ghostRefund)).toMatchObject({ class: 'channel_only', channelAmountFen: 700 });
    expect(of('payment', closedAtChannel.id)).toMatchObject({
      class: 'status_mismatch',
      platformOutcome: 'succeeded',
      channelOutcome: 'closed',
      status: 'resolved',
      resolution: 'requery_matched',
    });

    // amount mismatch: one operator proposes, the same one cannot approve, a second one does; posted once
    const upCase = of('payment', up.id);
    await on.county.request('POST', `/v1/settlement/reconciliation/cases/${upCase.id}/adjustment`, { body: { amountFen: 100, reason: '渠道实收多 1 元' } });
    const self = await apiError(on.county.request('POST', `/v1/settlement/reconciliation/cases/${upCase.id}/adjustment/approve`));
    expect({ status: self.status, code: self.code }).toEqual({ status: 409, code: 'approval_already_given' });
    const approved = await checker.request<Case>('POST', `/v1/settlement/reconciliation/cases/${upCase.id}/adjustment/approve`);
    expect(approved).toMatchObject({ status: 'resolved', resolution: 'adjustment_posted', adjustmentFen: 100, ledgerEntryId: upCase.id });
    // the county's ledger (an adjustment belongs to no partner app: the operator sees it)
    const countyLedger = async (orderId: string): Promise<LedgerEntry[]> =>
      (await on.county.request<{ data: LedgerEntry[] }>('GET', '/v1/ledger/entries', { query: { orderId, limit: 100 } })).data;
    const entries = await countyLedger(up.id);
    expect(
      entries
        .filter((e) => e.sourceType === 'reconciliation.adjustment')
        .map((e) => [e.amountFen, e.postings.map((p) => [p.account, p.direction, p.amountFen])]),
    ).toEqual([
      [
        100,
        [
          ['channel_receivable:wechat', 'debit', 100],
          [`merchant_payable:${shop.merchantId}`, 'credit', 100],
        ],
      ],
    ]);
    // a channel-only case is closed by an operator with a note
    const ghost = await on.county.request<Case>('POST', `/v1/settlement/reconciliation/cases/${of('payment', ghostOrder).id}/resolve`, {
      body: { note: '渠道多记一笔，已联系渠道冲正' },
    });
    expect(ghost).toMatchObject({ status: 'resolved', resolution: 'operator_resolved' });

    // another county's operator: 404 for every case of this county, and none in its list
    const theirs = await apiError(otherCounty.request('GET', `/v1/settlement/reconciliation/cases/${upCase.id}`));
    expect(theirs.status).toBe(404);
    expect(
      (await apiError(otherCounty.request('POST', `/v1/settlement/reconciliation/cases/${of('payment', down.id).id}/resolve`, { body: { note: 'x' } }))).status,
    ).toBe(404);
    expect((await cases(otherCounty)).filter((c) => c.orderId === up.id)).toEqual([]);

    // a re-run of every channel: the same counts, no new case, no second posting, the cases unchanged
    const before = (await cases()).filter((c) => mine.has(c.orderId));
    for (const ch of ['wechat', 'alipay', 'unionpay'] as const) {
      const again = await run(ch, checker);
      const { id, statementRows, matched: m, channelOnly, platformOnly, amountMismatch, statusMismatch } = runs[ch];
      expect(again).toMatchObject({
        id,
        statementRows,
        matched: m,
        channelOnly,
        platformOnly,
        amountMismatch,
        statusMismatch,
        runCount: runs[ch].runCount + 1,
      });
    }
    const after = (await cases()).filter((c) => mine.has(c.orderId));
    expect(after.map((c) => [c.id, c.status, c.resolution, c.adjustmentFen])).toEqual(before.map((c) => [c.id, c.status, c.resolution, c.adjustmentFen]));
    expect((await countyLedger(up.id)).filter((e) => e.sourceType === 'reconciliation.adjustment')).toHaveLength(1);
  });

  it('a late success produced end to end: closed online orders paid at the channel afterwards → status mismatch → refunded automatically, or made up (补单); a re-run changes nothing', async () => {
    const app = on.apps[1]!;
    const newOrder = (amountFen: number): Promise<AcquiringOrder> =>
      app.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: `rl-${uniq()}`, amountFen, subject: '金堂脐橙 5kg' });
    // acquiring learns of the merchant from onboarding's event
    await until(
      'acquiring to know the merchant',
      async () => {
        try {
          return await newOrder(100);
        } catch (err) {
          if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found')) return undefined;
          throw err;
        }
      },
      60_000,
      500,
    );
    const policy = (lateSuccessAction: 'refund' | 'make_up_order'): Promise<unknown> =>
      on.county.request('PUT', '/v1/settlement/reconciliation/settings', { body: { lateSuccessAction } });
    const atChannel = async (orderId: string): Promise<{ status: string; amountFen: number; refundedFen: number }> =>
      (await (await fetch(`${sandbox()}/channels/wechat/payments/${orderId}?tenantId=${TENANT}`)).json()) as {
        status: string;
        amountFen: number;
        refundedFen: number;
      };
    const payAfterClose = async (orderId: string): Promise<void> => {
      const res = await fetch(`${sandbox()}/online/payer/wechat/${orderId}/pay-after-close`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: TENANT, notify: false }), // the channel's notification is lost
      });
      expect(res.status).toBe(200);
    };
    const paymentCases = async (orderId: string): Promise<Case[]> => (await cases()).filter((x) => x.orderId === orderId);
    const caseOf = async (orderId: string): Promise<Case> => {
      const c = await paymentCases(orderId);
      expect(c.map((x) => x.kind)).toEqual(['payment']);
      return on.county.request<Case>('GET', `/v1/settlement/reconciliation/cases/${c[0]!.id}`);
    };
    const countyLedger = async (orderId: string): Promise<LedgerEntry[]> =>
      (await on.county.request<{ data: LedgerEntry[] }>('GET', '/v1/ledger/entries', { query: { orderId, limit: 100 } })).data;

    // two online orders: the payer opens WeChat's page for each, the platform closes both (关单 at the channel too)
    await policy('refund');
    const before = await run('wechat');
    const refunded = await newOrder(7_700);
    const madeUp = await newOrder(8_800);
    for (const o of [refunded, madeUp]) {
      await app.client.acquiringOrders.pay(o.id, { method: 'wechat_h5' });
      expect((await app.client.acquiringOrders.close(o.id)).status).toBe('closed');
      expect((await atChannel(o.id)).status).toBe('closed');
    }
    // settlement's record of the two closed orders (a closed order is on no statement: a run has nothing to say about it yet)
    await until(
      "settlement's reconciliation to know the closed orders",
      async () => ((await run('wechat')).platformRows >= before.platformRows + 2 ? true : undefined),
      30_000,
      300,
    );
    expect(await paymentCases(refunded.id)).toEqual([]);

    // ── policy 自动退款: the payer pays the first after the close; only the statement says so ──
    await payAfterClose(refunded.id);
    expect(await atChannel(refunded.id)).toMatchObject({ status: 'succeeded', amountFen: 7_700, refundedFen: 0 });
    expect((await run('wechat')).statusMismatch).toBeGreaterThanOrEqual(1);
    const rc = await caseOf(refunded.id);
    expect(rc).toMatchObject({
      class: 'status_mismatch',
      platformOutcome: 'closed',
      channelOutcome: 'succeeded',
      platformAmountFen: 7_700,
      channelAmountFen: 7_700,
      status: 'resolved',
      resolution: 'auto_refund',
      adjustmentFen: null,
      ledgerEntryId: null,
    });
    expect(rc.history?.map((h) => h.action)).toEqual(['opened', 'auto_refund']);
    expect(rc.history?.[1]?.actorId).toBe('reconciliation');
    // refunded in full at the channel, under the case's number
    expect(await atChannel(refunded.id)).toMatchObject({ status: 'succeeded', refundedFen: 7_700 });
    const refundAtChannel = await fetch(`${sandbox()}/channels/wechat/refunds/${rc.id}?tenantId=${TENANT}`);
    expect(refundAtChannel.status).toBe(200);
    expect(await refundAtChannel.json()).toMatchObject({ status: 'succeeded', orderId: refunded.id, amountFen: 7_700 });
    // no money of it stayed with the platform: nothing in the ledger, which stays balanced; the order stays closed
    expect(await countyLedger(refunded.id)).toEqual([]);
    expect(await on.county.request('GET', '/v1/ledger/trial-balance')).toMatchObject({ balanced: true });
    expect(await app.client.acquiringOrders.get(refunded.id)).toMatchObject({ status: 'closed', refundedFen: 0 });

    // ── policy 补单: the second is paid after the close too; online acquiring makes the order succeed ──
    await policy('make_up_order');
    await payAfterClose(madeUp.id);
    await run('wechat');
    const mc = await caseOf(madeUp.id);
    expect(mc).toMatchObject({
      class: 'status_mismatch',
      platformOutcome: 'closed',
      channelOutcome: 'succeeded',
      status: 'resolved',
      resolution: 'make_up_order',
      adjustmentFen: null,
      ledgerEntryId: null,
    });
    expect(mc.history?.map((h) => [h.action, h.actorId])).toEqual([
      ['opened', expect.any(String)],
      ['make_up_order', 'reconciliation'],
    ]);
    expect(await atChannel(madeUp.id)).toMatchObject({ status: 'succeeded', refundedFen: 0 }); // kept, not refunded
    // the order succeeded (made up, the channel's trade number recorded); the partner is told by webhook
    expect(await app.client.acquiringOrders.get(madeUp.id)).toMatchObject({ status: 'succeeded', channelTradeNo: expect.any(String), refundedFen: 0 });
    const hook = await hooks.waitFor('payment.succeeded', madeUp.id);
    expect(hook.verified).toBe(true);
    expect(hook.event.data).toMatchObject({ orderId: madeUp.id, product: 'acquiring', amountFen: 8_800, channel: 'wechat' });
    // settlement posts it as any payment, fee included, and nothing of its own (no adjustment: credited once)
    const madeUpEntries = async (): Promise<unknown[]> => (await countyLedger(madeUp.id)).map((e) => [e.sourceType, e.amountFen, e.feeFen]);
    await waitForLedger(app.client, madeUp.id);
    expect(await madeUpEntries()).toEqual([['payment.succeeded', 8_800, Number(expectedFeeFen(8_800n, 55n, 1n))]]);
    expect(await on.county.request('GET', '/v1/ledger/trial-balance')).toMatchObject({ balanced: true });
    // (settlement's read model records the success in the same consumer transaction as that posting:
    // the re-run below sees the order succeeded)

    // a re-run of the date: the same counts, the same two cases, no second refund at the channel, no second
    // posting — the automatic refund's own statement line is the platform's movement (matched, no new case)
    const last = await run('wechat');
    const again = await run('wechat', checker);
    const { id, statementRows, platformRows, matched, channelOnly, platformOnly, amountMismatch, statusMismatch } = last;
    expect(again).toMatchObject({
      id,
      statementRows,
      platformRows,
      matched,
      channelOnly,
      platformOnly,
      amountMismatch,
      statusMismatch,
      runCount: last.runCount + 1,
    });
    expect([...(await paymentCases(refunded.id)), ...(await paymentCases(madeUp.id))].map((c) => [c.kind, c.id, c.status, c.resolution])).toEqual([
      ['payment', rc.id, 'resolved', 'auto_refund'],
      ['payment', mc.id, 'resolved', 'make_up_order'],
    ]);
    expect(await atChannel(refunded.id)).toMatchObject({ refundedFen: 7_700 });
    expect(await madeUpEntries()).toHaveLength(1);
    expect(new Set(hooks.about('payment.succeeded', madeUp.id).map((h) => h.webhookId)).size).toBe(1);
    expect(await app.client.acquiringOrders.get(madeUp.id)).toMatchObject({ status: 'succeeded' });
    await policy('refund'); // the county's default again (the e2e database outlives the test)
  });
});
