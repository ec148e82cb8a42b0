// Issue 8, online acquiring, end to end: through the gateway with the SDK as a partner would, against
// the whole platform with the channel sandbox's online wallets and UnionPay behind it (the sandbox's
// simulated payer pays or declines on the channel's page). Amounts are exact fen everywhere.
import { CountypayApiError, type AcquiringOrder, type OnlinePaymentMethod } from '@countypay/sdk';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { luhnCheckDigit, residentIdCheckCharacter } from '@countypay/security';
import { apiError, gatewayUrl, platformLogs, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  expectedFeeFen,
  randomDigits,
  onboardMerchant,
  onboardPartner,
  uniq,
  until,
  waitForLedger,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510121';
const OTHER_TENANT = 't510129';
const SCOPES = ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
const hooks = new WebhookReceiver();
let on: Onboarded;
let other: Onboarded;
/** one app per group of tests: the e2e profile allows 120 requests per minute and app */
let app: Record<'setup' | 'methods' | 'outcomes' | 'close' | 'jobs' | 'refunds' | 'cards', OnboardedApp>;
let shop: OnboardedMerchant;
/** left to expire (the shortest expiry, 60 s): one never paid, one whose payment is in progress at the channel */
let expiringCreated: AcquiringOrder;
let expiringPaying: AcquiringOrder;

const sandbox = (): string => serviceUrl('channel-sandbox');
const CHANNEL_OF: Record<Exclude<OnlinePaymentMethod, 'county_credit'>, string> = {
  wechat_jsapi: 'wechat',
  wechat_h5: 'wechat',
  wechat_native: 'wechat',
  alipay_wap: 'alipay',
  alipay_page: 'alipay',
  unionpay_online: 'unionpay',
};

/** The simulated payer on the channel's page. */
async function payer(channel: string, orderId: string, action: 'pay' | 'decline', reason?: string, notify = true): Promise<{ status: string }> {
  const r = await fetch(`${sandbox()}/online/payer/${channel}/${orderId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: TENANT, action, notify, ...(reason ? { reason } : {}) }),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as { status: string };
}

function finalOrder(a: OnboardedApp, id: string, timeoutMs = 30_000, everyMs = 300): Promise<AcquiringOrder> {
  return until(
    `order ${id} to be final`,
    async () => {
      const o = await a.client.acquiringOrders.get(id);
      return o.status === 'created' || o.status === 'paying' ? undefined : o;
    },
    timeoutMs,
    everyMs,
  );
}

function newOrder(a: OnboardedApp, amountFen: number, over: Record<string, unknown> = {}): Promise<AcquiringOrder> {
  return a.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: `acq-${uniq()}`, amountFen, subject: '金堂脐橙 5kg', ...over });
}

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'acquiring']) {
    for (let i = 0; i < 3; i++)
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  }
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e mall ${uniq()}`, appCount: 7, callbackUrl: hooks.url, scopes: SCOPES },
  );
  const [setup, methods, outcomes, close, jobs, refunds, cards] = on.apps;
  app = { setup: setup!, methods: methods!, outcomes: outcomes!, close: close!, jobs: jobs!, refunds: refunds!, cards: cards! };
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  shop = await onboardMerchant(on, app.setup, `金堂县e2e商城${uniq()}`);
  // acquiring learns of the merchant from onboarding's event: wait until it takes orders for it
  await until(
    'acquiring to know the merchant',
    async () => {
      try {
        return await newOrder(app.setup, 100);
      } catch (err) {
        if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found')) return undefined;
        throw err;
      }
    },
    60_000,
    500,
  );
  expiringCreated = await newOrder(app.jobs, 6_001, { expiresInSeconds: 60 });
  expiringPaying = await newOrder(app.jobs, 6_002, { expiresInSeconds: 60 });
  await app.jobs.client.acquiringOrders.pay(expiringPaying.id, { method: 'alipay_wap' });
  other = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: OTHER_TENANT, name: `e2e other county ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
});

afterAll(async () => {
  await hooks.stop();
});

describe('orders', () => {
  it('create, query by id and by outTradeNo, list with filters; another county answers 404', async () => {
    const created = await newOrder(app.setup, 12_345, { expiresInSeconds: 600, returnUrl: 'https://mall.example/back' });
    expect(created).toMatchObject({
      status: 'created',
      amountFen: 12_345,
      refundStatus: 'none',
      method: null,
      cashierPath: `/v1/acquiring/cashier/${TENANT}/${created.id}`,
    });
    expect(await app.setup.client.acquiringOrders.get(created.id)).toEqual(created);
    expect(await app.setup.client.acquiringOrders.getByOutTradeNo(created.outTradeNo)).toEqual(created);
    const page = await app.setup.client.acquiringOrders.list({ minAmountFen: 12_345, maxAmountFen: 12_345, status: 'created', limit: 100 });
    expect(page.data.map((o) => o.id)).toContain(created.id);
    expect((await apiError(other.apps[0]!.client.acquiringOrders.get(created.id))).status).toBe(404);
    expect((await apiError(other.apps[0]!.client.acquiringOrders.pay(created.id, { method: 'alipay_wap' }))).status).toBe(404);
    expect((await apiError(other.apps[0]!.client.acquiringOrders.close(created.id))).status).toBe(404);
    const dup = await apiError(
      app.setup.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: created.outTradeNo, amountFen: 1, subject: 'x' }),
    );
    expect([dup.status, dup.code]).toEqual([409, 'duplicate_out_trade_no']);
  });
});

describe('wallet and UnionPay online payments through the sandbox', () => {
  it.each([
    ['wechat_jsapi', 1_001, 'js_bridge'],
    ['wechat_h5', 1_002, 'redirect'],
    ['wechat_native', 1_003, 'qr_code'],
    ['alipay_wap', 1_004, 'redirect'],
    ['alipay_page', 1_005, 'redirect'],
    ['unionpay_online', 1_006, 'redirect'],
  ] as const)(
    '%s: the cashier gets what it needs; the payer pays; the notification makes it succeeded, webhook and ledger follow',
    async (method, amountFen, action) => {
      const order = await newOrder(app.methods, amountFen);
      const started = await app.methods.client.acquiringOrders.pay(order.id, { method, ...(method === 'wechat_jsapi' ? { payerId: `o_${uniq()}` } : {}) });
      expect(started.order).toMatchObject({ status: 'paying', method, channel: CHANNEL_OF[method] });
      expect(started.next.action).toBe(action);
      if (action === 'js_bridge') expect(started.next.payParams).toMatchObject({ package: expect.stringMatching(/^prepay_id=/), signType: 'RSA' });
      if (action === 'qr_code') expect(started.next.qrPayload).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
      if (action === 'redirect') expect(started.next.redirectUrl).toContain(`/online/checkout/${CHANNEL_OF[method]}/${order.id}`);
      // nothing but the channel makes it succeeded
      expect((await app.methods.client.acquiringOrders.get(order.id)).status).toBe('paying');
      expect((await payer(CHANNEL_OF[method], order.id, 'pay')).status).toBe('succeeded');
      const done = await finalOrder(app.methods, order.id);
      expect(done).toMatchObject({ status: 'succeeded', amountFen, channelTradeNo: expect.any(String), paidAt: expect.any(String) });
      const hook = await hooks.waitFor('payment.succeeded', order.id);
      expect(hook.verified).toBe(true);
      expect(hook.event.data).toMatchObject({ orderId: order.id, product: 'acquiring', amountFen, channel: CHANNEL_OF[method] });
      const [entry] = await waitForLedger(app.methods.client, order.id);
      expect(entry).toMatchObject({ sourceType: 'payment.succeeded', amountFen, feeFen: Number(expectedFeeFen(BigInt(amountFen), 55n, 1n)) });
    },
  );

  it('a declined payment fails with the channel reason and a payment.failed webhook', async () => {
    const order = await newOrder(app.outcomes, 2_000);
    await app.outcomes.client.acquiringOrders.pay(order.id, { method: 'alipay_wap' });
    await payer('alipay', order.id, 'decline', 'card_frozen');
    expect(await finalOrder(app.outcomes, order.id)).toMatchObject({ status: 'failed', failureReason: 'card_frozen' });
    expect((await hooks.waitFor('payment.failed', order.id)).event.data).toMatchObject({ reason: 'card_frozen', product: 'acquiring' });
    expect((await apiError(app.outcomes.client.acquiringOrders.pay(order.id, { method: 'alipay_wap' }))).code).toBe('order_not_payable');
  });

  it.each([
    ['duplicated', 2_141],
    ['out of order (a stale user_paying after the success)', 2_142],
    ['late', 2_143],
  ])('a %s notification is applied once: one success, one webhook, one ledger entry', async (_what, amountFen) => {
    const order = await newOrder(app.outcomes, amountFen);
    await app.outcomes.client.acquiringOrders.pay(order.id, { method: 'wechat_h5' });
    await payer('wechat', order.id, 'pay');
    expect(await finalOrder(app.outcomes, order.id)).toMatchObject({ status: 'succeeded' });
    await waitForLedger(app.outcomes.client, order.id);
    await new Promise((r) => setTimeout(r, 1500)); // room for a second delivery
    expect((await app.outcomes.client.acquiringOrders.get(order.id)).status).toBe('succeeded');
    expect(new Set(hooks.about('payment.succeeded', order.id).map((h) => h.webhookId)).size).toBe(1);
    const entries = await waitForLedger(app.outcomes.client, order.id);
    expect(entries).toHaveLength(1);
  });

  it('switching method closes the first channel order; closing a paying order closes it at the channel', async () => {
    const order = await newOrder(app.close, 3_000);
    await app.close.client.acquiringOrders.pay(order.id, { method: 'alipay_wap' });
    const switched = await app.close.client.acquiringOrders.pay(order.id, { method: 'unionpay_online' });
    expect(switched.order).toMatchObject({ status: 'paying', channel: 'unionpay', method: 'unionpay_online' });
    const alipay = (await (await fetch(`${sandbox()}/channels/alipay/payments/${order.id}?tenantId=${TENANT}`)).json()) as { status: string };
    expect(alipay.status).toBe('closed');
    const closed = await app.close.client.acquiringOrders.close(order.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'closed_by_partner' });
    const unionpay = (await (await fetch(`${sandbox()}/channels/unionpay/payments/${order.id}?tenantId=${TENANT}`)).json()) as { status: string };
    expect(unionpay.status).toBe('closed');
    expect((await hooks.waitFor('payment.closed', order.id)).event.data).toMatchObject({ reason: 'closed_by_partner', channel: 'unionpay' });
  });

  it('closing an order the payer has just paid answers invalid_state_transition and the order is succeeded', async () => {
    const order = await newOrder(app.close, 3_100);
    const callbackless = await app.close.client.acquiringOrders.pay(order.id, { method: 'alipay_page' });
    expect(callbackless.order.status).toBe('paying');
    await payer('alipay', order.id, 'pay');
    const err = await apiError(app.close.client.acquiringOrders.close(order.id));
    expect([err.status, err.code]).toEqual([409, 'invalid_state_transition']);
    expect((await app.close.client.acquiringOrders.get(order.id)).status).toBe('succeeded');
  });
});

/** What the channel sandbox holds for an order. */
async function atChannel(channel: string, orderId: string): Promise<{ status: string; amountFen: number; refundedFen: number }> {
  const r = await fetch(`${sandbox()}/channels/${channel}/payments/${orderId}?tenantId=${TENANT}`);
  return (await r.json()) as { status: string; amountFen: number; refundedFen: number };
}

describe('jobs', () => {
  it('a payment whose notification was lost is found by querying the channel (补单)', async () => {
    const order = await newOrder(app.jobs, 4_000);
    await app.jobs.client.acquiringOrders.pay(order.id, { method: 'wechat_h5' });
    await payer('wechat', order.id, 'pay', undefined, false);
    expect((await app.jobs.client.acquiringOrders.get(order.id)).status).toBe('paying');
    expect(await finalOrder(app.jobs, order.id, 20_000)).toMatchObject({ status: 'succeeded' });
    expect((await hooks.waitFor('payment.succeeded', order.id)).event.data).toMatchObject({ amountFen: 4_000 });
    await waitForLedger(app.jobs.client, order.id);
  });

  it('a success arriving for a closed order is not applied: an exception item for operators and an automatic refund', async () => {
    const order = await newOrder(app.jobs, 4_100);
    await app.jobs.client.acquiringOrders.pay(order.id, { method: 'wechat_h5' });
    expect((await app.jobs.client.acquiringOrders.close(order.id)).status).toBe('closed');
    expect((await atChannel('wechat', order.id)).status).toBe('closed');
    // the payer confirms on a page opened before the close: the channel takes the money and notifies
    const late = await fetch(`${sandbox()}/online/payer/wechat/${order.id}/pay-after-close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: TENANT }),
    });
    expect(late.status).toBe(200);
    const item = await until(
      'the exception to be refunded',
      async () => {
        const page = await on.county.request<{ data: Array<{ orderId: string; resolution: string; amountFen: number; kind: string; refundId: string }> }>(
          'GET',
          '/v1/acquiring/exceptions',
          { query: { orderId: order.id } },
        );
        return page.data.find((x) => x.resolution === 'refunded');
      },
      20_000,
      300,
    );
    expect(item).toMatchObject({ orderId: order.id, kind: 'paid_after_close', amountFen: 4_100 });
    expect(await atChannel('wechat', order.id)).toMatchObject({ status: 'succeeded', refundedFen: 4_100 });
    const after = await app.jobs.client.acquiringOrders.get(order.id);
    expect(after).toMatchObject({ status: 'closed', refundStatus: 'none', refundedFen: 0 });
    expect(hooks.about('payment.succeeded', order.id)).toEqual([]);
    // another county's operator sees none of it
    const theirs = await other.county.request<{ data: unknown[] }>('GET', '/v1/acquiring/exceptions', { query: { orderId: order.id } });
    expect(theirs.data).toEqual([]);
  });

  it('expired orders are closed by the job, a payment in progress closed at the channel first', async () => {
    const created = await finalOrder(app.jobs, expiringCreated.id, 90_000, 2_000);
    expect(created).toMatchObject({ status: 'closed', closeReason: 'expired' });
    const paying = await finalOrder(app.jobs, expiringPaying.id, 30_000, 2_000);
    expect(paying).toMatchObject({ status: 'closed', closeReason: 'expired', channel: 'alipay' });
    expect((await atChannel('alipay', expiringPaying.id)).status).toBe('closed');
    expect((await hooks.waitFor('payment.closed', expiringPaying.id)).event.data).toMatchObject({ reason: 'expired' });
    expect((await apiError(app.jobs.client.acquiringOrders.pay(expiringCreated.id, { method: 'wechat_h5' }))).code).toBe('order_not_payable');
  });
});

describe('refunds', () => {
  let paid: AcquiringOrder;

  beforeAll(async () => {
    paid = await newOrder(app.refunds, 10_000);
    await app.refunds.client.acquiringOrders.pay(paid.id, { method: 'alipay_wap' });
    await payer('alipay', paid.id, 'pay');
    expect(await finalOrder(app.refunds, paid.id)).toMatchObject({ status: 'succeeded' });
  });

  it('partial and several refunds, never above what was paid; the same refund number is the same refund', async () => {
    const first = await app.refunds.client.acquiringOrders.refund(paid.id, { outRefundNo: `rf1-${uniq()}`, amountFen: 3_000, reason: '商品缺货' });
    expect(first).toMatchObject({ status: 'succeeded', amountFen: 3_000, channelRefundNo: expect.any(String) });
    expect(await app.refunds.client.acquiringOrders.get(paid.id)).toMatchObject({ refundStatus: 'partial', refundedFen: 3_000 });
    const again = await app.refunds.client.acquiringOrders.refund(paid.id, { outRefundNo: first.outRefundNo, amountFen: 3_000 });
    expect(again.id).toBe(first.id);
    const changed = await apiError(app.refunds.client.acquiringOrders.refund(paid.id, { outRefundNo: first.outRefundNo, amountFen: 3_001 }));
    expect([changed.status, changed.code]).toEqual([409, 'conflict']);
    const over = await apiError(app.refunds.client.acquiringOrders.refund(paid.id, { outRefundNo: `rf2-${uniq()}`, amountFen: 7_001 }));
    expect([over.status, over.code]).toEqual([422, 'refund_exceeds_refundable']);
    const rest = await app.refunds.client.acquiringOrders.refund(paid.id, { outRefundNo: `rf3-${uniq()}`, amountFen: 7_000 });
    expect(rest.status).toBe('succeeded');
    expect(await app.refunds.client.acquiringOrders.get(paid.id)).toMatchObject({ refundStatus: 'full', refundedFen: 10_000 });
    const list = await app.refunds.client.acquiringOrders.listRefunds(paid.id);
    expect(list.data.map((r) => [r.amountFen, r.status])).toEqual([
      [3_000, 'succeeded'],
      [7_000, 'succeeded'],
    ]);
    expect((await hooks.waitFor('refund.succeeded', rest.id)).event.data).toMatchObject({ amountFen: 7_000, product: 'acquiring', orderId: paid.id });
    // the ledger: the payment and both refunds
    const entries = await waitForLedger(app.refunds.client, paid.id, 3);
    expect(entries.map((e) => [e.sourceType, e.amountFen]).sort()).toEqual([
      ['payment.succeeded', 10_000],
      ['refund.succeeded', 3_000],
      ['refund.succeeded', 7_000],
    ]);
    expect((await apiError(other.apps[0]!.client.acquiringOrders.refund(paid.id, { outRefundNo: `x-${uniq()}`, amountFen: 1 }))).status).toBe(404);
    expect((await apiError(other.apps[0]!.client.acquiringOrders.getRefund(first.id))).status).toBe(404);
  });

  it('a refund whose channel call timed out is resolved by querying the channel, not left pending', async () => {
    const order = await newOrder(app.refunds, 5_000);
    await app.refunds.client.acquiringOrders.pay(order.id, { method: 'wechat_native' });
    await payer('wechat', order.id, 'pay');
    await finalOrder(app.refunds, order.id);
    const scenario = await fetch(`${sandbox()}/admin/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'wechat', orderId: order.id, tenantId: TENANT, behaviour: 'timeout' }),
    });
    expect(scenario.status).toBe(201);
    const refund = await app.refunds.client.acquiringOrders.refund(order.id, { outRefundNo: `rft-${uniq()}`, amountFen: 1_500 });
    expect(refund).toMatchObject({ status: 'succeeded', amountFen: 1_500, channelRefundNo: expect.any(String) });
    expect(await app.refunds.client.acquiringOrders.getRefund(refund.id)).toMatchObject({ status: 'succeeded' });
    expect(await atChannel('wechat', order.id)).toMatchObject({ refundedFen: 1_500 });
    expect(await app.refunds.client.acquiringOrders.get(order.id)).toMatchObject({ refundStatus: 'partial', refundedFen: 1_500 });
  });

  it('an unpaid order is not refundable', async () => {
    const order = await newOrder(app.refunds, 5_100);
    const err = await apiError(app.refunds.client.acquiringOrders.refund(order.id, { outRefundNo: `rfu-${uniq()}`, amountFen: 100 }));
    expect([err.status, err.code]).toEqual([409, 'order_not_refundable']);
  });
});

describe('bank-card quick pay with agreement signing', () => {
  const holder = { holderName: '李四', idNumber: '11010519491231002X', mobile: `139${randomDigits(8)}` };
  let cardNo: string;

  /** A county bank debit card (its deposit account) with the holder's details at the bank. */
  async function openCard(balanceFen: number, mobile = holder.mobile): Promise<string> {
    const body = `622848${randomDigits(12)}`;
    const card = `${body}${luhnCheckDigit(body)}`;
    const acct = await fetch(`${sandbox()}/core/${TENANT}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountNo: card, holderName: holder.holderName, balanceFen }),
    });
    expect(acct.status).toBe(201);
    const h = await fetch(`${sandbox()}/core/${TENANT}/cards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cardNo: card, idNumber: holder.idNumber, mobile }),
    });
    expect(h.status).toBe(201);
    return card;
  }

  /** The latest SMS code the test phone received (the sandbox SMS gateway's admin API). */
  async function latestCode(mobile = holder.mobile): Promise<string> {
    const r = (await (await fetch(`${sandbox()}/admin/sms?tenantId=${TENANT}&mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
    const m = /验证码 (\d{6})/.exec(r.data[0]?.text ?? '');
    if (!m?.[1]) throw new Error(`no SMS code for ${mobile}`);
    return m[1];
  }

  async function bound(card: string, mobile = holder.mobile): Promise<string> {
    const b = await app.cards.client.acquiringCards.bind({ ...holder, mobile, cardNo: card });
    const a = await app.cards.client.acquiringCards.confirm(b.agreementId, await latestCode(mobile));
    expect(a.status).toBe('active');
    return a.agreementId;
  }

  beforeAll(async () => {
    cardNo = await openCard(1_000_000);
  });

  it('binding: the bank checks the four elements; the SMS code confirms; the card is shown as BIN + last 4 only', async () => {
    const malformed = await apiError(app.cards.client.acquiringCards.bind({ ...holder, idNumber: '110105194912310029', cardNo }));
    expect([malformed.status, malformed.code]).toEqual([400, 'invalid_id_number']);
    const someoneElse = `51012119800101001${residentIdCheckCharacter('51012119800101001')}`;
    const wrong = await apiError(app.cards.client.acquiringCards.bind({ ...holder, idNumber: someoneElse, cardNo }));
    expect([wrong.status, wrong.code]).toEqual([422, 'card_verification_failed']);
    const b = await app.cards.client.acquiringCards.bind({ ...holder, cardNo });
    expect(b).toMatchObject({ status: 'pending', cardBin: '622848', cardLast4: cardNo.slice(-4), strength: 'two_factor' });
    expect(JSON.stringify(b)).not.toContain(cardNo);
    expect(b.sentTo).not.toContain(holder.mobile);
    const tooSoon = await apiError(app.cards.client.acquiringCards.resendCode(b.agreementId));
    expect([tooSoon.status, tooSoon.code]).toEqual([429, 'sms_resend_too_soon']);
    const code = await latestCode();
    const bad = await apiError(app.cards.client.acquiringCards.confirm(b.agreementId, code === '000000' ? '111111' : '000000'));
    expect(bad.code).toBe('sms_code_invalid');
    const active = await app.cards.client.acquiringCards.confirm(b.agreementId, code);
    expect(active).toMatchObject({ status: 'active', cardLast4: cardNo.slice(-4) });
    // the same code again is refused
    expect((await apiError(app.cards.client.acquiringCards.confirm(b.agreementId, code))).code).toBe('agreement_not_active');
    expect((await apiError(other.apps[0]!.client.acquiringCards.get(b.agreementId))).status).toBe(404);
  });

  it('paying with the agreement and the SMS code debits the card; webhook and ledger follow; the code is single use', async () => {
    const agreementId = await bound(cardNo);
    const order = await newOrder(app.cards, 12_345);
    await app.cards.client.acquiringOrders.sendQuickPayCode(order.id, agreementId);
    const code = await latestCode();
    const paid = await app.cards.client.acquiringOrders.payByCard(order.id, { agreementId, smsCode: code });
    expect(paid).toMatchObject({ status: 'succeeded', method: 'card_quickpay', channel: 'county_bank', amountFen: 12_345 });
    const acct = (await (await fetch(`${sandbox()}/core/${TENANT}/accounts/${cardNo}`)).json()) as { balanceFen: number };
    expect(acct.balanceFen).toBe(1_000_000 - 12_345);
    expect((await hooks.waitFor('payment.succeeded', order.id)).event.data).toMatchObject({ channel: 'county_bank', amountFen: 12_345 });
    await waitForLedger(app.cards.client, order.id);
    // a code is bound to its order and amount: it does not pay another order
    const second = await newOrder(app.cards, 100);
    expect((await apiError(app.cards.client.acquiringOrders.payByCard(second.id, { agreementId, smsCode: code }))).code).toBe('sms_code_invalid');
  });

  it('a code entered wrong five times is invalidated', async () => {
    const mobile = `137${randomDigits(8)}`;
    const agreementId = await bound(await openCard(100_000, mobile), mobile);
    const order = await newOrder(app.cards, 200);
    await app.cards.client.acquiringOrders.sendQuickPayCode(order.id, agreementId);
    const code = await latestCode(mobile);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await apiError(app.cards.client.acquiringOrders.payByCard(order.id, { agreementId, smsCode: wrongCode }))).code);
    expect(codes).toEqual(['sms_code_invalid', 'sms_code_invalid', 'sms_code_invalid', 'sms_code_invalid', 'sms_code_locked']);
    expect((await apiError(app.cards.client.acquiringOrders.payByCard(order.id, { agreementId, smsCode: code }))).code).toBe('sms_code_locked');
    expect((await app.cards.client.acquiringOrders.get(order.id)).status).toBe('created');
  });

  it('the daily limit of two-factor quick pay (¥5,000 per card) is refused before any bank call', async () => {
    const mobile = `136${randomDigits(8)}`;
    const card = await openCard(2_000_000, mobile);
    const agreementId = await bound(card, mobile);
    const big = await newOrder(app.cards, 450_000);
    await app.cards.client.acquiringOrders.sendQuickPayCode(big.id, agreementId);
    expect((await app.cards.client.acquiringOrders.payByCard(big.id, { agreementId, smsCode: await latestCode(mobile) })).status).toBe('succeeded');
    const over = await newOrder(app.cards, 50_001);
    const refused = await apiError(app.cards.client.acquiringOrders.sendQuickPayCode(over.id, agreementId));
    expect([refused.status, refused.code]).toEqual([422, 'quickpay_limit_exceeded']);
    const exactly = await newOrder(app.cards, 50_000);
    await app.cards.client.acquiringOrders.sendQuickPayCode(exactly.id, agreementId);
    expect((await app.cards.client.acquiringOrders.payByCard(exactly.id, { agreementId, smsCode: await latestCode(mobile) })).status).toBe('succeeded');
    const acct = (await (await fetch(`${sandbox()}/core/${TENANT}/accounts/${card}`)).json()) as { balanceFen: number };
    expect(acct.balanceFen).toBe(2_000_000 - 500_000);
  });

  it('unbinding revokes the agreement: it cannot pay any more', async () => {
    const mobile = `135${randomDigits(8)}`;
    const agreementId = await bound(await openCard(10_000, mobile), mobile);
    expect((await app.cards.client.acquiringCards.unbind(agreementId)).status).toBe('revoked');
    const order = await newOrder(app.cards, 300);
    const err = await apiError(app.cards.client.acquiringOrders.sendQuickPayCode(order.id, agreementId));
    expect([err.status, err.code]).toEqual([409, 'agreement_not_active']);
  });

  it('no card number in any log of the platform', () => {
    for (const { file, text } of platformLogs()) expect({ file, found: text.includes(cardNo) }).toEqual({ file, found: false });
  });
});

describe('hosted cashier (收银台) in a real browser', () => {
  const artifacts = join(process.cwd(), '.local', 'test-artifacts', 'acquiring-cashier');
  const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

  it('a payer opens the cashier on a phone (zh, en switch), pays with Alipay on the sandbox page, and sees the result', async () => {
    mkdirSync(artifacts, { recursive: true });
    const order = await newOrder(app.close, 8_888, { subject: '金堂脐橙礼盒' });
    expect(order.cashierPath).toBe(`/v1/acquiring/cashier/${TENANT}/${order.id}`);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ userAgent: IPHONE, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      await page.goto(`${gatewayUrl()}${order.cashierPath}`);
      expect(await page.textContent('#amount')).toBe('¥88.88');
      expect(await page.textContent('#merchant')).toBe(shop.legalName);
      expect(await page.locator('input[name=method]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual([
        'wechat_h5',
        'alipay_wap',
        'unionpay_online',
        'card_quickpay',
        'county_credit',
      ]);
      expect(await page.textContent('#status')).toBe('待支付');
      expect(await page.textContent('#remaining')).toMatch(/^\d\d:\d\d$/);
      await page.screenshot({ path: join(artifacts, '01-cashier-zh.png'), fullPage: true });
      await page.click('a.lang');
      await page.waitForSelector('text=Amount due');
      expect(await page.textContent('#status')).toBe('Awaiting payment');
      await page.screenshot({ path: join(artifacts, '02-cashier-en.png'), fullPage: true });
      await page.click('a.lang');
      await page.waitForSelector('text=应付金额');
      await page.check('input[value=alipay_wap]');
      await Promise.all([page.waitForURL(/\/online\/checkout\/alipay\//), page.click('#pay')]);
      expect(await page.textContent('#amount')).toBe('¥88.88');
      await page.screenshot({ path: join(artifacts, '03-alipay-sandbox-page.png'), fullPage: true });
      await page.click('#pay');
      await page.waitForSelector('#status[data-status=succeeded]');
      await page.goto(`${gatewayUrl()}${order.cashierPath}`);
      await page.waitForSelector('#status[data-status=succeeded]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toBe('支付成功');
      await page.screenshot({ path: join(artifacts, '04-paid.png'), fullPage: true });
      expect(await page.content()).not.toMatch(/\d{16,19}/);
    } finally {
      await browser.close();
    }
    expect((await app.close.client.acquiringOrders.get(order.id)).status).toBe('succeeded');
  });

  it('the cashier of an unknown order is a 404, and it lists only the methods the county enabled', async () => {
    const res = await fetch(`${gatewayUrl()}/v1/acquiring/cashier/${TENANT}/00000000-0000-4000-8000-000000000000`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    const order = await newOrder(app.close, 1_234);
    const desktop = await fetch(`${gatewayUrl()}${order.cashierPath}`, {
      headers: { accept: 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0' },
    });
    const v = (await desktop.json()) as { methods: string[]; amountFen: number; merchantName: string };
    expect(v).toMatchObject({
      amountFen: 1_234,
      merchantName: shop.legalName,
      methods: ['wechat_native', 'alipay_page', 'unionpay_online', 'card_quickpay', 'county_credit'],
    });
    const other = await fetch(`${gatewayUrl()}/v1/acquiring/cashier/${OTHER_TENANT}/${order.id}`, { headers: { accept: 'application/json' } });
    expect(other.status).toBe(404);
  });
});
