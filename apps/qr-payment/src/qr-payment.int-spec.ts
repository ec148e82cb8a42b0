/**
 * qr-payment against the real PostgreSQL (own throw-away schema, non-owner role, RLS) through
 * its HTTP API. The payment channels are a local node:http server that behaves per the
 * channel sandbox contract (magic amounts), because the channels are external systems; the
 * outbox is checked in PostgreSQL (the relay is not started, so nothing goes to Kafka).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { json } from 'express';
import { DataSource } from 'typeorm';
import { ServiceUrlsConfig } from '@countypay/config';
import { defaultTenantConfig, type EventEnvelope, type MerchantUpdatedData, type TenantUpdatedData } from '@countypay/contracts';
import { decodeMpm } from '@countypay/emvco';
import { OutboxRelay } from '@countypay/messaging';
import { createLogger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { ApiExceptionFilter, apiValidationPipe, LOGGER, platformTablesSql } from '@countypay/service-kit';
import { createTestSchema, testKafka, type TestSchema } from '@countypay/testing';
import { ChannelModule } from './channel/channel.module';
import { QrPaymentConfig } from './config/qr-payment.config';
import { qrPaymentTablesSql } from './migrations/1764300000000-qr-payment-tables';
import { NotifyModule } from './notify/notify.module';
import { OrderExpiryService } from './orders/order-expiry.service';
import { OrdersModule } from './orders/orders.module';
import { PosModule } from './pos/pos.module';
import { ReadModelModule } from './read-model/read-model.module';
import { ReadModelService } from './read-model/read-model.service';
import { RefundsModule } from './refunds/refunds.module';
import { StaticCodesModule } from './static-codes/static-codes.module';

const SECRET = 'it-notify-secret';
const T1 = 't510121';
const T2 = 't510129';
const APP = 'app_aaaaaaaaaaaaaaaaaaaa';
const MERCHANT = randomUUID();
const STORE = randomUUID();
const TERMINAL = randomUUID();
const SUSPENDED = randomUUID();
const M2 = randomUUID();
const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN';
const SAFARI_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

// ---------------------------------------------------------------------------------------
// A channel per the sandbox contract
// ---------------------------------------------------------------------------------------
interface FakePayment {
  status: 'succeeded' | 'failed' | 'user_paying' | 'reversed' | 'closed';
  amountFen: number;
  channelTradeNo: string;
  reason?: string;
  queries: number;
  payerId: string;
}
class FakeChannels {
  readonly requests: Array<{ method: string; path: string; body: Record<string, unknown> }> = [];
  private readonly payments = new Map<string, FakePayment>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
  paysOf(orderId: string) {
    return this.requests.filter((r) => r.method === 'POST' && /\/payments$/.test(r.path) && r.body.orderId === orderId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname, body });
    const send = (status: number, payload: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const parts = url.pathname.split('/').filter(Boolean); // channels/:channel/payments[/:orderId[/reverse]]
    if (req.method === 'POST' && parts[2] === 'payments' && parts.length === 3) {
      const amount = Number(body.amountFen);
      const orderId = String(body.orderId);
      const existing = this.payments.get(orderId);
      if (existing) return send(200, { status: existing.status, channelTradeNo: existing.channelTradeNo, payerId: existing.payerId });
      const payerId = String(body.payerId ?? `p_${createHmac('sha256', 'p').update(String(body.payerCode)).digest('hex').slice(0, 12)}`);
      const p: FakePayment = { status: 'succeeded', amountFen: amount, channelTradeNo: `ch_${orderId.slice(0, 8)}`, queries: 0, payerId };
      const tail = amount % 100;
      if (tail === 31) {
        await new Promise((r) => setTimeout(r, 300));
        return send(504, { error: 'timeout' }); // never recorded: a query answers 404
      }
      if (tail === 11) Object.assign(p, { status: 'failed', reason: 'insufficient_funds' });
      if (tail === 12) Object.assign(p, { status: 'failed', reason: 'card_frozen' });
      if (tail === 13) Object.assign(p, { status: 'failed', reason: 'risk_rejected' });
      if (tail === 21 || tail === 22) p.status = 'user_paying';
      this.payments.set(orderId, p);
      return send(200, { status: p.status, channelTradeNo: p.channelTradeNo, payerId, ...(p.reason ? { reason: p.reason } : {}) });
    }
    if (req.method === 'GET' && parts[2] === 'payments' && parts.length === 4) {
      const p = this.payments.get(parts[3]!);
      if (!p) return send(404, { error: { code: 'payment_not_found' } });
      p.queries++;
      if (p.status === 'user_paying' && p.amountFen % 100 === 21 && p.queries >= 2) p.status = 'succeeded';
      return send(200, { status: p.status, channelTradeNo: p.channelTradeNo, amountFen: p.amountFen, payerId: p.payerId });
    }
    if (req.method === 'POST' && parts[2] === 'payments' && (parts[4] === 'reverse' || parts[4] === 'close')) {
      const p = this.payments.get(parts[3]!);
      if (p) p.status = 'reversed';
      return send(200, { status: 'reversed' });
    }
    if (req.method === 'POST' && parts[2] === 'refunds') {
      return send(200, { status: 'succeeded', channelRefundNo: `rf_${String(body.refundId).slice(0, 8)}` });
    }
    send(404, { error: 'no route' });
  }
}

// ---------------------------------------------------------------------------------------

let schema: TestSchema;
let ds: DataSource;
let app: INestApplication;
let base: string;
const channels = new FakeChannels();

/** What ServiceKitModule gives the features, here with the test schema's DataSource. */
@Global()
@Module({})
class TestPlatformModule {
  static with(dataSource: DataSource, relay: OutboxRelay, logger: unknown): DynamicModule {
    const providers = [
      { provide: DataSource, useValue: dataSource },
      { provide: OutboxRelay, useValue: relay },
      { provide: LOGGER, useValue: logger },
    ];
    return { module: TestPlatformModule, providers, exports: [DataSource, OutboxRelay, LOGGER] };
  }
}

function headers(tenant: string, actor: 'app' | 'county' = 'app'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'tenant-id': tenant,
    'x-cp-actor-type': actor,
    'x-cp-actor-id': actor === 'app' ? APP : 'op_1',
    ...(actor === 'app' ? { 'x-cp-app-id': APP } : {}),
  };
}

async function call(method: string, path: string, body?: object, h: Record<string, string> = headers(T1)) {
  const res = await fetch(`${base}${path}`, { method, headers: h, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies of every route, asserted field by field
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

async function outbox(orderId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  return schema.admin(async (c) => {
    const r = await c.query(`select payload from outbox where message_key = $1 order by created_at, id`, [orderId]);
    return r.rows.map((row: { payload: EventEnvelope<Record<string, unknown>> | string }) => {
      const p = typeof row.payload === 'string' ? (JSON.parse(row.payload) as EventEnvelope<Record<string, unknown>>) : row.payload;
      return { type: p.type, data: p.data };
    });
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

async function notify(n: Parameters<typeof notification>[0], signature?: string) {
  const { body, signature: good } = notification(n);
  const res = await fetch(`${base}/qr/notify/${n.channel ?? 'wechat'}`, {
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
      legalName: '平湖市城关便民超市有限公司',
      mcc: '5411',
      city: '平湖市',
      status,
      riskLevel: 'low',
      stores: [{ storeId: STORE, name: '总店', status: 'active', terminals: [{ terminalId: TERMINAL, serialNo: 'SN1', status: 'active' }] }],
      version,
    },
  };
}

beforeAll(async () => {
  await channels.start();
  schema = await createTestSchema('qrpay', [...platformTablesSql(), ...qrPaymentTablesSql()]);
  ds = await schema.appDataSource();
  const config = Object.assign(new QrPaymentConfig(), {
    QR_POS_CONFIRM_DEADLINE_MS: 1500,
    QR_POS_POLL_INITIAL_MS: 50,
    QR_POS_POLL_MAX_MS: 200,
    QR_CHANNEL_TIMEOUT_MS: 3000,
    QR_EXPIRY_SWEEP_MS: 3_600_000,
    SANDBOX_NOTIFY_SECRET: SECRET,
  });
  const urls = Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': channels.url }) });
  const logger = createLogger({ serviceName: 'qr-payment-it', level: 'silent' });
  const relay = new OutboxRelay(ds, testKafka().producer(), { batchSize: 10, pollMs: 1000 }); // never started: events stay in the outbox
  const moduleRef = await Test.createTestingModule({
    imports: [TestPlatformModule.with(ds, relay, logger), ChannelModule, ReadModelModule, OrdersModule, PosModule, StaticCodesModule, NotifyModule, RefundsModule],
  })
    .overrideProvider(QrPaymentConfig)
    .useValue(config)
    .overrideProvider(ServiceUrlsConfig)
    .useValue(urls)
    .compile();
  app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  app.use(json());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.useGlobalPipes(apiValidationPipe());
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
  base = base.replace('[::1]', '127.0.0.1');

  const readModel = app.get(ReadModelService);
  await inTenantTransaction(ds, T1, async (em) => {
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
    data: { tenantId: T2, name: 'T2', status: 'active', config: config2, version: 1 },
  };
  await inTenantTransaction(ds, T2, async (em) => {
    await readModel.handleTenantUpdated(tenantEvent, em);
    await readModel.handleMerchantUpdated(merchantEvent(T2, M2, 'active', 1), em);
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await schema?.drop();
  await channels.stop();
});

const WECHAT_CODE = (n: number) => `13${String(n).padStart(16, '0')}`;

describe('dynamic (per-order) codes', () => {
  it('creates an order with an EMVCo dynamic payload, is paid by a wallet, and announces it once', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, storeId: STORE, outTradeNo: 'D-1', amountFen: 12_300, description: 'order D-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'created', kind: 'dynamic', amountFen: 12_300, outTradeNo: 'D-1' });
    const decoded = decodeMpm(created.body.qr.payload);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.errors));
    expect(decoded.value.pointOfInitiation).toBe('dynamic');
    expect(decoded.value.amountFen).toBe(12_300n);

    const png = await fetch(`${base}${created.body.qr.pngPath}`, { headers: headers(T1) });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toContain('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const dup = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-1', amountFen: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_out_trade_no');

    const paid = await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_payer_1' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'succeeded', channel: 'wechat', payerId: 'wx_payer_1', amountFen: 12_300 });
    expect(channels.paysOf(created.body.id)[0]!.body).toMatchObject({ kind: 'qr_dynamic', amountFen: 12_300, tenantId: T1 });

    const events = await outbox(created.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'payment.succeeded', data: { orderId: created.body.id, amountFen: 12_300, partnerAppId: APP, channel: 'wechat', product: 'qr', currency: 'CNY' } });

    const again = await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_payer_1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order_not_payable');
  });

  it('another tenant cannot see the order (404)', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-iso', amountFen: 500 });
    expect((await call('GET', `/qr/orders/${created.body.id}`, undefined, headers(T2))).status).toBe(404);
    expect((await call('GET', `/qr/orders/${created.body.id}`)).body.status).toBe('created');
  });

  it('refuses inactive merchants and disabled channels', async () => {
    const r = await call('POST', '/qr/orders', { merchantId: SUSPENDED, outTradeNo: 'D-susp', amountFen: 500 });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('merchant_not_active');
    const created = await call('POST', '/qr/orders', { merchantId: M2, outTradeNo: 'D-t2', amountFen: 500 }, headers(T2));
    expect(created.status).toBe(201);
    const pay = await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'alipay', payerId: 'ali_1' }, headers(T2));
    expect(pay.status).toBe(422);
    expect(pay.body.error.code).toBe('channel_not_enabled');
  });

  it('the sweeper closes expired unpaid orders with PaymentClosedV1 reason expired', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'D-exp', amountFen: 700, expiresInSeconds: 60 });
    await schema.admin((c) => c.query(`update payment_orders set expires_at = now() - interval '1 second' where id = $1`, [created.body.id]));
    expect(await app.get(OrderExpiryService).sweep()).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/qr/orders/${created.body.id}`)).body).toMatchObject({ status: 'closed', closeReason: 'expired' });
    expect(await outbox(created.body.id)).toEqual([expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'expired' }) })]);
    expect(await app.get(OrderExpiryService).sweep()).toBe(0);
  });

  it('lists with filters and cursor pagination, and closes', async () => {
    for (const n of [1, 2, 3]) await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: `L-${n}`, amountFen: 100 + n });
    const page1 = await call('GET', '/qr/orders?status=created&limit=2');
    expect(page1.body.data).toHaveLength(2);
    const page2 = await call('GET', `/qr/orders?status=created&limit=2&cursor=${page1.body.nextCursor}`);
    const ids = [...page1.body.data, ...page2.body.data].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const one = await call('GET', '/qr/orders?outTradeNo=L-2');
    expect(one.body.data).toHaveLength(1);
    expect(one.body.data[0].amountFen).toBe(102);
    const closed = await call('POST', `/qr/orders/${one.body.data[0].id}/close`);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'closed_by_partner' });
    expect((await call('POST', `/qr/orders/${one.body.data[0].id}/close`)).status).toBe(409);
    expect((await outbox(one.body.data[0].id)).map((e) => e.type)).toEqual(['payment.closed']);
  });
});

describe('QR payments left paying', () => {
  it('the sweeper reverses a payment the payer never confirmed', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'S-stale', amountFen: 5_522 });
    expect((await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'alipay', payerId: 'ali_stale' })).body.status).toBe('paying');
    await schema.admin((c) => c.query(`update payment_orders set updated_at = now() - interval '1 day' where id = $1`, [created.body.id]));
    await app.get(OrderExpiryService).sweep();
    expect((await call('GET', `/qr/orders/${created.body.id}`)).body).toMatchObject({ status: 'closed', closeReason: 'reversed' });
    expect(channels.requests.some((q) => q.path.endsWith(`${created.body.id}/reverse`))).toBe(true);
    expect(await outbox(created.body.id)).toEqual([expect.objectContaining({ type: 'payment.closed', data: expect.objectContaining({ reason: 'reversed', channel: 'alipay' }) })]);
  });
});

describe('channel notifications', () => {
  it('apply once: duplicates and out-of-order or late notifications never move a final order', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'N-1', amountFen: 4_522 });
    const paying = await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_n' });
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

    expect((await call('GET', `/qr/orders/${id}`)).body).toMatchObject({ status: 'succeeded', payerId: 'wx_notified' });
    expect((await outbox(id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('a notification for an amount other than the order is not applied', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'N-2', amountFen: 3_022 });
    await call('POST', `/qr/orders/${created.body.id}/pay`, { channel: 'wechat', payerId: 'wx_n2' });
    expect((await notify({ orderId: created.body.id, status: 'succeeded', amountFen: 1, notifyId: 'n-x' })).body.outcome).toBe('amount_mismatch');
    expect((await call('GET', `/qr/orders/${created.body.id}`)).body.status).toBe('paying');
    expect(await outbox(created.body.id)).toEqual([]);
  });
});

describe('payer code at the POS', () => {
  const pos = (outTradeNo: string, amountFen: number, payerCode: string, extra: object = {}) =>
    call('POST', '/qr/pos/payments', { merchantId: MERCHANT, terminalId: TERMINAL, outTradeNo, amountFen, payerCode, ...extra });

  it('succeeds synchronously', async () => {
    const r = await pos('P-ok', 1_000, WECHAT_CODE(1));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'succeeded', kind: 'payer_code', channel: 'wechat', storeId: STORE, terminalId: TERMINAL, amountFen: 1_000 });
    expect(r.body.payerId).toMatch(/^p_/);
    expect((await outbox(r.body.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('is declined with the channel reason', async () => {
    const r = await pos('P-decline', 1_011, '25' + '0'.repeat(15) + '2');
    expect(r.body).toMatchObject({ status: 'failed', channel: 'alipay', failureReason: 'insufficient_funds' });
    expect(await outbox(r.body.id)).toEqual([expect.objectContaining({ type: 'payment.failed', data: expect.objectContaining({ reason: 'insufficient_funds', amountFen: 1_011 }) })]);
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
    expect((await call('GET', '/qr/orders?outTradeNo=P-lim-2')).body.data).toEqual([]);
    // exactly up to the limit is fine; level B verification has a higher limit
    expect((await pos('P-lim-3', 10_000, code)).body.status).toBe('succeeded');
    expect((await pos('P-lim-4', 1, code)).status).toBe(422);
    expect((await pos('P-lim-5', 1, code, { verificationFactors: ['payment_password', 'sms_otp'] })).body.status).toBe('succeeded');
  });
});

describe('static codes', () => {
  it('serves the sticker payload and resolves by wallet', async () => {
    const code = await call('GET', `/qr/codes/${MERCHANT}`);
    expect(code.status).toBe(200);
    const decoded = decodeMpm(code.body.payload);
    expect(decoded.ok && decoded.value.pointOfInitiation).toBe('static');
    const path = new URL(code.body.resolveUrl).pathname;

    const safari = await fetch(`${base}${path}`, { headers: { 'user-agent': SAFARI_UA } });
    expect(safari.status).toBe(200);
    expect(await safari.text()).toContain('WeChat Pay');
    const jsonClient = await fetch(`${base}${path}`, { headers: { 'user-agent': SAFARI_UA, accept: 'application/json' } });
    expect(jsonClient.status).toBe(400);
    expect(((await jsonClient.json()) as { error: { code: string } }).error.code).toBe('wallet_not_supported');
    const wechat = await fetch(`${base}${path}`, { headers: { 'user-agent': WECHAT_UA } });
    expect(await wechat.text()).toContain('<form');
  });

  it('pays through the wallet channel, within ¥500 per payer per day', async () => {
    const code = await call('GET', `/qr/codes/${MERCHANT}/${STORE}`);
    const path = new URL(code.body.resolveUrl).pathname;
    const pay = (amountFen: number, ua = WECHAT_UA) =>
      fetch(`${base}${path}/pay`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': ua }, body: JSON.stringify({ amountFen, payerId: 'wx_static_1' }) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { status?: string; kind?: string; storeId?: string; error?: { code: string } } }),
      );
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
    const paid = await call('POST', '/qr/pos/payments', { merchantId: MERCHANT, outTradeNo: 'R-1', amountFen: 10_000, payerCode: WECHAT_CODE(7) });
    expect(paid.body.status).toBe('succeeded');
    const id = paid.body.id as string;
    const refund = (outRefundNo: string, amountFen: number) => call('POST', `/qr/orders/${id}/refunds`, { outRefundNo, amountFen, reason: 'customer return' });

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

    const list = await call('GET', `/qr/orders/${id}/refunds`);
    expect(list.body.data.map((r: { amountFen: number }) => r.amountFen)).toEqual([3_000, 7_000]);
    const events = await outbox(id);
    expect(events.map((e) => e.type)).toEqual(['payment.succeeded', 'refund.succeeded', 'refund.succeeded']);
    expect(events.slice(1).map((e) => e.data.amountFen)).toEqual([3_000, 7_000]);
  });

  it('an unpaid order cannot be refunded', async () => {
    const created = await call('POST', '/qr/orders', { merchantId: MERCHANT, outTradeNo: 'R-unpaid', amountFen: 800 });
    const r = await call('POST', `/qr/orders/${created.body.id}/refunds`, { outRefundNo: 'X', amountFen: 1 });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('order_not_refundable');
  });
});
