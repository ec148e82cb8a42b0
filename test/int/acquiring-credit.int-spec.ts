/**
 * Online acquiring ↔ credit (issue 8 × issue 9, ADR 0015) on the real PostgreSQL: both services
 * booted by the test platform (own schemas, non-owner roles, RLS), acquiring calling credit over
 * HTTP with its own service assertion. The SMS gateways (an external system) are in-memory
 * stand-ins whose messages the tests read, as the sandbox's SMS admin API lets the e2e tests.
 */
/* eslint-disable @nx/enforce-module-boundaries -- this spec boots two services side by side (acquiring calling credit over HTTP): their modules are imported from the apps, the kit statically */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceUrlsConfig } from '@countypay/config';
import type { EventEnvelope } from '@countypay/contracts';
import { CreditHoldsClient } from '@countypay/payment-intake';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { generateServiceKeyPair } from '@countypay/security';
import { ServiceAuth } from '@countypay/service-kit';
import { startTestService, testActors, testServiceAuthEnv, type TestService } from '@countypay/testing';
import { CashierModule } from '../../apps/acquiring/src/cashier/cashier.module';
import { AcquiringChannelModule } from '../../apps/acquiring/src/channel/channel.module';
import { AcquiringConfig } from '../../apps/acquiring/src/config/acquiring.config';
import { CreditPaymentModule } from '../../apps/acquiring/src/credit/credit-payment.module';
import { CreditPaymentsRepository } from '../../apps/acquiring/src/credit/credit-payments.repository';
import { migrations as acquiringMigrations } from '../../apps/acquiring/src/data-source';
import { creditPaymentRef } from '../../apps/acquiring/src/domain/credit-consent';
import { AcquiringReadModelModule } from '../../apps/acquiring/src/onboarding-read-model';
import { OrderIntake } from '../../apps/acquiring/src/orders/order-intake';
import { OrdersModule } from '../../apps/acquiring/src/orders/orders.module';
import { OrdersRepository } from '../../apps/acquiring/src/orders/orders.repository';
import { PaymentSyncService } from '../../apps/acquiring/src/orders/payment-sync.service';
import { QuickpayModule } from '../../apps/acquiring/src/quickpay/quickpay.module';
import { RefundsModule } from '../../apps/acquiring/src/refunds/refunds.module';
import { CreditConfig } from '../../apps/credit/src/config/credit.config';
import { CreditModule } from '../../apps/credit/src/credit.module';
import { migrations as creditMigrations } from '../../apps/credit/src/data-source';
import { CoreBankingClient } from '../../apps/credit/src/sms/core-banking.client';
import { CreditSmsClient } from '../../apps/credit/src/sms/credit-sms.client';
/* eslint-enable @nx/enforce-module-boundaries */

jest.setTimeout(60_000);

const T = 't510121';
const T2 = 't510129';
const APP = 'app_cashiercredit0000001';
const app = testActors.app(T, { appId: APP, scopes: ['credit:pay', 'acquiring:pay'] });
const county = testActors.county(T);
const MERCHANT = randomUUID();
const MOBILE = '13800138000';
const CUSTOMER = 'FARMER-0001';
const LIMIT = 5_000_000;

// acquiring signs its calls to credit with its own key; credit trusts it (and the tests' gateway)
const acqKeys = generateServiceKeyPair();
const acqEnv = testServiceAuthEnv('acquiring');
const acquiringAuth = new ServiceAuth('acquiring', { ...acqEnv, COUNTYPAY_S2S_SIGNING_KEY: acqKeys.privateKey, COUNTYPAY_S2S_KEY_ID: 'it-acquiring' });
const creditEnv = testServiceAuthEnv('credit');
const creditAuth = new ServiceAuth('credit', {
  ...creditEnv,
  COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({
    ...(JSON.parse(creditEnv.COUNTYPAY_S2S_TRUSTED_KEYS) as object),
    'it-acquiring': { issuer: 'acquiring', publicKey: acqKeys.publicKey },
  }),
});

/** Both SMS gateways: credit's (line consent at application) and the county bank's (acquiring's codes). */
const sms: Array<{ mobile: string; text: string }> = [];
const creditSms = { send: async (_t: string, mobile: string, text: string) => void sms.push({ mobile, text }) };
let smsGateway: Server;
function lastCode(mobile = MOBILE): string {
  const m = [...sms].reverse().find((s) => s.mobile === mobile);
  return /(\d{6})/.exec(m?.text ?? '')![1]!;
}

let credit: TestService;
let acq: TestService;
let lineId: string;

async function acquiringOutbox(orderId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await acq.schema.adminQuery<{ payload: EventEnvelope<Record<string, unknown>> | string }>(
    `select payload from outbox where message_key = $1 order by created_at, id`,
    [orderId],
  );
  return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as EventEnvelope<Record<string, unknown>>) : r.payload));
}

async function newOrder(amountFen: number): Promise<string> {
  const r = await acq.call('POST', '/acquiring/orders', {
    actor: app,
    body: { merchantId: MERCHANT, outTradeNo: `SEED-${randomUUID().slice(0, 8)}`, amountFen, subject: '复合肥 40kg ×3' },
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const cashier = (orderId: string, step: string, body: object, tenant = T) =>
  acq.call('POST', `/acquiring/cashier/${tenant}/${orderId}/credit/${step}`, { body });

async function line(): Promise<{ heldFen: number; drawnFen: number; availableFen: number }> {
  return (await credit.call('GET', `/credit/lines/${lineId}`, { actor: app })).body;
}

/** The payer's consent at the cashier: code to the reserved mobile, then the plans. */
async function consent(orderId: string) {
  expect((await cashier(orderId, 'sms', { customerRef: CUSTOMER, mobile: MOBILE })).status).toBe(200);
  return cashier(orderId, 'offers', { customerRef: CUSTOMER, smsCode: lastCode() });
}

beforeAll(async () => {
  smsGateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && /^\/sms\/t\d{6}\/messages$/.test(req.url ?? '')) {
        const m = JSON.parse(body) as { mobile: string; text: string };
        sms.push(m);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"sent":true}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => smsGateway.listen(0, '127.0.0.1', r));
  credit = await startTestService({
    service: 'credit',
    migrations: creditMigrations,
    imports: [CreditModule],
    override: (b) =>
      b
        .overrideProvider(CreditConfig)
        .useValue(Object.assign(new CreditConfig(), { CREDIT_CLOCK_MODE: 'manual', COUNTYPAY_PII_KEY: randomBytes(32).toString('base64') }))
        .overrideProvider(ServiceAuth)
        .useValue(creditAuth)
        .overrideProvider(CreditSmsClient)
        .useValue(creditSms)
        .overrideProvider(CoreBankingClient)
        .useValue({ debit: async () => ({ status: 'succeeded' }) }),
  });
  await credit.schema.adminQuery(`insert into credit_settings (tenant_id, business_date) values ($1, '2026-11-30')`, [T]);
  const product = await credit.call('POST', '/credit/products', {
    actor: county,
    body: {
      code: 'AGRI',
      name: '惠农贷',
      method: 'equal_installment',
      annualRateBp: 1_800,
      monthlyFeeBp: 0,
      installmentCounts: [1, 3, 6, 12],
      interestFreeDays: 0,
      statementDay: 1,
      dueDay: 20,
      graceDays: 3,
      penaltyMultiplierBp: 15_000,
      minPaymentPrincipalBp: 1_000,
    },
  });
  expect(product.status).toBe(201);
  const a = await credit.call('POST', '/credit/applications', {
    actor: app,
    body: {
      customerRef: CUSTOMER,
      customerName: '张三丰',
      mobile: MOBILE,
      region: '510121',
      productId: product.body.id,
      requestedLimitFen: LIMIT,
      repaymentAccountNo: '6222021001012345678',
    },
  });
  expect(a.body).toMatchObject({ state: 'awaiting_consent' });
  expect((await credit.call('POST', `/credit/applications/${a.body.id}/consent`, { actor: app, body: { smsCode: lastCode() } })).status).toBe(200);
  const approved = await credit.call('POST', `/credit/applications/${a.body.id}/approve`, {
    actor: county,
    body: { limitFen: LIMIT, expiresOn: '2028-12-31', reason: '授信通过' },
  });
  expect(approved.status).toBe(200);
  lineId = approved.body.lineId as string;

  const urls = Object.assign(new ServiceUrlsConfig(), {
    COUNTYPAY_SERVICE_URLS: JSON.stringify({ credit: credit.base, 'channel-sandbox': `http://127.0.0.1:${(smsGateway.address() as AddressInfo).port}` }),
  });
  const config = Object.assign(new AcquiringConfig(), {
    ACQ_SWEEP_MS: 3_600_000,
    COUNTYPAY_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    COUNTYPAY_PII_KEY: randomBytes(32).toString('base64'),
  });
  acq = await startTestService({
    service: 'acquiring',
    migrations: acquiringMigrations,
    imports: [AcquiringChannelModule, AcquiringReadModelModule, OrdersModule, QuickpayModule, CashierModule, CreditPaymentModule, RefundsModule],
    override: (b) =>
      b
        .overrideProvider(AcquiringConfig)
        .useValue(config)
        .overrideProvider(ServiceUrlsConfig)
        .useValue(urls)
        .overrideProvider(ServiceAuth)
        .useValue(acquiringAuth),
  });
  const readModel = acq.app.get(OnboardingReadModel);
  await inTenantTransaction(acq.ds, T, (em) =>
    readModel.handleMerchantUpdated(
      {
        id: randomUUID(),
        type: 'onboarding.merchant-updated',
        version: 1,
        tenantId: T,
        occurredAt: new Date().toISOString(),
        data: { merchantId: MERCHANT, legalName: '金堂县农资超市', mcc: '5311', city: '成都市', status: 'active', riskLevel: 'low', stores: [], version: 1 },
      },
      em,
    ),
  );
}, 90_000);

afterAll(async () => {
  await acq?.close();
  await credit?.close();
  await new Promise((r) => smsGateway?.close(r));
});

describe('county credit at the hosted cashier', () => {
  it('lists county_credit, shows every plan with its schedule and APR after the consent code, and pays: hold → captured drawdown → payment.succeeded', async () => {
    const orderId = await newOrder(120_000);
    const view = await acq.call('GET', `/acquiring/cashier/${T}/${orderId}`, { headers: { accept: 'application/json' } });
    expect(view.body.methods).toContain('county_credit');

    const offers = await consent(orderId);
    expect(offers.status).toBe(200);
    expect(offers.body.availableFen).toBe(LIMIT);
    expect(offers.body.options.map((o: { installments: number }) => o.installments)).toEqual([1, 3, 6, 12]);
    const three = offers.body.options.find((o: { installments: number }) => o.installments === 3);
    expect(three.aprPercent).toMatch(/^\d+\.\d\d%$/);
    expect(three.schedule).toHaveLength(3);
    expect(three.schedule.reduce((s: number, l: { principalFen: number }) => s + l.principalFen, 0)).toBe(120_000);
    // nothing is held before the payer confirms
    expect(await line()).toMatchObject({ heldFen: 0, drawnFen: 0 });

    const paid = await cashier(orderId, 'confirm', { installments: 3 });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ status: 'succeeded' });
    const order = await acq.call('GET', `/acquiring/orders/${orderId}`, { actor: app });
    expect(order.body).toMatchObject({ status: 'succeeded', method: 'county_credit', channel: 'county_credit' });
    const drawdown = await credit.call('GET', `/credit/drawdowns/${order.body.channelTradeNo}`, { actor: app });
    expect(drawdown.status).toBe(200);
    expect(drawdown.body).toMatchObject({ principalFen: 120_000, installments: 3, state: 'active', aprPercent: three.aprPercent });
    expect(await line()).toMatchObject({ heldFen: 0, drawnFen: 120_000, availableFen: LIMIT - 120_000 });

    const events = await acquiringOutbox(orderId);
    const succeeded = events.find((e) => e.type === 'payment.succeeded');
    expect(succeeded?.data).toMatchObject({ channel: 'county_credit', amountFen: 120_000, merchantId: MERCHANT });
    // the drawdown names no merchant (ADR 0015): the merchant is credited once, by the payment
    const loanEvents = await credit.schema.adminQuery<{ payload: EventEnvelope<Record<string, unknown>> | string }>(
      `select payload from outbox where payload->>'type' = 'credit.drawdown-created'`,
    );
    const created = loanEvents.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EventEnvelope<Record<string, unknown>>);
    expect(created.find((e) => e.data.loanId === drawdown.body.loanId)?.data.merchantId ?? null).toBeNull();
    expect(JSON.stringify(events)).not.toContain(MOBILE);

    // paid: no second payment, the consent steps are refused
    expect((await cashier(orderId, 'confirm', { installments: 3 })).body.error.code).toBe('order_not_payable');
  });

  it('refuses a mobile that is not the line’s, a wrong code, a confirmation without consent, and more than the line has', async () => {
    const orderId = await newOrder(1_000);
    const wrongMobile = await cashier(orderId, 'sms', { customerRef: CUSTOMER, mobile: '13900139000' });
    expect(wrongMobile.status).toBe(404);
    expect((await cashier(orderId, 'sms', { customerRef: 'NOBODY', mobile: MOBILE })).status).toBe(404);
    expect((await cashier(orderId, 'confirm', { installments: 1 })).body.error.code).toBe('sms_code_expired');
    expect((await cashier(orderId, 'sms', { customerRef: CUSTOMER, mobile: MOBILE })).status).toBe(200);
    const code = lastCode();
    const wrong = await cashier(orderId, 'offers', { customerRef: CUSTOMER, smsCode: code === '000000' ? '111111' : '000000' });
    expect(wrong.body.error.code).toBe('sms_code_invalid');
    expect((await cashier(orderId, 'confirm', { installments: 1 })).body.error.code).toBe('sms_code_expired');
    expect((await cashier(orderId, 'sms', { customerRef: CUSTOMER, mobile: MOBILE })).body.error.code).toBe('sms_resend_too_soon');
    expect((await cashier(orderId, 'offers', { customerRef: CUSTOMER, smsCode: code })).status).toBe(200);
    expect((await cashier(orderId, 'confirm', { installments: 5 })).body.error.code).toBe('installments_not_allowed');

    const big = await newOrder(LIMIT);
    const refused = await consent(big);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('credit_insufficient');
    // another county's cashier does not know the order
    expect((await cashier(orderId, 'sms', { customerRef: CUSTOMER, mobile: MOBILE }, T2)).status).toBe(404);
  });

  it('a close releases the hold of a payment whose drawdown has not happened; a query (补单) captures a confirmed one', async () => {
    const holds = acq.app.get(CreditHoldsClient);
    /** a confirmation whose capture answer was lost: held at credit, the order paying on county_credit */
    async function heldAndPaying(amountFen: number): Promise<string> {
      const orderId = await newOrder(amountFen);
      const hold = await holds.hold({ tenantId: T, lineId, amountFen, installments: 1, paymentRef: creditPaymentRef(orderId) });
      await inTenantTransaction(acq.ds, T, async (em) => {
        expect(await acq.app.get(CreditPaymentsRepository).nameConsentedLine(em, T, orderId, lineId)).toBe(true);
        await acq.app.get(CreditPaymentsRepository).held(em, orderId, hold.id, 1);
        const o = await acq.app.get(OrdersRepository).findById(em, orderId, { lock: true });
        await acq.app.get(OrderIntake).startPayment(em, o!, 'county_credit', 'county_credit');
      });
      return orderId;
    }
    const before = await line();
    const closing = await heldAndPaying(3_000);
    expect((await line()).heldFen).toBe(before.heldFen + 3_000);
    const closed = await acq.call('POST', `/acquiring/orders/${closing}/close`, { actor: app });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(await line()).toMatchObject({ heldFen: before.heldFen, drawnFen: before.drawnFen });
    expect((await acquiringOutbox(closing)).map((e) => e.type)).toContain('payment.closed');

    const querying = await heldAndPaying(2_000);
    const order = await inTenantTransaction(acq.ds, T, (em) => acq.app.get(OrdersRepository).findById(em, querying));
    const after = await acq.app.get(PaymentSyncService).requery(order!);
    expect(after.state).toBe('succeeded');
    expect(await line()).toMatchObject({ heldFen: before.heldFen, drawnFen: before.drawnFen + 2_000 });
    // closing a paid order is refused; nothing is released
    expect((await acq.call('POST', `/acquiring/orders/${querying}/close`, { actor: app })).status).toBe(409);
  });

  it('S2S: a partner with its own UI pays with method county_credit on the line its customer holds with it', async () => {
    const orderId = await newOrder(9_900);
    const paid = await acq.call('POST', `/acquiring/orders/${orderId}/pay`, {
      actor: app,
      body: { method: 'county_credit', creditLineId: lineId, installments: 3 },
    });
    expect(paid.status).toBe(200);
    expect(paid.body.next).toEqual({ action: 'none' });
    expect(paid.body.order).toMatchObject({ status: 'succeeded', channel: 'county_credit' });
    // the same call again: the order is paid, no second hold
    expect(
      (await acq.call('POST', `/acquiring/orders/${orderId}/pay`, { actor: app, body: { method: 'county_credit', creditLineId: lineId, installments: 3 } }))
        .status,
    ).toBe(409);
    // a refund of a credit-paid order is a refund of its drawdown at credit: the line is restored by it, once
    const refunder = testActors.app(T, { appId: APP, scopes: ['acquiring:pay', 'refunds:write'] });
    const before = await line();
    const refund = async (amountFen: number, outRefundNo: string) =>
      acq.call('POST', `/acquiring/orders/${orderId}/refunds`, { actor: refunder, body: { outRefundNo, amountFen } });
    const r1 = await refund(4_900, 'CR-REFUND-1');
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ status: 'succeeded', amountFen: 4_900 });
    expect(await line()).toMatchObject({ drawnFen: before.drawnFen - 4_900, availableFen: before.availableFen + 4_900 });
    expect((await refund(4_900, 'CR-REFUND-1')).body).toMatchObject({ id: r1.body.id, status: 'succeeded' });
    expect(await line()).toMatchObject({ drawnFen: before.drawnFen - 4_900 });
    const drawdown = await credit.call('GET', `/credit/drawdowns/${paid.body.order.channelTradeNo}`, { actor: app });
    expect(drawdown.body).toMatchObject({ principalFen: 9_900, outstandingPrincipalFen: 5_000 });

    const missing = await acq.call('POST', `/acquiring/orders/${await newOrder(100)}/pay`, { actor: app, body: { method: 'county_credit' } });
    expect(missing.status).toBe(400);
    const other = testActors.app(T, { appId: 'app_cashiercredit0000002', scopes: ['acquiring:pay'] });
    expect(
      (await acq.call('POST', `/acquiring/orders/${orderId}/pay`, { actor: other, body: { method: 'county_credit', creditLineId: lineId, installments: 3 } }))
        .status,
    ).toBe(404);
  });
});
