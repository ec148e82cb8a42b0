/**
 * acquiring's orders against the real PostgreSQL (own throw-away schema, non-owner role, RLS)
 * through its HTTP API, booted by the test platform. The outbox is checked in PostgreSQL (the
 * relay is not started). Channel flows are covered end to end (test/e2e/acquiring) against the
 * real channel sandbox.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceUrlsConfig } from '@countypay/config';
import { type EventEnvelope, type MerchantUpdatedData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { generateServiceKeyPair, SERVICE_ASSERTION_HEADER, ServiceAssertionSigner } from '@countypay/security';
import { ServiceAuth, type Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, testServiceAuthEnv, type TestService } from '@countypay/testing';
import { AcquiringChannelModule } from './channel/channel.module';
import { AcquiringConfig } from './config/acquiring.config';
import { migrations } from './data-source';
import { NotifyModule } from './notify/notify.module';
import { AcquiringReadModelModule } from './onboarding-read-model';
import { OrdersModule } from './orders/orders.module';

const T1 = 't510121';
const T2 = 't510129';
const APP = 'app_acqaaaaaaaaaaaaaaaaa';
const OTHER_APP = 'app_acqbbbbbbbbbbbbbbbbb';
const SCOPES = ['acquiring:pay' as const];
const APP_T1 = testActors.app(T1, { appId: APP, scopes: SCOPES });
const APP2_T1 = testActors.app(T1, { appId: OTHER_APP, scopes: SCOPES });
const APP_T2 = testActors.app(T2, { appId: APP, scopes: SCOPES });
const MERCHANT = randomUUID();
const SUSPENDED = randomUUID();

let svc: TestService;

// settlement, asking for a make-up (补单) with its own service assertion
const settlementKeys = generateServiceKeyPair();
const settlement = new ServiceAssertionSigner('settlement', 'it-settlement', settlementKeys.privateKey);
// (the service under test is named 'acq': the audience of the assertions it accepts)
const authEnv = testServiceAuthEnv('acq');
const acquiringAuth = new ServiceAuth('acq', {
  ...authEnv,
  COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({
    ...(JSON.parse(authEnv.COUNTYPAY_S2S_TRUSTED_KEYS) as object),
    'it-settlement': { issuer: 'settlement', publicKey: settlementKeys.publicKey },
  }),
});

/** The channel's payment query (查询订单) as the sandbox's contract answers it; every other route 404. */
const channelPayments = new Map<string, { status: string; channelTradeNo: string; amountFen: number; refundedFen?: number }>();
const channelQueries: string[] = [];
const channel: Server = createServer((req, res) => {
  const m = /^\/channels\/county_bank\/payments\/([0-9a-f-]{36})$/.exec((req.url ?? '').split('?')[0]!);
  const answer = m && req.method === 'GET' ? channelPayments.get(m[1]!) : undefined;
  if (m) channelQueries.push(m[1]!);
  res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer ?? { error: { code: 'not_found', message: 'no such payment' } }));
});

async function asSettlement(path: string, body: object) {
  const res = await fetch(`${svc.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SERVICE_ASSERTION_HEADER]: settlement.sign('acq', {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
}

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

function merchantEvent(tenantId: string, merchantId: string, status: MerchantUpdatedData['status']): EventEnvelope<MerchantUpdatedData> {
  return {
    id: randomUUID(),
    type: 'onboarding.merchant-updated',
    version: 1,
    tenantId,
    occurredAt: new Date().toISOString(),
    data: { merchantId, legalName: '金堂县农特产商城有限公司', mcc: '5311', city: '成都市', status, riskLevel: 'low', stores: [], version: 1 },
  };
}

const order = (over: Record<string, unknown> = {}) => ({
  merchantId: MERCHANT,
  outTradeNo: `MALL-${randomUUID().slice(0, 8)}`,
  amountFen: 12_800,
  subject: '金堂脐橙 5kg ×2',
  ...over,
});

beforeAll(async () => {
  const config = Object.assign(new AcquiringConfig(), { ACQ_SWEEP_MS: 3_600_000 });
  // the channel is reached only by the make-up's query (the channel flows are covered end to end)
  await new Promise<void>((r) => channel.listen(0, '127.0.0.1', r));
  const channelUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}`;
  const urls = Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': channelUrl }) });
  svc = await startTestService({
    service: 'acq',
    migrations,
    imports: [AcquiringChannelModule, AcquiringReadModelModule, OrdersModule, NotifyModule],
    override: (b) =>
      b
        .overrideProvider(AcquiringConfig)
        .useValue(config)
        .overrideProvider(ServiceUrlsConfig)
        .useValue(urls)
        .overrideProvider(ServiceAuth)
        .useValue(acquiringAuth),
  });
  const readModel = svc.app.get(OnboardingReadModel);
  await inTenantTransaction(svc.ds, T1, async (em) => {
    await readModel.handleMerchantUpdated(merchantEvent(T1, MERCHANT, 'active'), em);
    await readModel.handleMerchantUpdated(merchantEvent(T1, SUSPENDED, 'suspended'), em);
  });
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await new Promise((r) => channel.close(r));
});

describe('creating an order', () => {
  it('answers the order created, unpaid, expiring in 30 minutes by default, with its cashier path', async () => {
    const before = Date.now();
    const goods = [{ goodsId: 'SKU-1', name: '金堂脐橙 5kg', quantity: 2, priceFen: 6_400 }];
    const r = await api('POST', '/acquiring/orders', order({ goods, returnUrl: 'https://mall.example/done', notifyUrl: 'https://mall.example/notify' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      amountFen: 12_800,
      currency: 'CNY',
      status: 'created',
      refundStatus: 'none',
      refundedFen: 0,
      method: null,
      channel: null,
      goods,
      profitSharing: false,
      returnUrl: 'https://mall.example/done',
      cashierPath: `/v1/acquiring/cashier/${T1}/${r.body.id}`,
    });
    const expiresIn = Date.parse(r.body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(1795_000);
    expect(expiresIn).toBeLessThan(1805_000);
    expect(await outbox(r.body.id)).toEqual([]);
  });

  it('refuses an expiry under 1 minute or over 15 days, a float amount and an unknown field, with stable codes', async () => {
    expect((await api('POST', '/acquiring/orders', order({ expiresInSeconds: 59 }))).body.error).toMatchObject({
      code: 'invalid_request',
      param: 'expiresInSeconds',
    });
    expect((await api('POST', '/acquiring/orders', order({ expiresInSeconds: 15 * 86_400 + 1 }))).status).toBe(400);
    expect((await api('POST', '/acquiring/orders', order({ expiresInSeconds: 15 * 86_400 }))).status).toBe(201);
    expect((await api('POST', '/acquiring/orders', order({ amountFen: 12.5 }))).body.error).toMatchObject({ code: 'invalid_request', param: 'amountFen' });
    expect((await api('POST', '/acquiring/orders', order({ cvv: '123' }))).body.error.code).toBe('unknown_field');
  });

  it('outTradeNo is unique per app: the same number from another app is a new order', async () => {
    const o = order();
    expect((await api('POST', '/acquiring/orders', o)).status).toBe(201);
    const again = await api('POST', '/acquiring/orders', o);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'duplicate_out_trade_no', param: 'outTradeNo' });
    expect((await api('POST', '/acquiring/orders', o, APP2_T1)).status).toBe(201);
  });

  it('refuses a suspended merchant and one of another county (404)', async () => {
    expect((await api('POST', '/acquiring/orders', order({ merchantId: SUSPENDED }))).body.error.code).toBe('merchant_not_active');
    expect((await api('POST', '/acquiring/orders', order(), APP_T2)).status).toBe(404);
  });
});

describe('querying and closing', () => {
  it('by id and by outTradeNo; another app or another county gets 404', async () => {
    const created = (await api('POST', '/acquiring/orders', order())).body;
    expect((await api('GET', `/acquiring/orders/${created.id}`)).body).toEqual(created);
    expect((await api('GET', `/acquiring/orders/by-out-trade-no/${created.outTradeNo}`)).body).toEqual(created);
    expect((await api('GET', `/acquiring/orders/${created.id}`, undefined, APP2_T1)).status).toBe(404);
    expect((await api('GET', `/acquiring/orders/${created.id}`, undefined, APP_T2)).status).toBe(404);
    expect((await api('GET', `/acquiring/orders/by-out-trade-no/${created.outTradeNo}`, undefined, APP_T2)).status).toBe(404);
    expect((await api('POST', `/acquiring/orders/${created.id}/close`, undefined, APP_T2)).status).toBe(404);
    // the county operator sees every app's order of its county
    expect((await api('GET', `/acquiring/orders/${created.id}`, undefined, testActors.county(T1))).status).toBe(200);
    expect((await api('GET', `/acquiring/orders/${created.id}`, undefined, testActors.county(T2))).status).toBe(404);
  });

  it('closing an unpaid order closes it once and writes payment.closed to the outbox in the same transaction', async () => {
    const created = (await api('POST', '/acquiring/orders', order())).body;
    const closed = await api('POST', `/acquiring/orders/${created.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'closed_by_partner', version: 2 });
    const again = await api('POST', `/acquiring/orders/${created.id}/close`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state_transition');
    expect(await outbox(created.id)).toEqual([
      {
        type: 'payment.closed',
        data: expect.objectContaining({ orderId: created.id, product: 'acquiring', amountFen: 12_800, reason: 'closed_by_partner', partnerAppId: APP }),
      },
    ]);
  });

  it('a pay with an unknown method is a 400 naming method; paying a closed order is order_not_payable', async () => {
    const created = (await api('POST', '/acquiring/orders', order())).body;
    expect((await api('POST', `/acquiring/orders/${created.id}/pay`, { method: 'bitcoin' })).body.error).toMatchObject({
      code: 'invalid_request',
      param: 'method',
    });
    await api('POST', `/acquiring/orders/${created.id}/close`);
    expect((await api('POST', `/acquiring/orders/${created.id}/pay`, { method: 'alipay_wap' })).body.error.code).toBe('order_not_payable');
  });
});

describe('listing', () => {
  it('filters by status, amount and creation time', async () => {
    const merchantId = MERCHANT;
    const a = (await api('POST', '/acquiring/orders', order({ amountFen: 501 }))).body;
    const b = (await api('POST', '/acquiring/orders', order({ amountFen: 502 }))).body;
    await api('POST', `/acquiring/orders/${b.id}/close`);
    const cheap = await api('GET', `/acquiring/orders?merchantId=${merchantId}&minAmountFen=501&maxAmountFen=502&limit=100`);
    expect(cheap.body.data.map((o: { id: string }) => o.id)).toEqual([b.id, a.id]);
    const closed = await api('GET', `/acquiring/orders?minAmountFen=501&maxAmountFen=502&status=closed`);
    expect(closed.body.data.map((o: { id: string }) => o.id)).toEqual([b.id]);
    const later = await api('GET', `/acquiring/orders?minAmountFen=501&maxAmountFen=502&createdFrom=${encodeURIComponent(b.createdAt)}`);
    expect(later.body.data.map((o: { id: string }) => o.id)).toEqual([b.id]);
    const earlier = await api('GET', `/acquiring/orders?minAmountFen=501&maxAmountFen=502&createdTo=${encodeURIComponent(b.createdAt)}`);
    expect(earlier.body.data.map((o: { id: string }) => o.id)).toEqual([a.id]);
    expect((await api('GET', '/acquiring/orders?minAmountFen=1.5')).status).toBe(400);
    expect((await api('GET', '/acquiring/orders?status=paid')).body.error.param).toBe('status');
  });

  it('pages of 100 cross 999→1000 and 9999→10000 in order, disjoint and complete; another county sees none of them', async () => {
    const app = 'app_acqpagingpagingpagin';
    const rows = 10_050;
    await svc.schema.adminQuery(
      `insert into acq_orders (id, tenant_id, app_id, out_trade_no, merchant_id, amount_fen, subject, state, business_day, expires_at, created_at)
       select gen_random_uuid(), $1, $2, 'P' || i, $3, 100 + i, 'paging', 'created', current_date, now() + interval '1 hour',
              timestamptz '2026-11-01 00:00:00+00' + (i / 3) * interval '1 millisecond'
         from generate_series(1, $4) as i`,
      [T1, app, MERCHANT, rows],
    );
    const actor = testActors.app(T1, { appId: app, scopes: SCOPES });
    const ids = (await svc.schema.adminQuery<{ id: string }>(`select id from acq_orders where app_id = $1`, [app])).map((r) => r.id);
    type Row = { id: string; createdAt: string };
    const r = await assertKeysetPaging<Row>({
      fetchPage: async (cursor) =>
        (await api('GET', `/acquiring/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, actor)).body,
      id: (o) => o.id,
      compare: (x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt) || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
      expectedIds: ids,
    });
    expect(r.items).toBe(rows);
    const other = await api('GET', '/acquiring/orders?limit=100', undefined, testActors.app(T2, { appId: app, scopes: SCOPES }));
    expect(other.body.data).toEqual([]);
  }, 120_000);
});

describe('补单: settlement makes up a closed order the channel says was paid', () => {
  /** an order closed after the payer had chosen county bank (its channel order was closed too, as the statement shows) */
  async function closedAtCountyBank(amountFen = 12_800): Promise<string> {
    const created = (await api('POST', '/acquiring/orders', order({ amountFen }))).body;
    expect((await api('POST', `/acquiring/orders/${created.id}/close`)).status).toBe(200);
    await svc.schema.adminQuery(`update acq_orders set channel = 'county_bank' where id = $1`, [created.id]);
    return created.id as string;
  }
  const makeUp = (id: string, tenantId = T1) => asSettlement(`/acquiring/internal/orders/${id}/make-up`, { tenantId });

  it('moves closed → succeeded once the channel says paid: payment.succeeded in the outbox, once; a repeat changes nothing', async () => {
    const id = await closedAtCountyBank();
    // only settlement may ask; the channel is asked, not believed from the caller
    const byGateway = await svc.call('POST', `/acquiring/internal/orders/${id}/make-up`, { asGateway: true, body: { tenantId: T1 } });
    expect([byGateway.status, byGateway.body.error.code]).toEqual([403, 'forbidden_actor']);
    const unpaid = await makeUp(id);
    expect([unpaid.status, unpaid.body.error?.code]).toEqual([409, 'invalid_state_transition']);
    expect(channelQueries).toContain(id);

    channelPayments.set(id, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000009', amountFen: 12_800 });
    // another county's order is not found, even by settlement
    expect((await makeUp(id, T2)).status).toBe(404);
    const made = await makeUp(id);
    expect(made).toEqual({ status: 200, body: { orderId: id, state: 'succeeded', madeUp: true, channelTradeNo: 'CB0120261120000000000009' } });
    expect((await api('GET', `/acquiring/orders/${id}`)).body).toMatchObject({ status: 'succeeded', channelTradeNo: 'CB0120261120000000000009' });
    const events = await outbox(id);
    expect(events.map((e) => e.type)).toEqual(['payment.closed', 'payment.succeeded']);
    expect(events[1]!.data).toMatchObject({
      orderId: id,
      product: 'acquiring',
      channel: 'county_bank',
      amountFen: 12_800,
      channelTradeNo: 'CB0120261120000000000009',
    });

    const queries = channelQueries.length;
    expect(await makeUp(id)).toEqual(made);
    expect(channelQueries.length).toBe(queries); // made up already: the channel is not asked again
    expect((await outbox(id)).map((e) => e.type)).toEqual(['payment.closed', 'payment.succeeded']);
  });

  it('refuses an amount the channel has otherwise, a payment partly given back, and an order that never closed', async () => {
    const other = await closedAtCountyBank();
    channelPayments.set(other, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000010', amountFen: 12_700 });
    expect((await makeUp(other)).body.error?.code).toBe('invalid_state_transition');
    channelPayments.set(other, { status: 'succeeded', channelTradeNo: 'CB0120261120000000000010', amountFen: 12_800, refundedFen: 100 });
    expect((await makeUp(other)).body.error?.code).toBe('invalid_state_transition');
    expect((await api('GET', `/acquiring/orders/${other}`)).body.status).toBe('closed');
    const open = (await api('POST', '/acquiring/orders', order())).body;
    expect((await makeUp(open.id as string)).body.error?.code).toBe('invalid_state_transition');
    expect(await outbox(open.id as string)).toEqual([]);
  });
});
