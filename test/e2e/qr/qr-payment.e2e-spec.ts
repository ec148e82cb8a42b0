// Issue 4, aggregate QR payment, end to end: everything through the gateway with the SDK, as a
// partner would (province operator onboards the partner and its apps, the app registers a
// merchant with a store and a terminal, the county operator approves it), against the whole
// platform with the channel sandbox behind it. Amounts are exact fen everywhere.
import { type CreatedQrOrder, type QrOrder } from '@countypay/sdk';
import { crc16CcittFalse, decodeMpm } from '@countypay/emvco';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  type ReceivedWebhook,
  WebhookReceiver,
  alipayCode,
  countyBankCode,
  expectedFeeFen,
  ledgerEntries,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  sleep,
  uniq,
  unionpayCode,
  until,
  waitForLedger,
  waitUntilPayable,
  wechatCode,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510121';
const UA = {
  wechat:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F30) NetType/WIFI Language/zh_CN',
  alipay:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AlipayClient/10.5.96.8000 Language/zh-Hans',
  unionpay: 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (com.unionpay.chsp) UnionPay/1.0 CloudPay',
  county_bank: 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 CountyBankApp/3.2.1',
  browser: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
} as const;

const hooks = new WebhookReceiver();
let on: Onboarded;
/** one app per group of tests: the e2e profile allows 120 requests per minute and app */
let app: Record<'setup' | 'statics' | 'pos' | 'outcomes' | 'refunds' | 'limits' | 'notify' | 'ledger', OnboardedApp>;
let shop: OnboardedMerchant;
let ledgerShop: OnboardedMerchant;
let expiring: CreatedQrOrder;
let account: string;

const sandbox = (): string => serviceUrl('channel-sandbox');

/** The order once final (a POS payment answers when final; a QR payment may still be paying). */
function finalOrder(a: OnboardedApp, id: string, timeoutMs = 30_000): Promise<QrOrder> {
  return until(
    `order ${id} to be final`,
    async () => {
      const o = await a.client.qrOrders.get(id);
      return o.status === 'created' || o.status === 'paying' ? undefined : o;
    },
    timeoutMs,
    500,
  );
}

/**
 * Exactly one webhook of `type` about `id` (an order or a refund): one event (one `webhook-id`)
 * reached the receiver with a valid signature, and the platform's delivery log (what the app
 * sees at /v1/webhooks/deliveries) holds exactly one delivery of it, delivered.
 *
 * The receiver itself may see the same webhook-id more than once: every platform on this
 * machine (`npm start` and each e2e run) consumes the same Kafka topics, so another running
 * platform's gateway delivers this platform's events too (same app, same secret). Standard
 * Webhooks receivers deduplicate on webhook-id; so does this check.
 */
async function expectOneWebhook(a: OnboardedApp, type: 'payment.succeeded' | 'payment.closed' | 'refund.succeeded', id: string): Promise<ReceivedWebhook> {
  const hook = await hooks.waitFor(type, id);
  expect(hook.verified).toBe(true);
  expect(hook.webhookId).toBe(hook.event.id);
  expect(String(hook.headers['webhook-signature'])).toMatch(/^v1,/);
  const deliveries = await until(
    `the delivery of ${hook.webhookId} to be logged as delivered`,
    async () => {
      const page = await a.client.webhookDeliveries.list({ limit: 100 });
      const mine = page.data.filter((d) => d.eventId === hook.webhookId);
      return mine.length > 0 && mine.every((d) => d.status === 'delivered') ? mine : undefined;
    },
    30_000,
    500,
  );
  expect(deliveries.map((d) => [d.eventType, d.status, d.url])).toEqual([[type, 'delivered', hooks.url]]);
  expect([...new Set(hooks.about(type, id).map((h) => h.webhookId))]).toEqual([hook.webhookId]);
  expect(hooks.about(type, id).every((h) => h.verified)).toBe(true);
  return hook;
}

/** A public call of the resolve page / static payment, as the payer's phone makes it (no signature). */
function publicCall(path: string, init: { method?: string; ua: string; accept?: string; body?: unknown }): Promise<Response> {
  return fetch(`${gatewayUrl()}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'user-agent': init.ua,
      accept: init.accept ?? 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

beforeAll(async () => {
  // With --runInBand the global setup's readiness probes ran in this process: their keep-alive
  // sockets may sit in fetch's pool, already closed by the apps ("other side closed" on reuse).
  // A few probes through the pool drop them before the first POST (which fetch never retries).
  for (const name of ['gateway', 'channel-sandbox']) {
    for (let i = 0; i < 3; i++)
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  }
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e QR partner ${uniq()}`, appCount: 8, callbackUrl: hooks.url },
  );
  const [setup, statics, pos, outcomes, refunds, limits, notify, ledger] = on.apps;
  app = { setup: setup!, statics: statics!, pos: pos!, outcomes: outcomes!, refunds: refunds!, limits: limits!, notify: notify!, ledger: ledger! };
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  shop = await onboardMerchant(on, app.setup, `金堂县e2e超市${uniq()}`);
  ledgerShop = await onboardMerchant(on, app.setup, `金堂县e2e饭店${uniq()}`);
  // the first dynamic order waits until qr-payment has the merchant active; it is left to expire (the shortest allowed, 60 s)
  expiring = await waitUntilPayable(app.setup, shop.merchantId, () =>
    app.setup.client.qrOrders.create({ merchantId: shop.merchantId, outTradeNo: `exp-${uniq()}`, amountFen: 1999, expiresInSeconds: 60 }),
  );
  await waitUntilPayable(app.setup, ledgerShop.merchantId, () =>
    app.setup.client.qrOrders.create({ merchantId: ledgerShop.merchantId, outTradeNo: `probe-${uniq()}`, amountFen: 100, expiresInSeconds: 60 }),
  );
  account = await openCountyAccount(sandbox(), TENANT, 10_000_000);
});

afterAll(async () => {
  await hooks.stop();
});

describe('static code (merchant-presented, reusable): the wallet that opens it decides the channel', () => {
  let resolvePath: string;

  beforeAll(async () => {
    const code = await app.statics.client.request<{ payload: string; resolveUrl: string }>('GET', `/v1/qr/codes/${shop.merchantId}`);
    const decoded = decodeMpm(code.payload);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.value.pointOfInitiation).toBe('static');
    resolvePath = `/v1${new URL(code.resolveUrl).pathname}`;
    expect(resolvePath).toMatch(new RegExp(`^/v1/qr/r/${TENANT}/`));
  });

  it.each([
    ['wechat', UA.wechat, 1288],
    ['alipay', UA.alipay, 2350],
    ['unionpay', UA.unionpay, 3399],
    ['county_bank', UA.county_bank, 4567],
  ] as const)('%s: the resolve page (public, unsigned) offers the wallet and the payer pays an exact amount', async (channel, ua, amountFen) => {
    const page = await publicCall(resolvePath, { ua });
    expect(page.status).toBe(200);
    const offer = (await page.json()) as { merchantName: string; channel: string; payPath: string; staticDailyLimitFen: number };
    expect(offer).toMatchObject({ merchantName: shop.legalName, channel, staticDailyLimitFen: 50_000 });

    const html = await publicCall(resolvePath, { ua, accept: 'text/html' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);

    const payerId = channel === 'county_bank' ? account : `${channel}_payer_${uniq()}`;
    const paid = await publicCall(`/v1${offer.payPath}`, { method: 'POST', ua, body: { amountFen, payerId } });
    expect(paid.status).toBe(200);
    const order = (await paid.json()) as QrOrder;
    expect(order).toMatchObject({ kind: 'static', channel, amountFen, merchantId: shop.merchantId });
    expect(['paying', 'succeeded']).toContain(order.status);
    // static orders belong to no app: the channel's own record shows the outcome
    const atChannel = await until(`the ${channel} payment to succeed`, async () => {
      const r = await fetch(`${sandbox()}/channels/${channel}/payments/${order.id}?tenantId=${TENANT}`);
      const body = (await r.json()) as { status: string; amountFen: number };
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(atChannel.amountFen).toBe(amountFen);
  });

  it('an unknown wallet (a plain browser) gets a clear page, or 400 wallet_not_supported as JSON', async () => {
    const html = await publicCall(resolvePath, { ua: UA.browser, accept: 'text/html' });
    expect(html.status).toBe(200);
    const text = await html.text();
    expect(text).toContain('Please scan with a payment app');
    expect(text).toContain('WeChat');

    const json = await publicCall(resolvePath, { ua: UA.browser });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('wallet_not_supported');

    const pay = await publicCall(`${resolvePath}/pay`, { method: 'POST', ua: UA.browser, body: { amountFen: 100, payerId: 'who' } });
    expect(pay.status).toBe(400);
    expect(((await pay.json()) as { error: { code: string } }).error.code).toBe('wallet_not_supported');
  });

  it('refuses a static payment over the ¥500 per payer and day (barcode_limit_exceeded), before any channel call', async () => {
    const payerId = `wx_limit_${uniq()}`;
    const over = await publicCall(`${resolvePath}/pay`, { method: 'POST', ua: UA.wechat, body: { amountFen: 50_001, payerId } });
    expect(over.status).toBe(422);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('barcode_limit_exceeded');

    // ¥300 passes, then ¥200.01 more the same day for the same payer is refused; ¥200.00 exactly fits
    const first = await publicCall(`${resolvePath}/pay`, { method: 'POST', ua: UA.wechat, body: { amountFen: 30_000, payerId } });
    expect(first.status).toBe(200);
    const second = await publicCall(`${resolvePath}/pay`, { method: 'POST', ua: UA.wechat, body: { amountFen: 20_001, payerId } });
    expect(second.status).toBe(422);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('barcode_limit_exceeded');
    const fits = await publicCall(`${resolvePath}/pay`, { method: 'POST', ua: UA.wechat, body: { amountFen: 20_000, payerId } });
    expect(fits.status).toBe(200);
  });
});

describe('dynamic code (merchant-presented, one order)', () => {
  it('creates an order whose EMVCo payload carries the exact amount and a valid CRC, then the wallet pays it', async () => {
    const a = app.setup;
    const created = await a.client.qrOrders.create({
      merchantId: shop.merchantId,
      storeId: shop.storeId,
      outTradeNo: `dyn-${uniq()}`,
      amountFen: 12_888,
      description: 'e2e dynamic',
    });
    expect(created).toMatchObject({
      kind: 'dynamic',
      status: 'created',
      amountFen: 12_888,
      currency: 'CNY',
      merchantId: shop.merchantId,
      storeId: shop.storeId,
    });
    const payload = created.qr.payload;
    const decoded = decodeMpm(payload);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.pointOfInitiation).toBe('dynamic');
    expect(decoded.value.amountFen).toBe(12_888n);
    expect(payload.slice(-8, -4)).toBe('6304');
    expect(payload.slice(-4)).toBe(crc16CcittFalse(payload.slice(0, -4)));

    const paid = await a.client.request<QrOrder>('POST', `/v1/qr/orders/${created.id}/pay`, { body: { channel: 'alipay', payerId: `alipay_${uniq()}` } });
    expect(paid.id).toBe(created.id);
    const done = await finalOrder(a, created.id);
    expect(done).toMatchObject({ status: 'succeeded', channel: 'alipay', amountFen: 12_888 });
    expect(done.channelTradeNo).toEqual(expect.any(String));
    const hook = await expectOneWebhook(a, 'payment.succeeded', created.id);
    expect(hook.event.data).toMatchObject({ orderId: created.id, amountFen: 12_888, channel: 'alipay' });
  });

  it('refuses a paid order a second payment (order_not_payable)', async () => {
    const a = app.setup;
    const created = await a.client.qrOrders.create({ merchantId: shop.merchantId, outTradeNo: `dyn2-${uniq()}`, amountFen: 500 });
    await a.client.request('POST', `/v1/qr/orders/${created.id}/pay`, { body: { channel: 'wechat', payerId: 'wx_twice' } });
    await finalOrder(a, created.id);
    const err = await apiError(a.client.request('POST', `/v1/qr/orders/${created.id}/pay`, { body: { channel: 'wechat', payerId: 'wx_twice' } }));
    expect({ status: err.status, code: err.code }).toEqual({ status: 409, code: 'order_not_payable' });
  });
});

describe('payer code at the POS (customer-presented)', () => {
  const pay = (
    a: OnboardedApp,
    payerCode: string,
    amountFen: number,
    extra: { verificationFactors?: Array<'payment_password' | 'fingerprint'> } = {},
  ): Promise<QrOrder> =>
    a.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      terminalId: shop.terminalId,
      outTradeNo: `pos-${uniq()}`,
      amountFen,
      payerCode,
      ...extra,
    });

  it.each([
    ['wechat', () => wechatCode(), 1001],
    ['wechat (prefix 15)', () => wechatCode(undefined, '15'), 1002],
    ['alipay', () => alipayCode(), 2003],
    ['unionpay', () => unionpayCode(), 3004],
    ['county_bank', () => countyBankCode(account), 4005],
  ] as const)('%s code → routed to its channel, succeeded for the exact amount', async (label, code, amountFen) => {
    const order = await pay(app.pos, code(), amountFen);
    const channel = label.split(' ')[0];
    expect(order).toMatchObject({ kind: 'payer_code', status: 'succeeded', channel, amountFen, terminalId: shop.terminalId, storeId: shop.storeId });
    expect(order.paidAt).toEqual(expect.any(String));
  });

  it('the payer confirms in the wallet (amount ending 21): polled until succeeded', async () => {
    const order = await pay(app.outcomes, wechatCode(), 1021);
    expect(order).toMatchObject({ status: 'succeeded', channel: 'wechat', amountFen: 1021 });
  });

  it('the payer never confirms (amount ending 22): reversed at the deadline and closed', async () => {
    const order = await pay(app.outcomes, alipayCode(), 1022);
    const done = order.status === 'closed' ? order : await finalOrder(app.outcomes, order.id);
    expect(done).toMatchObject({ status: 'closed', closeReason: 'reversed', amountFen: 1022 });
    const atChannel = (await (await fetch(`${sandbox()}/channels/alipay/payments/${order.id}?tenantId=${TENANT}`)).json()) as { status: string };
    expect(atChannel.status).toBe('reversed');
    await expectOneWebhook(app.outcomes, 'payment.closed', order.id);
  });

  it('a decline (amount ending 11) fails with insufficient_funds', async () => {
    const order = await pay(app.outcomes, unionpayCode(), 1011);
    expect(order).toMatchObject({ status: 'failed', failureReason: 'insufficient_funds', amountFen: 1011 });
  });

  it('an unknown code format is 400 payer_code_unrecognised', async () => {
    for (const code of ['991234567890123456', '1312345', '13123456789012345X', '621234567890123456789']) {
      const err = await apiError(pay(app.outcomes, code, 100));
      expect({ code, status: err.status, err: err.code, param: err.param }).toEqual({ code, status: 400, err: 'payer_code_unrecognised', param: 'payerCode' });
    }
  });

  it('refuses a dynamic payment over the level C limit (¥1,000 without two factors) before any channel call', async () => {
    const outTradeNo = `lim-${uniq()}`;
    const err = await apiError(
      app.limits.client.qrOrders.payWithPayerCode({ merchantId: shop.merchantId, outTradeNo, amountFen: 100_001, payerCode: wechatCode() }),
    );
    expect({ status: err.status, code: err.code, param: err.param }).toEqual({ status: 422, code: 'barcode_limit_exceeded', param: 'amountFen' });
    // no order was made, so nothing went to a channel
    const page = await app.limits.client.qrOrders.list({ outTradeNo });
    expect(page.data).toEqual([]);
    // exactly the limit passes; two factors (level B, ¥5,000) lift it
    const at = await app.limits.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      outTradeNo: `lim-${uniq()}`,
      amountFen: 100_000,
      payerCode: wechatCode(),
    });
    expect(at).toMatchObject({ status: 'succeeded', amountFen: 100_000 });
    const levelB = await app.limits.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      outTradeNo: `lim-${uniq()}`,
      amountFen: 100_001,
      payerCode: wechatCode(),
      verificationFactors: ['payment_password', 'fingerprint'],
    });
    expect(levelB).toMatchObject({ status: 'succeeded', amountFen: 100_001 });
  });
});

describe('channel notifications: duplicates and stale ones are applied once', () => {
  it.each([
    ['duplicated (amount ending 41)', 10_041],
    ['out of order (amount ending 42)', 10_042],
  ])('%s: one payment.succeeded webhook, one ledger entry, the order stays succeeded', async (_label, amountFen) => {
    const a = app.notify;
    const order = await a.client.qrOrders.payWithPayerCode({ merchantId: shop.merchantId, outTradeNo: `ntf-${uniq()}`, amountFen, payerCode: wechatCode() });
    expect(order).toMatchObject({ status: 'succeeded', amountFen });
    // the sandbox has delivered both notifications (the platform answered 2xx to each)
    await until('both channel notifications delivered', async () => {
      const r = (await (await fetch(`${sandbox()}/admin/notifications?orderId=${order.id}`)).json()) as { data: Array<{ delivered: boolean }> };
      return r.data.length >= 2 && r.data.every((d) => d.delivered) ? r.data : undefined;
    });
    const entries = await waitForLedger(a.client, order.id, 1);
    // let anything a second application would have produced arrive before counting
    await sleep(2_000);
    await expectOneWebhook(a, 'payment.succeeded', order.id);
    expect((await ledgerEntries(a.client, order.id)).map((e) => e.sourceType)).toEqual(entries.map((e) => e.sourceType));
    expect(entries).toHaveLength(1);
    expect((await a.client.qrOrders.get(order.id)).status).toBe('succeeded');
  });
});

describe('refunds', () => {
  it('partial then full refund; over-refund refused; idempotent on outRefundNo; one refund.succeeded webhook each', async () => {
    const a = app.refunds;
    const order = await a.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      outTradeNo: `ref-${uniq()}`,
      amountFen: 10_000,
      payerCode: wechatCode(),
    });
    expect(order.status).toBe('succeeded');

    const r1 = await a.client.qrOrders.refund(order.id, { outRefundNo: 'r-1', amountFen: 3_000, reason: 'one item returned' });
    expect(r1).toMatchObject({ orderId: order.id, outRefundNo: 'r-1', amountFen: 3_000, status: 'succeeded' });
    // the same refund number (another Idempotency-Key) is the same refund, made once
    const again = await a.client.qrOrders.refund(order.id, { outRefundNo: 'r-1', amountFen: 3_000 });
    expect(again).toMatchObject({ id: r1.id, status: 'succeeded', amountFen: 3_000 });
    const clash = await apiError(a.client.qrOrders.refund(order.id, { outRefundNo: 'r-1', amountFen: 2_000 }));
    expect({ status: clash.status, code: clash.code }).toEqual({ status: 409, code: 'conflict' });

    const over = await apiError(a.client.qrOrders.refund(order.id, { outRefundNo: 'r-2', amountFen: 7_001 }));
    expect({ status: over.status, code: over.code, param: over.param }).toEqual({ status: 422, code: 'refund_exceeds_refundable', param: 'amountFen' });

    const r2 = await a.client.qrOrders.refund(order.id, { outRefundNo: 'r-2', amountFen: 7_000 });
    expect(r2).toMatchObject({ amountFen: 7_000, status: 'succeeded' });
    const more = await apiError(a.client.qrOrders.refund(order.id, { outRefundNo: 'r-3', amountFen: 1 }));
    expect(more.code).toBe('refund_exceeds_refundable');

    const list = await a.client.qrOrders.listRefunds(order.id);
    expect(list.data.map((r) => [r.outRefundNo, r.amountFen, r.status]).sort()).toEqual([
      ['r-1', 3_000, 'succeeded'],
      ['r-2', 7_000, 'succeeded'],
    ]);

    for (const r of [r1, r2]) {
      const hook = await expectOneWebhook(a, 'refund.succeeded', r.id);
      expect(hook.event.data).toMatchObject({ refundId: r.id, orderId: order.id, amountFen: r.amountFen });
    }
    // the ledger: the payment, and each refund once (Dr merchant_payable R, Cr channel_receivable R)
    const entries = await waitForLedger(a.client, order.id, 3);
    await sleep(1_000);
    await expectOneWebhook(a, 'refund.succeeded', r1.id);
    await expectOneWebhook(a, 'refund.succeeded', r2.id);
    expect(entries).toHaveLength(3);
    expect((await ledgerEntries(a.client, order.id)).length).toBe(3);
    const refunds = entries.filter((e) => e.refundId !== null);
    expect(refunds.map((e) => [e.refundId, e.amountFen]).sort()).toEqual(
      [
        [r1.id, 3_000],
        [r2.id, 7_000],
      ].sort(),
    );
    for (const e of refunds) {
      expect(e.postings.map((p) => [p.direction, p.account, p.amountFen])).toEqual([
        ['debit', `merchant_payable:${shop.merchantId}`, e.amountFen],
        ['credit', 'channel_receivable:wechat', e.amountFen],
      ]);
    }
  });

  it('a full refund in one go, and no refund of an unpaid order', async () => {
    const a = app.refunds;
    const order = await a.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      outTradeNo: `ref-${uniq()}`,
      amountFen: 5_000,
      payerCode: alipayCode(),
    });
    const full = await a.client.qrOrders.refund(order.id, { outRefundNo: 'full', amountFen: 5_000 });
    expect(full).toMatchObject({ amountFen: 5_000, status: 'succeeded' });
    const failed = await a.client.qrOrders.payWithPayerCode({
      merchantId: shop.merchantId,
      outTradeNo: `ref-${uniq()}`,
      amountFen: 5_011,
      payerCode: alipayCode(),
    });
    expect(failed.status).toBe('failed');
    const err = await apiError(a.client.qrOrders.refund(failed.id, { outRefundNo: 'x', amountFen: 1 }));
    expect({ status: err.status, code: err.code }).toEqual({ status: 409, code: 'order_not_refundable' });
  });
});

describe('ledger postings, exact to the fen with the fee rule, and the webhook', () => {
  it('posts Dr channel_receivable A, Cr merchant_payable A−F, Cr fee_income F; the balance is the merchant payable', async () => {
    const a = app.ledger;
    const pay = (amountFen: number, payerCode: string): Promise<QrOrder> =>
      a.client.qrOrders.payWithPayerCode({
        merchantId: ledgerShop.merchantId,
        terminalId: ledgerShop.terminalId,
        outTradeNo: `led-${uniq()}`,
        amountFen,
        payerCode,
      });

    // WeChat under the default plan's qr/* rule: 38 bp, at least 1 fen, half up: 12345 × 0.0038 = 46.911 → 47
    const wx = await pay(12_345, wechatCode());
    const wxFee = expectedFeeFen(12_345n, 38n, 1n);
    expect(wxFee).toBe(47n);
    // a tiny payment pays the minimum: 100 × 0.0038 = 0.38 → 0, minimum 1
    const tiny = await pay(100, alipayCode());
    expect(expectedFeeFen(100n, 38n, 1n)).toBe(1n);
    // county bank: its own rule, 20 bp, no minimum: 20125 × 0.002 = 40.25 → 40
    const cb = await pay(20_125, countyBankCode(account));
    const cbFee = expectedFeeFen(20_125n, 20n, 0n);
    expect(cbFee).toBe(40n);
    for (const o of [wx, tiny, cb]) expect(o.status).toBe('succeeded');

    const expectEntry = async (o: QrOrder, channel: string, fee: bigint): Promise<void> => {
      const [entry, ...more] = await waitForLedger(a.client, o.id, 1);
      expect(more).toEqual([]);
      expect(entry).toMatchObject({ orderId: o.id, merchantId: ledgerShop.merchantId, channel, amountFen: o.amountFen, feeFen: Number(fee) });
      expect(entry!.postings.map((p) => [p.direction, p.account, p.amountFen])).toEqual([
        ['debit', `channel_receivable:${channel}`, o.amountFen],
        ['credit', `merchant_payable:${ledgerShop.merchantId}`, o.amountFen - Number(fee)],
        ['credit', 'fee_income', Number(fee)],
      ]);
    };
    await expectEntry(wx, 'wechat', wxFee);
    await expectEntry(tiny, 'alipay', 1n);
    await expectEntry(cb, 'county_bank', cbFee);

    // a refund: the merchant bears it in full, the fee stays
    const refund = await a.client.qrOrders.refund(wx.id, { outRefundNo: 'led-r1', amountFen: 2_345 });
    expect(refund.status).toBe('succeeded');
    await waitForLedger(a.client, wx.id, 2);

    const payable = 12_345 - 47 + (100 - 1) + (20_125 - 40) - 2_345;
    expect(payable).toBe(30_137);
    const balance = await until(
      'the balance to include every posting',
      async () => {
        const b = await a.client.request<{ merchantId: string; payableFen: number; currency: string }>(
          'GET',
          `/v1/ledger/merchants/${ledgerShop.merchantId}/balance`,
        );
        return b.payableFen === payable ? b : undefined;
      },
      15_000,
      500,
    ).catch(async () => a.client.request<{ payableFen: number }>('GET', `/v1/ledger/merchants/${ledgerShop.merchantId}/balance`));
    expect(balance).toMatchObject({ merchantId: ledgerShop.merchantId, payableFen: 30_137, currency: 'CNY' });

    // one signed payment.succeeded per payment, one refund.succeeded
    for (const o of [wx, tiny, cb]) {
      const h = await expectOneWebhook(a, 'payment.succeeded', o.id);
      expect(h.event).toMatchObject({
        type: 'payment.succeeded',
        tenantId: TENANT,
        data: { orderId: o.id, amountFen: o.amountFen, merchantId: ledgerShop.merchantId, partnerAppId: a.appId },
      });
    }
    await expectOneWebhook(a, 'refund.succeeded', refund.id);
    // no delivery anywhere in this suite failed verification
    expect(hooks.received.filter((h) => !h.verified)).toEqual([]);
  });
});

describe('expiry', () => {
  it('an unpaid dynamic order closes when it expires (the shortest allowed expiry, 60 s)', async () => {
    const a = app.setup;
    const done = await finalOrder(a, expiring.id, 120_000);
    expect(done).toMatchObject({ status: 'closed', closeReason: 'expired', amountFen: 1999 });
    const err = await apiError(a.client.request('POST', `/v1/qr/orders/${expiring.id}/pay`, { body: { channel: 'wechat', payerId: 'late' } }));
    expect(err.status).toBe(409);
    const hook = await expectOneWebhook(a, 'payment.closed', expiring.id);
    expect(hook.event.data).toMatchObject({ reason: 'expired' });
  });
});
