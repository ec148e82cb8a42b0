/**
 * qr-payment against the real PostgreSQL (own throw-away schema, non-owner role, RLS) through
 * its HTTP API, booted by the test platform (`startTestService`). The payment channels are a
 * local server that behaves per the channel sandbox contract (testing/fake-channels.ts), because
 * the channels are external systems; the outbox is checked in PostgreSQL (the relay is not
 * started, so nothing goes to Kafka).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { ServiceUrlsConfig } from '@countypay/config';
import { defaultTenantConfig, type EventEnvelope, type MerchantUpdatedData, type TenantUpdatedData } from '@countypay/contracts';
import { decodeMpm } from '@countypay/emvco';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { actorHeaders, type Actor } from '@countypay/service-kit';
import { assertKeysetPaging, eventually, startTestService, testActors, type TestService, testAssertion } from '@countypay/testing';
import { ChannelModule } from './channel/channel.module';
import { QrPaymentConfig } from './config/qr-payment.config';
import { migrations } from './data-source';
import { NotifyModule } from './notify/notify.module';
import { QrReadModelModule } from './onboarding-read-model';
import { OrderExpiryService } from './orders/order-expiry.service';
import { OrdersModule } from './orders/orders.module';
import { OrdersRepository } from './orders/orders.repository';
import { PaymentStateService } from './orders/payment-state.service';
import { PosModule } from './pos/pos.module';
import { RefundsModule } from './refunds/refunds.module';
import { StaticCodesModule } from './static-codes/static-codes.module';
import { FakeChannels } from './testing/fake-channels';

const SECRET = 'it-notify-secret';
const T1 = 't510121';
const T2 = 't510129';
const APP = 'app_aaaaaaaaaaaaaaaaaaaa';
const APP_T1 = testActors.app(T1, { appId: APP });
const APP_T2 = testActors.app(T2, { appId: APP });
const MERCHANT = randomUUID();
const STORE = randomUUID();
const TERMINAL = randomUUID();
const SUSPENDED = randomUUID();
const M2 = randomUUID();
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN';
const SAFARI_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

let svc: TestService;
const channels = new FakeChannels();

/** A call as the gateway forwards it, by default from the partner app of T1. */
function api(method: string, path: string, body?: object, actor: Actor = APP_T1) {
  return svc.call(method, path, { actor, ...(body ? { body } : {}) });
}

async function outbox(orderId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await svc.schema.adminQuery<{ payload: EventEnvelope<Record<string, unknown>> | string }>(
    `select payload from outbox where message_key = $1 order by created_at, id`,
    [orderId],
  );
  return rows.map((row) => {
    const p = typeof row.payload === 'string' ? (JSON.parse(row.payload) as EventEnvelope<Record<string, unknown>>) : row.payload;
    return { type: p.type, data: p.data };
  });
}

function notification(n: { orderId: string; status: string; amountFen: number; notifyId: string; channel?: string; tenantId?: string }) {
  const body = JSON.stringify({
    channel: n.channel ?? 'wechat',
    tenantId: n.tenantId ?? T1,
    orderId: n.orderId,
    channelTradeNo: `ch_${n.orderId.slice(0, 8)}`,
    status: n.status,
    amountFen: n.amountFen,
    payerId: 'wx_notified',
    at: new Date().toISOString(),
    notifyId: n.notifyId,
  });
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
}

/** A channel's notification: no actor (an internal route), signed with the channel's key. */
async function notify(n: Parameters<typeof notification>[0], signature?: string) {
  const { body, signature: good } = notification(n);
  const res = await fetch(`${svc.base}/qr/notify/${n.channel ?? 'wechat'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature ?? good },
    body,
  });
  return { status: res.status, body: (await res.json()) as { outcome?: string; error?: { code: string } } };
}

function merchantEvent(tenantId: string, merchantId: string, status: MerchantUpdatedData['status'], version = 1): EventEnvelope<MerchantUpdatedData> {
  return {
    id: randomUUID(),
    type: 'onboarding.merchant-updated',
    version: 1,
    tenantId,
    occurredAt: new Date().toISOString(),
    data: {
      merchantId,
      legalName: '金堂县赵镇便民超市有限公司',
      mcc: '5411',
      city: '成都市',
      status,
      riskLevel: 'low',
      stores: [{ storeId: STORE, name: '总店', status: 'active', terminals: [{ terminalId: TERMINAL, serialNo: 'SN1', status: 'active' }] }],
      version,
    },
  };
}

beforeAll(async () => {
  await channels.start();
  const config = Object.assign(new QrPaymentConfig(), {
    QR_POS_CONFIRM_DEADLINE_MS: 1500,
    QR_POS_POLL_INITIAL_MS: 50,
    QR_POS_POLL_MAX_MS: 200,
    QR_CHANNEL_TIMEOUT_MS: 3000,
    QR_EXPIRY_SWEEP_MS: 3_600_000,
    SANDBOX_NOTIFY_SECRET: SECRET,
  });
  const urls = Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': channels.url }) });
  svc = await startTestService({
    service: 'qrpay',
    migrations,
    imports: [ChannelModule, QrReadModelModule, OrdersModule, PosModule, StaticCodesModule, NotifyModule, RefundsModule],
    override: (b) => b.overrideProvider(QrPaymentConfig).useValue(config).overrideProvider(ServiceUrlsConfig).useValue(urls),
  });

  const readModel = svc.app.get(OnboardingReadModel);
  await inTenantTransaction(svc.ds, T1, async (em) => {
    await readModel.handleMerchantUpdated(merchantEvent(T1, MERCHANT, 'pending_review', 1), em);
    await readModel.handleMerchantUpdated(merchantEvent(T1, MERCHANT, 'active', 2), em);
    await readModel.handleMerchantUpdated(merchantEvent(T1, MERCHANT, 'suspended', 1), em); // an older version: ignored
    await readModel.handleMerchantUpdated(merchantEvent(T1, SUSPENDED, 'suspended', 3), em);
  });
  const config2 = Object.assign(defaultTenantConfig(), { enabledChannels: ['wechat'] });
  const tenantEvent: EventEnvelope<TenantUpdatedData> = {
    id: randomUUID(),
    type: 'onboarding.tenant-updated',
    version: 1,
    tenantId: T2,
    occurredAt: new Date().toISOString(),
    data: { tenantId: T2, name: '新津区', status: 'active', config: config2, version: 1 },
  };
  await inTenantTransaction(svc.ds, T2, async (em) => {
    await readModel.handleTenantUpdated(tenantEvent, em);
    await readModel.handleMerchantUpdated(merchantEvent(T2, M2, 'active', 1), em);
  });
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await channels.stop();
});

const WECHAT_CODE = (n: number) => `13${String(n).padStart(16, '0')}`;

describe('dynamic (per-order) codes', () => {
  it('creates an order with an EMVCo dynamic payload, is paid by a wallet, and announces it once', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, storeId: STORE, outTradeNo: 'D-1', amountFen: 12_300, description: 'order D-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'created', kind: 'dynamic', amountFen: 12_300, outTradeNo: 'D-1' });
    const decoded = decodeMpm(created.body.qr.payload);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.errors));
    expect(decoded.value.pointOfInitiation).toBe('dynamic');
    expect(decoded.value.amountFen).toBe(12_300n);

    const png = await fetch(`${svc.base}${created.body.qr.pngPath}`, { headers: { ...actorHeaders(APP_T1), ...testAssertion('qrpay', APP_T1) } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toContain('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const dup = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-1', amountFen: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_out_trade_no');

    const paid = await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_payer_1' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'succeeded', channel: 'wechat', payerId: 'wx_payer_1', amountFen: 12_300 });
    expect(channels.paysOf(created.body.id)[0]!.body).toMatchObject({ kind: 'qr_dynamic', amountFen: 12_300, tenantId: T1 });

    const events = await outbox(created.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'payment.succeeded',
      data: { orderId: created.body.id, amountFen: 12_300, partnerAppId: APP, channel: 'wechat', product: 'qr', currency: 'CNY' },
    });

    const again = await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_payer_1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_payable');
  });

  it('another tenant cannot see the order (404)', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-iso', amountFen: 500 });
    expect((await api('GET', `/qr/orders/${created.body.id}`, undefined, APP_T2)).status).toBe(404);
    expect((await api('GET', `/qr/orders/${created.body.id}`)).body.status).toBe('created');
  });

  it('refuses inactive merchants and disabled channels', async () => {
    const r = await api('POST', '/qr/orders', { merchantId: SUSPENDED, outTradeNo: 'D-susp', amountFen: 500 });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('merchant_not_active');
    const created = await api('POST', '/qr/orders', { merchantId: M2, outTradeNo: 'D-t2', amountFen: 500 }, APP_T2);
    expect(created.status).toBe(201);
    const pay = await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'alipay', payerId: 'ali_1' }, APP_T2);
    expect(pay.status).toBe(422);
    expect(pay.body.error.code).toBe('channel_not_enabled');
  });

  it('the sweeper closes expired unpaid orders with PaymentClosedV1 reason expired', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-exp', amountFen: 700, expiresInSeconds: 60 });
    await svc.schema.adminQuery(`update payment_orders set expires_at = now() - interval '1 second' where id = $1`, [created.body.id]);
    expect(await svc.app.get(OrderExpiryService).sweep()).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/qr/orders/${created.body.id}`)).body).toMatchObject({ status: 'closed', closeReason: 'expired' });
    expect(await outbox(created.body.id)).toEqual([expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'expired' }) })]);
    expect(await svc.app.get(OrderExpiryService).sweep()).toBe(0);
  });

  it('lists with filters and cursor pagination, and closes', async () => {
    for (const n of [1, 2, 3]) await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: `L-${n}`, amountFen: 100 + n });
    const page1 = await api('GET', '/qr/orders?status=created&limit=2');
    expect(page1.body.data).toHaveLength(2);
    const page2 = await api('GET', `/qr/orders?status=created&limit=2&cursor=${page1.body.nextCursor}`);
    const ids = [...page1.body.data, ...page2.body.data].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const one = await api('GET', '/qr/orders?outTradeNo=L-2');
    expect(one.body.data).toHaveLength(1);
    expect(one.body.data[0].amountFen).toBe(102);
    const closed = await api('POST', `/qr/orders/${one.body.data[0].id}/close`);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'closed_by_partner' });
    expect((await api('POST', `/qr/orders/${one.body.data[0].id}/close`)).status).toBe(409);
    expect((await outbox(one.body.data[0].id)).map((e) => e.type)).toEqual(['payment.closed']);
  });
});

describe('QR payments left paying', () => {
  it('the sweeper reverses a payment the payer never confirmed', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'S-stale', amountFen: 5_522 });
    expect((await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'alipay', payerId: 'ali_stale' })).body.status).toBe('paying');
    await svc.schema.adminQuery(`update payment_orders set updated_at = now() - interval '1 day' where id = $1`, [created.body.id]);
    await svc.app.get(OrderExpiryService).sweep();
    expect((await api('GET', `/qr/orders/${created.body.id}`)).body).toMatchObject({ status: 'closed', closeReason: 'reversed' });
    expect(channels.requests.some((q) => q.path.endsWith(`${created.body.id}/reverse`))).toBe(true);
    expect(await outbox(created.body.id)).toEqual([
      expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'reversed', channel: 'alipay' }) }),
    ]);
  });
});

describe('payer-code payments left paying (found by the chaos suite: a channel down during the reversal left them so)', () => {
  it('the sweeper settles a payer-code payment still paying past its confirmation deadline', async () => {
    const id = randomUUID();
    // as its process left it when it died polling (or when the channel did not answer the reversal)
    await svc.schema.adminQuery(
      `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, store_id, terminal_id, kind, channel, amount_fen, state, business_day)
       values ($1, $2, $3, $4, $5, $6, $7, 'payer_code', 'wechat', 1041, 'paying', current_date)`,
      [id, T1, APP, `P-stale-${id.slice(0, 8)}`, MERCHANT, STORE, TERMINAL],
    );
    await svc.app.get(OrderExpiryService).sweep();
    // within its deadline, its poller may still be at work: left alone
    expect((await api('GET', `/qr/orders/${id}`)).body.status).toBe('paying');
    await svc.schema.adminQuery(`update payment_orders set updated_at = now() - interval '10 minutes' where id = $1`, [id]);
    await svc.app.get(OrderExpiryService).sweep();
    expect((await api('GET', `/qr/orders/${id}`)).body).toMatchObject({ status: 'closed', closeReason: 'reversed' });
    expect(channels.requests.some((q) => q.path.endsWith(`${id}/reverse`))).toBe(true);
    expect(await outbox(id)).toEqual([expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'reversed' }) })]);
  });
});

describe('channel notifications', () => {
  it('apply once: duplicates and out-of-order or late notifications never move a final order', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'N-1', amountFen: 4_522 });
    const paying = await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_n' });
    expect(paying.body.status).toBe('paying'); // 22: the payer has not confirmed yet
    const id = created.body.id as string;

    const forged = await notify({ orderId: id, status: 'succeeded', amountFen: 4_522, notifyId: 'n-forged' }, 'ab'.repeat(32));
    expect(forged.status).toBe(401);
    expect(forged.body.error!.code).toBe('invalid_notify_signature');

    expect((await notify({ orderId: id, status: 'succeeded', amountFen: 4_522, notifyId: 'n-2' })).body.outcome).toBe('applied');
    expect((await notify({ orderId: id, status: 'succeeded', amountFen: 4_522, notifyId: 'n-2' })).body.outcome).toBe('duplicate');
    expect((await notify({ orderId: id, status: 'user_paying', amountFen: 4_522, notifyId: 'n-1' })).body.outcome).toBe('noted');
    expect((await notify({ orderId: id, status: 'failed', amountFen: 4_522, notifyId: 'n-3' })).body.outcome).toBe('ignored_final');
    expect((await notify({ orderId: id, status: 'closed', amountFen: 4_522, notifyId: 'n-4' })).body.outcome).toBe('ignored_final');

    expect((await api('GET', `/qr/orders/${id}`)).body).toMatchObject({ status: 'succeeded', payerId: 'wx_notified' });
    expect((await outbox(id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('a notification for an amount other than the order is not applied', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'N-2', amountFen: 3_022 });
    await api('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_n2' });
    expect((await notify({ orderId: created.body.id, status: 'succeeded', amountFen: 1, notifyId: 'n-x' })).body.outcome).toBe('amount_mismatch');
    expect((await api('GET', `/qr/orders/${created.body.id}`)).body.status).toBe('paying');
    expect(await outbox(created.body.id)).toEqual([]);
  });
});

describe('payer code at the POS', () => {
  const pos = (outTradeNo: string, amountFen: number, payerCode: string, extra: object = {}) =>
    api('POST', '/qr/pos/payments', { merchantId: MERCHANT, terminalId: TERMINAL, outTradeNo, amountFen, payerCode, ...extra });

  it('succeeds synchronously', async () => {
    const r = await pos('P-ok', 1_000, WECHAT_CODE(1));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'succeeded', kind: 'payer_code', channel: 'wechat', storeId: STORE, terminalId: TERMINAL, amountFen: 1_000 });
    expect(r.body.payerId).toMatch(/^p_/);
    expect((await outbox(r.body.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
    // the channel's notification of the payment it answered synchronously: answered from what this process
    // committed, without a transaction (no notification row); one of another amount or status still goes to the database
    expect((await notify({ orderId: r.body.id, status: 'succeeded', amountFen: 1_000, notifyId: 'n-sync' })).body.outcome).toBe('ignored_final');
    expect((await notify({ orderId: r.body.id, status: 'succeeded', amountFen: 1_001, notifyId: 'n-sync-x' })).body.outcome).toBe('amount_mismatch');
    expect((await notify({ orderId: r.body.id, status: 'failed', amountFen: 1_000, notifyId: 'n-sync-f' })).body.outcome).toBe('ignored_final');
    const rows = await svc.schema.adminQuery<{ notify_id: string }>(`select notify_id from channel_notifications where order_id = $1 order by notify_id`, [
      r.body.id,
    ]);
    expect(rows.map((n) => n.notify_id)).toEqual(['n-sync-f', 'n-sync-x']);
    expect((await outbox(r.body.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('a merchant suspended after paying is refused: the in-memory read model is told of the change', async () => {
    const merchant = randomUUID();
    const readModel = svc.app.get(OnboardingReadModel);
    await inTenantTransaction(svc.ds, T1, (em) => readModel.handleMerchantUpdated(merchantEvent(T1, merchant, 'active', 1), em));
    const payAt = (outTradeNo: string) =>
      api('POST', '/qr/pos/payments', { merchantId: merchant, terminalId: TERMINAL, outTradeNo, amountFen: 1_000, payerCode: WECHAT_CODE(7) });
    expect((await payAt('P-cached-1')).body.status).toBe('succeeded');
    expect((await payAt('P-cached-2')).body.status).toBe('succeeded'); // served from memory
    await inTenantTransaction(svc.ds, T1, (em) => readModel.handleMerchantUpdated(merchantEvent(T1, merchant, 'suspended', 2), em));
    let n = 0;
    const refused = await eventually(
      async () => {
        const r = await payAt(`P-cached-r${++n}`);
        return r.status === 422 ? r.body : undefined;
      },
      'the suspension reaching the read model',
      10_000,
    );
    expect(refused.error.code).toBe('merchant_not_active');
  });

  it('is declined with the channel reason', async () => {
    const r = await pos('P-decline', 1_011, '25' + '0'.repeat(15) + '2');
    expect(r.body).toMatchObject({ status: 'failed', channel: 'alipay', failureReason: 'insufficient_funds' });
    expect(await outbox(r.body.id)).toEqual([
      expect.objectContaining({ type: 'payment.failed', data: expect.objectContaining({ reason: 'insufficient_funds', amountFen: 1_011 }) }),
    ]);
  });

  it('waits for the payer to confirm, then succeeds', async () => {
    const r = await pos('P-confirm', 1_021, WECHAT_CODE(3));
    expect(r.body).toMatchObject({ status: 'succeeded', amountFen: 1_021 });
    expect(channels.requests.filter((q) => q.method === 'GET' && q.path.endsWith(r.body.id)).length).toBeGreaterThanOrEqual(2);
    expect((await outbox(r.body.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('reverses when the payer never confirms before the deadline', async () => {
    const r = await pos('P-timeout', 1_022, WECHAT_CODE(4));
    expect(r.body).toMatchObject({ status: 'closed', closeReason: 'reversed' });
    expect(channels.requests.some((q) => q.path.endsWith(`${r.body.id}/reverse`))).toBe(true);
    expect(await outbox(r.body.id)).toEqual([expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'reversed' }) })]);
  });

  it('a channel timeout is queried, then reversed when the channel does not know the payment', async () => {
    const r = await pos('P-504', 1_031, WECHAT_CODE(5));
    expect(r.body).toMatchObject({ status: 'closed', closeReason: 'reversed' });
    expect((await outbox(r.body.id)).map((e) => e.type)).toEqual(['payment.closed']);
  });

  it('refuses an unrecognised code and an over-limit payment before any channel call', async () => {
    const before = channels.requests.length;
    const bad = await pos('P-bad', 100, '99999999');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('payer_code_unrecognised');
    expect(channels.requests.length).toBe(before);

    // level C (no verification factors): ¥1,000.00 per payer per day
    const code = WECHAT_CODE(6);
    expect((await pos('P-lim-1', 90_000, code)).body.status).toBe('succeeded');
    const sent = channels.requests.length;
    const over = await pos('P-lim-2', 10_001, code);
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'barcode_limit_exceeded', param: 'amountFen' });
    expect(over.body.error.message).toContain('¥900.00 already paid today, ¥100.00 remaining');
    expect(channels.requests.length).toBe(sent);
    expect((await api('GET', '/qr/orders?outTradeNo=P-lim-2')).body.data).toEqual([]);
    // exactly up to the limit is fine; level B verification has a higher limit
    expect((await pos('P-lim-3', 10_000, code)).body.status).toBe('succeeded');
    expect((await pos('P-lim-4', 1, code)).status).toBe(422);
    expect((await pos('P-lim-5', 1, code, { verificationFactors: ['payment_password', 'sms_otp'] })).body.status).toBe('succeeded');
  });

  it('the success and its event are one statement: the event says what the order says', async () => {
    const r = await pos('P-one', 2_000, WECHAT_CODE(8));
    expect(r.body.status).toBe('succeeded');
    const events = await outbox(r.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      type: 'payment.succeeded',
      data: expect.objectContaining({
        orderId: r.body.id,
        outTradeNo: 'P-one',
        merchantId: MERCHANT,
        amountFen: 2_000,
        currency: 'CNY',
        channel: 'wechat',
        channelTradeNo: r.body.channelTradeNo,
        paidAt: r.body.paidAt,
      }),
    });
    expect(r.body.channelTradeNo).toEqual(expect.any(String));
  });

  it('concurrent payments of one payer are serialised by the lock taken with the daily sum: never past the limit', async () => {
    // level C: ¥1,000.00 per payer per day — two of four concurrent ¥400.00 payments fit
    const code = WECHAT_CODE(10);
    const results = await Promise.all([0, 1, 2, 3].map((i) => pos(`P-conc-${i}`, 40_000, code)));
    expect(results.filter((r) => r.body.status === 'succeeded')).toHaveLength(2);
    const over = results.filter((r) => r.status === 422);
    expect(over).toHaveLength(2);
    for (const r of over) expect(r.body.error.code).toBe('barcode_limit_exceeded');
  });

  it('a success from a copy of the order that is out of date is decided from the order as it is, with the event it says', async () => {
    const state = svc.app.get(PaymentStateService);
    const repo = svc.app.get(OrdersRepository);
    const id = randomUUID();
    await svc.schema.adminQuery(
      `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, kind, channel, amount_fen, state, business_day)
       values ($1, $2, $3, 'P-stale', $4, 'payer_code', 'wechat', 3000, 'paying', current_date)`,
      [id, T1, APP, MERCHANT],
    );
    const copy = await inTenantTransaction(svc.ds, T1, (em) => repo.findById(em, id));
    if (!copy) throw new Error('no order');
    // meanwhile the channel's "user paying" notification recorded its trade number; the copy does not know it
    await svc.schema.adminQuery(`update payment_orders set channel_trade_no = 'ch_recorded' where id = $1`, [id]);
    const paidAt = new Date('2026-11-30T01:02:03.456Z');
    const r = await state.apply(T1, id, 'payment_succeeded', { channel: 'wechat', paidAt }, copy);
    expect(r.applied).toBe(true);
    expect(r.order).toMatchObject({ state: 'succeeded', channelTradeNo: 'ch_recorded', paidAt });
    expect(await outbox(id)).toEqual([
      {
        type: 'payment.succeeded',
        data: expect.objectContaining({ orderId: id, channelTradeNo: 'ch_recorded', paidAt: paidAt.toISOString(), amountFen: 3000 }),
      },
    ]);
    // the same success again from the same copy: the order is final, nothing is written
    const again = await state.apply(T1, id, 'payment_succeeded', { channel: 'wechat', channelTradeNo: 'ch_other', paidAt: new Date() }, copy);
    expect(again.applied).toBe(false);
    expect(again.order).toMatchObject({ state: 'succeeded', channelTradeNo: 'ch_recorded' });
    expect(await outbox(id)).toHaveLength(1);
  });

  it('a repeated order number answers duplicate_out_trade_no whatever else is wrong with the repeat, before any channel call', async () => {
    const code = WECHAT_CODE(8);
    expect((await pos('P-dup', 1_000, code)).body.status).toBe('succeeded');
    const sent = channels.requests.length;
    // a plain repeat (refused by the insert), one over the payer's limit, one with an unrecognised code (refused by the intake)
    for (const [amountFen, payerCode] of [
      [1_000, code],
      [100_001, code],
      [100, '99999999'],
    ] as const) {
      const again = await pos('P-dup', amountFen, payerCode);
      expect(again.body.error?.code).toBe('duplicate_out_trade_no');
    }
    expect(channels.requests.length).toBe(sent);
    expect((await api('GET', '/qr/orders?outTradeNo=P-dup')).body.data).toHaveLength(1);
  });
});

describe('static codes', () => {
  it('serves the sticker payload and resolves by wallet', async () => {
    const code = await api('GET', `/qr/codes/${MERCHANT}`);
    expect(code.status).toBe(200);
    const decoded = decodeMpm(code.body.payload);
    expect(decoded.ok && decoded.value.pointOfInitiation).toBe('static');
    const path = new URL(code.body.resolveUrl).pathname;

    const safari = await fetch(`${svc.base}${path}`, { headers: { 'user-agent': SAFARI_UA } });
    expect(safari.status).toBe(200);
    expect(await safari.text()).toContain('WeChat Pay');
    const jsonClient = await fetch(`${svc.base}${path}`, { headers: { 'user-agent': SAFARI_UA, accept: 'application/json' } });
    expect(jsonClient.status).toBe(400);
    expect(((await jsonClient.json()) as { error: { code: string } }).error.code).toBe('wallet_not_supported');
    const wechat = await fetch(`${svc.base}${path}`, { headers: { 'user-agent': WECHAT_UA } });
    expect(await wechat.text()).toContain('<form');
  });

  it('pays through the wallet channel, within ¥500 per payer per day', async () => {
    const code = await api('GET', `/qr/codes/${MERCHANT}/${STORE}`);
    const path = new URL(code.body.resolveUrl).pathname;
    const pay = (amountFen: number, ua = WECHAT_UA) =>
      fetch(`${svc.base}${path}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': ua },
        body: JSON.stringify({ amountFen, payerId: 'wx_static_1' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status?: string; kind?: string; storeId?: string; error?: { code: string } } }));
    expect((await pay(100, SAFARI_UA)).body.error!.code).toBe('wallet_not_supported');
    const ok = await pay(50_000);
    expect(ok.body).toMatchObject({ status: 'succeeded', kind: 'static', storeId: STORE, channel: 'wechat' });
    const over = await pay(1);
    expect(over.status).toBe(422);
    expect(over.body.error!.code).toBe('barcode_limit_exceeded');
  });
});

describe('refunds', () => {
  it('partial then full, idempotent on outRefundNo, never above what is left', async () => {
    const paid = await api('POST', '/qr/pos/payments', { merchantId: MERCHANT, outTradeNo: 'R-1', amountFen: 10_000, payerCode: WECHAT_CODE(7) });
    expect(paid.body.status).toBe('succeeded');
    const id = paid.body.id as string;
    const refund = (outRefundNo: string, amountFen: number) => api('POST', `/qr/orders/${id}/refunds`, { outRefundNo, amountFen, reason: 'customer return' });

    const r1 = await refund('RF-1', 3_000);
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ status: 'succeeded', amountFen: 3_000, outRefundNo: 'RF-1' });
    const r1again = await refund('RF-1', 3_000);
    expect(r1again.body.id).toBe(r1.body.id);
    const over = await refund('RF-2', 7_001);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('refund_exceeds_refundable');
    expect(over.body.error.message).toContain('7000 fen');
    expect((await refund('RF-3', 7_000)).body).toMatchObject({ status: 'succeeded', amountFen: 7_000 });
    expect((await refund('RF-4', 1)).body.error.code).toBe('refund_exceeds_refundable');

    const list = await api('GET', `/qr/orders/${id}/refunds`);
    expect(list.body.data.map((r: { amountFen: number }) => r.amountFen)).toEqual([3_000, 7_000]);
    const events = await outbox(id);
    expect(events.map((e) => e.type)).toEqual(['payment.succeeded', 'refund.succeeded', 'refund.succeeded']);
    expect(events.slice(1).map((e) => e.data.amountFen)).toEqual([3_000, 7_000]);
  });

  it('an unpaid order cannot be refunded', async () => {
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'R-unpaid', amountFen: 800 });
    const r = await api('POST', `/qr/orders/${created.body.id}/refunds`, { outRefundNo: 'X', amountFen: 1 });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('order_not_refundable');
  });
});

describe('access and request shape', () => {
  it('an app without the qr:pay scope is refused with missing_scope; refunds need refunds:write', async () => {
    const noQr = testActors.app(T1, { appId: APP, scopes: ['merchants:read'] });
    const r = await api('GET', '/qr/orders', undefined, noQr);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('missing_scope');
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'A-scope', amountFen: 300 });
    const refund = await api(
      'POST',
      `/qr/orders/${created.body.id}/refunds`,
      { outRefundNo: 'X', amountFen: 1 },
      testActors.app(T1, { appId: APP, scopes: ['qr:pay'] }),
    );
    expect(refund.body.error.code).toBe('missing_scope');
  });

  it('a call without an actor is refused; the province reads a county it names, the county operator sees every app', async () => {
    // no service assertion: the service believes no caller (401), whatever headers it sends
    expect((await svc.call('GET', '/qr/orders')).status).toBe(401);
    expect((await svc.call('GET', '/qr/orders', { headers: actorHeaders(APP_T1) })).body.error.code).toBe('invalid_service_assertion');
    const created = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'A-ops', amountFen: 400 });
    expect((await api('GET', `/qr/orders/${created.body.id}`, undefined, testActors.province(T1))).body.status).toBe('created');
    expect((await api('GET', `/qr/orders/${created.body.id}`, undefined, testActors.province())).body.error.code).toBe('invalid_tenant');
    expect((await api('GET', `/qr/orders/${created.body.id}`, undefined, testActors.county(T1))).body.id).toBe(created.body.id);
    expect((await api('GET', `/qr/orders/${created.body.id}`, undefined, testActors.app(T1, { appId: 'app_bbbbbbbbbbbbbbbbbbbb' }))).status).toBe(404);
    // the province does not create orders
    expect((await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'A-prov', amountFen: 400 }, testActors.province(T1))).body.error.code).toBe(
      'forbidden_actor',
    );
  });

  it('a malformed order id is a 404, like an unknown one', async () => {
    const r = await api('GET', '/qr/orders/not-a-uuid');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });

  it('a dynamic order takes no payer code: that is POST /qr/pos/payments', async () => {
    const r = await api('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'A-pc', amountFen: 400, payerCode: WECHAT_CODE(9) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'unknown_field', param: 'payerCode' });
  });
});

describe('the orders list pages by keyset over >10,000 orders', () => {
  const BULK_APP = 'app_bulk0000000000000000';
  const BULK = testActors.app(T1, { appId: BULK_APP });
  const M_BULK = randomUUID();
  /** id → created_at as PostgreSQL keeps it (UTC, microseconds): the list's order, independent of its SQL */
  const keyOf = new Map<string, string>();
  let appIds: string[] = [];
  let merchantIds: string[] = [];

  /** newest first; the id breaks ties — compared in JavaScript from the database's own timestamps */
  const newestFirst = (a: { id: string }, b: { id: string }): number => {
    const ka = keyOf.get(a.id) ?? '';
    const kb = keyOf.get(b.id) ?? '';
    if (ka !== kb) return ka > kb ? -1 : 1;
    return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
  };

  beforeAll(async () => {
    // 10,050 orders of one app in T1 (one statement): groups of ~170 share one created_at to the
    // microsecond, and rows 1 µs apart share one millisecond (the old cursor, a JavaScript Date, skipped those)
    const bulk = (tenant: string, app: string, n: number, prefix: string) =>
      svc.schema.adminQuery(
        `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, kind, amount_fen, state, business_day, created_at, updated_at)
         select gen_random_uuid(), $1, $2, $3 || g, case when g % 40 = 0 then $5::uuid else $4::uuid end, 'dynamic', 100 + g, 'created', '2026-11-29',
                timestamptz '2026-11-29 06:00:00.123+00' + (g / 500) * interval '1 millisecond' + (g % 3) * interval '1 microsecond', now()
           from generate_series(1, $6::int) g`,
        [tenant, app, prefix, MERCHANT, M_BULK, n],
      );
    await bulk(T1, BULK_APP, 10_050, 'bulk-');
    await bulk(T2, BULK_APP, 300, 'other-tenant-'); // the same app id in another county: never listed in T1
    await bulk(T1, 'app_other000000000000000', 120, 'other-app-'); // another app of T1: not the bulk app's
    const rows = await svc.schema.adminQuery<{ id: string; app_id: string; merchant_id: string; k: string }>(
      `select id, app_id, merchant_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as k from payment_orders where tenant_id = $1`,
      [T1],
    );
    for (const r of rows) keyOf.set(r.id, r.k);
    appIds = rows.filter((r) => r.app_id === BULK_APP).map((r) => r.id);
    merchantIds = rows.filter((r) => r.merchant_id === M_BULK).map((r) => r.id);
    expect(appIds).toHaveLength(10_050);
    expect(new Set(rows.filter((r) => r.app_id === BULK_APP).map((r) => r.k)).size).toBeLessThan(100); // many rows per timestamp
  }, 60_000);

  it('a partner app walks its 10,050 orders 100 at a time: ordered, disjoint, complete, no other app or county', async () => {
    const result = await assertKeysetPaging<{ id: string }>({
      fetchPage: async (cursor) => {
        const r = await api('GET', `/qr/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`, undefined, BULK);
        expect(r.status).toBe(200);
        return r.body;
      },
      id: (o) => o.id,
      compare: newestFirst,
      expectedIds: appIds,
    });
    expect(result).toEqual({ pages: 101, items: 10_050 });
  }, 60_000);

  it('a county operator walks one merchant’s orders with the default page size (every app of the county, none of another)', async () => {
    const result = await assertKeysetPaging<{ id: string }>({
      fetchPage: async (cursor) =>
        (await api('GET', `/qr/orders?merchantId=${M_BULK}${cursor ? `&cursor=${cursor}` : ''}`, undefined, testActors.county(T1))).body,
      id: (o) => o.id,
      compare: newestFirst,
      expectedIds: merchantIds,
    });
    expect(result.items).toBe(merchantIds.length);
    expect(result.pages).toBe(Math.ceil(merchantIds.length / 20));
  }, 60_000);

  it('a cursor of another list, or a malformed one, is a 400 naming cursor', async () => {
    const other = Buffer.from(JSON.stringify(['webhook-deliveries', '1000'])).toString('base64url');
    for (const cursor of [other, 'garbage!', Buffer.from(JSON.stringify(['qr-orders', '2026-11-29T06:00:00.123Z', 'x'])).toString('base64url')]) {
      const r = await api('GET', `/qr/orders?cursor=${encodeURIComponent(cursor)}`, undefined, BULK);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    }
  });
});
