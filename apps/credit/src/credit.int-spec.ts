/**
 * credit against the real PostgreSQL (own throw-away schema, non-owner role, RLS) through its HTTP
 * API, booted by the test platform. The SMS gateway is replaced by an in-memory outbox of messages
 * (an external system); the business clock runs in manual mode, as in the sandbox profile. The
 * outbox is checked in PostgreSQL (the relay does not publish here).
 */
import { randomBytes } from 'node:crypto';
import { ApiError, type EventEnvelope } from '@countypay/contracts';
import { CreditCallError, CreditHoldsClient } from '@countypay/payment-intake';
import { generateServiceKeyPair, SERVICE_ASSERTION_HEADER, ServiceAssertionSigner } from '@countypay/security';
import { ServiceAuth } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, testServiceAuth, testServiceAuthEnv, type TestService } from '@countypay/testing';
import { CreditConfig } from './config/credit.config';
import { CreditModule } from './credit.module';
import { migrations } from './data-source';
import { addDays } from './domain/business-date';
import { CoreBankingClient } from './sms/core-banking.client';
import { CreditSmsClient } from './sms/credit-sms.client';
import { FakeCounty } from './testing/fake-county';

const T = 't510122';
const T2 = 't510129';
const county = testActors.county(T);
const app = testActors.app(T, { scopes: ['credit:pay', 'refunds:write'] });
const appT2 = testActors.app(T2, { scopes: ['credit:pay'] });
const START = '2026-03-10';

// online acquiring, as a payment service calling credit with its own service assertion
const acquiringKeys = generateServiceKeyPair();
const acquiring = new ServiceAssertionSigner('acquiring', 'it-acquiring', acquiringKeys.privateKey);
// QR payment, calling credit through the shared CreditHoldsClient with its own ServiceAuth
const qrKeys = generateServiceKeyPair();
const creditAuthEnv = testServiceAuthEnv('credit');
const creditAuth = new ServiceAuth('credit', {
  ...creditAuthEnv,
  COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({
    ...(JSON.parse(creditAuthEnv.COUNTYPAY_S2S_TRUSTED_KEYS) as object),
    'it-acquiring': { issuer: 'acquiring', publicKey: acquiringKeys.publicKey },
    'it-qr': { issuer: 'qr-payment', publicKey: qrKeys.publicKey },
  }),
});
const qrAuth = new ServiceAuth('qr-payment', {
  ...testServiceAuthEnv('qr-payment'),
  COUNTYPAY_S2S_SIGNING_KEY: qrKeys.privateKey,
  COUNTYPAY_S2S_KEY_ID: 'it-qr',
});

async function asAcquiring(path: string, body: object) {
  const res = await fetch(`${svc.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SERVICE_ASSERTION_HEADER]: acquiring.sign('credit', {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
}

const county$ = new FakeCounty();
const sms = county$.sms;
const ACCOUNT = '6222021001012345678';
county$.balances.set(ACCOUNT, 100_000_000n);
let svc: TestService;

const PRODUCT = {
  code: 'AGRI',
  name: '惠农贷',
  method: 'equal_installment',
  annualRateBp: 1_800,
  monthlyFeeBp: 0,
  installmentCounts: [1, 3, 6, 12],
  interestFreeDays: 50,
  statementDay: 1,
  dueDay: 20,
  graceDays: 3,
  penaltyMultiplierBp: 15_000,
  minPaymentPrincipalBp: 1_000,
};

async function outbox(): Promise<EventEnvelope<Record<string, unknown>>[]> {
  const rows = await svc.schema.adminQuery<{ payload: EventEnvelope<Record<string, unknown>> | string }>(`select payload from outbox order by seq`);
  return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as EventEnvelope<Record<string, unknown>>) : r.payload));
}

let productId: string;

/** apply → SMS consent → approve: the line id. */
async function openLine(
  customerRef: string,
  limitFen: number,
  o: { account?: string; tenant?: { app: typeof app; county: typeof county; productId: string; region: string } } = {},
): Promise<string> {
  const t = o.tenant ?? { app, county, productId, region: '510122' };
  const a = await svc.call('POST', '/credit/applications', {
    actor: t.app,
    body: {
      customerRef,
      customerName: '张三丰',
      mobile: '13800138000',
      region: t.region,
      productId: t.productId,
      requestedLimitFen: limitFen,
      repaymentAccountNo: o.account ?? ACCOUNT,
    },
  });
  expect(a.status).toBe(201);
  const code = county$.lastCode('13800138000');
  expect((await svc.call('POST', `/credit/applications/${a.body.id}/consent`, { actor: t.app, body: { smsCode: code } })).status).toBe(200);
  const ok = await svc.call('POST', `/credit/applications/${a.body.id}/approve`, {
    actor: t.county,
    body: { limitFen, expiresOn: '2028-12-31', reason: '授信通过' },
  });
  expect(ok.status).toBe(200);
  return ok.body.lineId as string;
}

beforeAll(async () => {
  svc = await startTestService({
    service: 'credit',
    migrations,
    imports: [CreditModule],
    override: (b) =>
      b
        .overrideProvider(CreditConfig)
        .useValue(Object.assign(new CreditConfig(), { CREDIT_CLOCK_MODE: 'manual', COUNTYPAY_PII_KEY: randomBytes(32).toString('base64') }))
        .overrideProvider(ServiceAuth)
        .useValue(creditAuth)
        .overrideProvider(CreditSmsClient)
        .useValue(county$.smsClient)
        .overrideProvider(CoreBankingClient)
        .useValue(county$.coreClient),
  });
  await svc.schema.adminQuery(`insert into credit_settings (tenant_id, business_date) values ($1, $2), ($3, $2)`, [T, START, T2]);
}, 60_000);

afterAll(async () => {
  await svc?.close();
});

describe('credit products', () => {
  it('sets up a product within the 24% ceiling (audited) and refuses one above it', async () => {
    const res = await svc.call('POST', '/credit/products', { actor: county, body: PRODUCT });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'AGRI', annualRateBp: 1_800, installmentCounts: [1, 3, 6, 12], status: 'active' });
    productId = res.body.id;
    const audit = await svc.schema.adminQuery<{ action: string; actor_type: string }>(`select action, actor_type from credit_audit where subject_id = $1`, [
      productId,
    ]);
    expect(audit).toEqual([{ action: 'product.create', actor_type: 'county' }]);

    const high = await svc.call('POST', '/credit/products', { actor: county, body: { ...PRODUCT, code: 'HIGH', annualRateBp: 2_500 } });
    expect(high.status).toBe(422);
    expect(high.body.error.code).toBe('apr_above_ceiling');
    // 1.2% a month flat looks like 14.4% but is ≈ 25.6% APR
    const flat = await svc.call('POST', '/credit/products', {
      actor: county,
      body: { ...PRODUCT, code: 'FLAT', method: 'flat_fee', annualRateBp: 0, monthlyFeeBp: 120, installmentCounts: [12] },
    });
    expect(flat.status).toBe(422);
    expect(flat.body.error.code).toBe('apr_above_ceiling');
    expect((await svc.call('POST', '/credit/products', { actor: county, body: PRODUCT })).body.error.code).toBe('conflict');
    expect((await svc.call('POST', '/credit/products', { actor: app, body: PRODUCT })).status).toBe(403);
  });
});

describe('credit lines', () => {
  it('applies with SMS consent, keeps the mobile masked, and opens the line on approval', async () => {
    const a = await svc.call('POST', '/credit/applications', {
      actor: app,
      body: {
        customerRef: 'cust-1',
        customerName: '张三丰',
        mobile: '13800138000',
        region: '510122101',
        productId,
        requestedLimitFen: 5_000_000,
        repaymentAccountNo: ACCOUNT,
      },
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ state: 'awaiting_consent', mobileMasked: expect.not.stringContaining('13800138000') });
    expect(sms.at(-1)!.mobile).toBe('13800138000');
    const sent = /验证码 (\d{6})/.exec(sms.at(-1)!.text)![1]!;
    const wrong = await svc.call('POST', `/credit/applications/${a.body.id}/consent`, {
      actor: app,
      body: { smsCode: sent === '000000' ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('consent_code_invalid');
    // approval before consent is refused
    expect(
      (await svc.call('POST', `/credit/applications/${a.body.id}/approve`, { actor: county, body: { limitFen: 1, expiresOn: '2028-12-31', reason: 'x' } }))
        .status,
    ).toBe(409);
    const ok = await svc.call('POST', `/credit/applications/${a.body.id}/consent`, { actor: app, body: { smsCode: sent } });
    expect(ok.body.state).toBe('pending');
    const approved = await svc.call('POST', `/credit/applications/${a.body.id}/approve`, {
      actor: county,
      body: { limitFen: 5_000_000, expiresOn: '2028-12-31', reason: '经营稳定' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', decisionReason: '经营稳定' });
    const line = await svc.call('GET', `/credit/lines/${approved.body.lineId}`, { actor: app });
    expect(line.body).toMatchObject({ limitFen: 5_000_000, heldFen: 0, drawnFen: 0, availableFen: 5_000_000, state: 'active' });
    const events = await outbox();
    expect(events.map((e) => e.type)).toContain('credit.line-opened');
    expect(JSON.stringify(events)).not.toContain('13800138000');
    expect(JSON.stringify(events)).not.toContain('张三丰');
    expect(JSON.stringify(events)).not.toContain(ACCOUNT);
    const stored = await svc.schema.adminQuery<{ c: string }>(`select repayment_account_cipher as c from credit_lines where id = $1`, [approved.body.lineId]);
    expect(stored[0]!.c).not.toContain(ACCOUNT);
    // another tenant's app does not see it
    expect((await svc.call('GET', `/credit/lines/${approved.body.lineId}`, { actor: appT2 })).status).toBe(404);
    // one open line per customer
    const again = await svc.call('POST', '/credit/applications', {
      actor: app,
      body: {
        customerRef: 'cust-1',
        customerName: '张三丰',
        mobile: '13800138000',
        region: '510122',
        productId,
        requestedLimitFen: 100,
        repaymentAccountNo: ACCOUNT,
      },
    });
    expect(again.body.error.code).toBe('credit_line_exists');
  });

  it('refuses a customer from outside the county and a limit above the unsecured cap', async () => {
    const a = await svc.call('POST', '/credit/applications', {
      actor: app,
      body: {
        customerRef: 'cust-far',
        customerName: '李四',
        mobile: '13900139000',
        region: '510123',
        productId,
        requestedLimitFen: 100_000,
        repaymentAccountNo: ACCOUNT,
      },
    });
    const code = /验证码 (\d{6})/.exec(sms.at(-1)!.text)![1]!;
    await svc.call('POST', `/credit/applications/${a.body.id}/consent`, { actor: app, body: { smsCode: code } });
    const res = await svc.call('POST', `/credit/applications/${a.body.id}/approve`, {
      actor: county,
      body: { limitFen: 100_000, expiresOn: '2028-12-31', reason: 'ok' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('out_of_region');
    const rejected = await svc.call('POST', `/credit/applications/${a.body.id}/reject`, { actor: county, body: { reason: '非本县客户' } });
    expect(rejected.body).toMatchObject({ state: 'rejected', decisionReason: '非本县客户' });

    const big = await svc.call('POST', '/credit/applications', {
      actor: app,
      body: {
        customerRef: 'cust-big',
        customerName: '王五',
        mobile: '13700137000',
        region: '510122',
        productId,
        requestedLimitFen: 20_000_001,
        repaymentAccountNo: ACCOUNT,
      },
    });
    expect(big.status).toBe(422);
    expect(big.body.error.code).toBe('limit_above_unsecured_cap');
  });
});

describe('paying with credit', () => {
  it('quotes the exact schedule and APR, then draws down on payment (idempotent per outTradeNo)', async () => {
    const lineId = await openLine('cust-pay', 5_000_000);
    const q = await svc.call('POST', `/credit/lines/${lineId}/quote`, { actor: app, body: { amountFen: 1_200_000, installments: 3 } });
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ aprPercent: '18.00%', costFen: 36_179 });
    expect(q.body.schedule.map((l: { dueDate: string; principalFen: number; interestFen: number }) => [l.dueDate, l.principalFen, l.interestFen])).toEqual([
      ['2026-04-20', 394_060, 18_000],
      ['2026-05-20', 399_971, 12_089],
      ['2026-06-20', 405_969, 6_090],
    ]);
    const pay = await svc.call('POST', `/credit/lines/${lineId}/payments`, {
      actor: app,
      body: { outTradeNo: 'SEED-1', amountFen: 1_200_000, installments: 3 },
    });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ principalFen: 1_200_000, installments: 3, state: 'active', drawdownDate: START, loanClass: 'normal' });
    expect(pay.body.schedule.map((l: { totalFen: number }) => l.totalFen)).toEqual([412_060, 412_060, 412_059]);
    const same = await svc.call('POST', `/credit/lines/${lineId}/payments`, {
      actor: app,
      body: { outTradeNo: 'SEED-1', amountFen: 1_200_000, installments: 3 },
    });
    expect(same.body.loanId).toBe(pay.body.loanId);
    const line = await svc.call('GET', `/credit/lines/${lineId}`, { actor: app });
    expect(line.body).toMatchObject({ heldFen: 0, drawnFen: 1_200_000, availableFen: 3_800_000 });
    expect((await outbox()).filter((e) => e.type === 'credit.drawdown-created')).toHaveLength(1);
    const bad = await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: 'SEED-2', amountFen: 100, installments: 4 } });
    expect(bad.body.error.code).toBe('installments_not_allowed');
  });

  it('two bursts of concurrent payments never overdraw the line', async () => {
    const lineId = await openLine('cust-race', 1_000_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: `RACE-${i}`, amountFen: 300_000, installments: 3 } }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(ok).toHaveLength(3);
    expect(refused.map((r) => r.body.error.code)).toEqual(Array(7).fill('credit_insufficient'));
    const line = await svc.call('GET', `/credit/lines/${lineId}`, { actor: app });
    expect(line.body).toMatchObject({ drawnFen: 900_000, heldFen: 0, availableFen: 100_000 });
  });

  it('holds for a payment service (service assertion), releases on close, captures into a drawdown', async () => {
    const lineId = await openLine('cust-s2s', 1_000_000);
    const hold = await svc.call('POST', '/credit/internal/holds', {
      asGateway: true,
      body: { tenantId: T, lineId, caller: 'acquiring', paymentRef: 'ord-1', amountFen: 600_000, installments: 6 },
    });
    // the gateway is not a payment service
    expect(hold.status).toBe(403);
    const held = await asAcquiring('/credit/internal/holds', {
      tenantId: T,
      lineId,
      caller: 'acquiring',
      paymentRef: 'ord-1',
      amountFen: 600_000,
      installments: 6,
    });
    expect(held).toMatchObject({ status: 201, body: { state: 'held', amountFen: 600_000 } });
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ heldFen: 600_000, availableFen: 400_000 });
    const tooMuch = await asAcquiring('/credit/internal/holds', {
      tenantId: T,
      lineId,
      caller: 'acquiring',
      paymentRef: 'ord-2',
      amountFen: 400_001,
      installments: 3,
    });
    expect(tooMuch.body.error?.code).toBe('credit_insufficient');
    const released = await asAcquiring(`/credit/internal/holds/${held.body.id as string}/release`, { tenantId: T, reason: 'order_closed' });
    expect(released.body.state).toBe('released');
    expect((await asAcquiring(`/credit/internal/holds/${held.body.id as string}/release`, { tenantId: T })).body.state).toBe('released');
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ heldFen: 0, availableFen: 1_000_000 });
    const second = await asAcquiring('/credit/internal/holds', {
      tenantId: T,
      lineId,
      caller: 'acquiring',
      paymentRef: 'ord-3',
      amountFen: 300_000,
      installments: 12,
    });
    const captured = await asAcquiring(`/credit/internal/holds/${second.body.id as string}/capture`, { tenantId: T });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ principalFen: 300_000, installments: 12, state: 'active' });
    expect((captured.body.schedule as { principalFen: number }[]).reduce((s, l) => s + l.principalFen, 0)).toBe(300_000);
    // a captured hold cannot be released
    expect((await asAcquiring(`/credit/internal/holds/${second.body.id as string}/release`, { tenantId: T })).status).toBe(409);
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ heldFen: 0, drawnFen: 300_000 });
  });

  it("QR payment's CreditHoldsClient: quote and hold only on the payer app's own line, credit's refusals as the same ApiError, one hold per order", async () => {
    const lineId = await openLine('cust-qr-credit', 500_000);
    const qr = new CreditHoldsClient({ baseUrl: svc.base, caller: 'qr-payment', auth: qrAuth });
    const purchase = { tenantId: T, lineId, appId: app.appId, amountFen: 300_000, installments: 3 };
    const quote = await qr.quote(purchase);
    expect(quote).toMatchObject({ principalFen: 300_000, installments: 3, aprPercent: '18.00%' });
    expect(quote.schedule.reduce((s, l) => s + l.principalFen, 0)).toBe(300_000);
    // another app of the county names the line: it is not its customer's
    const notMine = await qr.quote({ ...purchase, appId: 'app_bbbbbbbbbbbbbbbbbbbb' }).catch((e: unknown) => e);
    expect(notMine).toBeInstanceOf(ApiError);
    expect((notMine as ApiError).code).toBe('not_found');
    const notMineHold = await qr.hold({ ...purchase, appId: 'app_bbbbbbbbbbbbbbbbbbbb', paymentRef: 'qr-order-0' }).catch((e: unknown) => e);
    expect((notMineHold as ApiError).code).toBe('not_found');
    // the same order twice is one hold; the line holds it once
    const hold = await qr.hold({ ...purchase, paymentRef: 'qr-order-1' });
    expect(await qr.hold({ ...purchase, paymentRef: 'qr-order-1' })).toEqual(hold);
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ heldFen: 300_000, availableFen: 200_000 });
    const short = await qr.hold({ ...purchase, paymentRef: 'qr-order-2', amountFen: 200_001 }).catch((e: unknown) => e);
    expect([(short as ApiError).code, (short as ApiError).message]).toEqual(['credit_insufficient', 'the amount exceeds the available credit']);
    const drawn = await qr.capture(T, hold.id);
    expect(drawn).toMatchObject({ holdId: hold.id, principalFen: 300_000, state: 'active' });
    expect(await qr.capture(T, hold.id)).toEqual(drawn);
    const late = await qr.release(T, hold.id).catch((e: unknown) => e);
    expect((late as ApiError).code).toBe('invalid_state_transition');
    // the drawdown names no merchant (QR's payment.succeeded credits the merchant, ADR 0016)
    const created = (await outbox()).find((e) => e.type === 'credit.drawdown-created' && e.data.loanId === drawn.loanId);
    expect(created?.data.merchantId ?? null).toBeNull();
    // reversed before billing: the line is whole again
    expect(await qr.reverseDrawdown(T, drawn.loanId)).toMatchObject({ state: 'reversed' });
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ heldFen: 0, drawnFen: 0, availableFen: 500_000 });
    // a call not signed by a payment service credit trusts is not the payer's problem: CreditCallError
    const stranger = new CreditHoldsClient({ baseUrl: svc.base, caller: 'qr-payment', auth: testServiceAuth('qr-payment') });
    await expect(stranger.quote(purchase)).rejects.toBeInstanceOf(CreditCallError);
  });

  it('refuses a drawdown above a lowered APR ceiling', async () => {
    const lineId = await openLine('cust-apr', 1_000_000);
    expect((await svc.call('PUT', '/credit/settings', { actor: county, body: { aprCeilingBp: 1_500 } })).body.aprCeilingBp).toBe(1_500);
    const res = await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: 'APR-1', amountFen: 100_000, installments: 3 } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('apr_above_ceiling');
    // a single repayment inside the interest-free days costs nothing: 0% APR is within any ceiling
    const free = await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: 'APR-2', amountFen: 100_000, installments: 1 } });
    expect(free.status).toBe(201);
    expect(free.body).toMatchObject({ aprPercent: '0.00%', schedule: [{ dueDate: '2026-04-20', principalFen: 100_000, interestFen: 0 }] });
    await svc.call('PUT', '/credit/settings', { actor: county, body: { aprCeilingBp: 2_400 } });
  });

  it('reverses a drawdown refunded before billing and restores the line', async () => {
    const lineId = await openLine('cust-refund', 1_000_000);
    const pay = await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: 'REF-1', amountFen: 250_000, installments: 6 } });
    const rev = await svc.call('POST', `/credit/drawdowns/${pay.body.loanId}/reverse`, { actor: app });
    expect(rev.status).toBe(200);
    expect(rev.body.state).toBe('reversed');
    expect(rev.body.schedule.every((i: { state: string }) => i.state === 'cancelled')).toBe(true);
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ drawnFen: 0, availableFen: 1_000_000 });
    expect((await outbox()).filter((e) => e.type === 'credit.drawdown-reversed' && e.data.lineId === lineId)).toHaveLength(1);
  });
});

describe('business clock and daily jobs', () => {
  let lineId: string;
  let loanId: string;

  it('bills on the statement date, then overdue → penalty after grace → classification 1/91/271/361 days → freeze', async () => {
    county$.balances.set('6222020000000000001', 0n);
    lineId = await openLine('cust-late', 1_000_000, { account: '6222020000000000001' });
    const pay = await svc.call('POST', `/credit/lines/${lineId}/payments`, {
      actor: app,
      body: { outTradeNo: 'LATE-1', amountFen: 1_000_000, installments: 3 },
    });
    loanId = pay.body.loanId;
    const settings = await svc.call('GET', '/credit/settings', { actor: county });
    const today = settings.body.businessDate as string;
    expect(today).toBe(START);
    const advanceTo = async (date: string) => {
      const cur = (await svc.call('GET', '/credit/settings', { actor: county })).body.businessDate as string;
      const days = Math.round((Date.parse(date) - Date.parse(cur)) / 86_400_000);
      const r = await svc.call('POST', '/credit/clock/advance', { actor: county, body: { days } });
      expect(r.status).toBe(200);
      expect(r.body.businessDate).toBe(date);
      return (await svc.call('GET', `/credit/drawdowns/${loanId}`, { actor: app })).body;
    };
    let d = await advanceTo('2026-04-01');
    expect(d.schedule.map((i: { state: string }) => i.state)).toEqual(['billed', 'pending', 'pending']);
    d = await advanceTo('2026-04-20');
    expect(d).toMatchObject({ loanClass: 'normal', daysPastDue: 0 });
    d = await advanceTo('2026-04-21');
    expect(d).toMatchObject({ loanClass: 'special_mention', daysPastDue: 1 });
    expect(d.schedule[0]).toMatchObject({ state: 'overdue', penaltyFen: 0 });
    d = await advanceTo('2026-04-24'); // grace over (3 days): penalty from the 4th day
    // unpaid principal 328,383 fen × 27% / 360 = 246.29 → 246 fen
    expect(d.schedule[0].penaltyFen).toBe(246);
    d = await advanceTo(addDays('2026-04-20', 91));
    expect(d).toMatchObject({ loanClass: 'substandard', daysPastDue: 91 });
    expect((await svc.call('GET', `/credit/lines/${lineId}`, { actor: app })).body).toMatchObject({ state: 'frozen', stateReason: 'overdue' });
    d = await advanceTo(addDays('2026-04-20', 271));
    expect(d).toMatchObject({ loanClass: 'doubtful', daysPastDue: 271 });
    d = await advanceTo(addDays('2026-04-20', 361));
    expect(d).toMatchObject({ loanClass: 'loss', daysPastDue: 361 });
    expect(d.schedule.map((i: { state: string }) => i.state)).toEqual(['overdue', 'overdue', 'overdue']);
    // a frozen line refuses new payments
    const refused = await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: 'LATE-2', amountFen: 1, installments: 1 } });
    expect(refused.body.error.code).toBe('credit_line_not_active');
    const events = await outbox();
    expect(events.filter((e) => e.type === 'credit.line-changed' && e.data.lineId === lineId).map((e) => e.data.state)).toEqual(['frozen']);
  }, 120_000);

  it('runs each date once: the penalty of a date is never charged twice', async () => {
    const before = (await svc.call('GET', `/credit/drawdowns/${loanId}`, { actor: app })).body.schedule[0].penaltyFen as number;
    const runs = await svc.schema.adminQuery<{ n: string }>(`select count(*)::text as n from credit_job_runs where tenant_id = $1 and job = 'penalty'`, [T]);
    const { DailyJobsService } = await import('./jobs/daily-jobs.service');
    const settings = (await svc.call('GET', '/credit/settings', { actor: county })).body.businessDate as string;
    const rerun = await svc.app.get(DailyJobsService).runDay(T, settings);
    expect(rerun.skipped).toEqual(['billing', 'statement', 'overdue', 'penalty', 'classification']);
    expect((await svc.call('GET', `/credit/drawdowns/${loanId}`, { actor: app })).body.schedule[0].penaltyFen).toBe(before);
    expect(
      (await svc.schema.adminQuery<{ n: string }>(`select count(*)::text as n from credit_job_runs where tenant_id = $1 and job = 'penalty'`, [T]))[0]!.n,
    ).toBe(runs[0]!.n);
  });
});

describe('repayment: automatic debit with retries, interest-free purchase, payoff', () => {
  const TR = 't510125';
  const tr = { app: testActors.app(TR, { scopes: ['credit:pay'] }), county: testActors.county(TR), productId: '', region: '510125' };
  const RICH = '6222025000000000001';
  const POOR = '6222025000000000002';
  let lineA: string;
  let lineB: string;
  let lineC: string;
  let lineD: string;
  let loanA: string;
  let loanB: string;
  let loanC: string;
  const pay = (line: string, no: string, amountFen: number, installments: number) =>
    svc.call('POST', `/credit/lines/${line}/payments`, { actor: tr.app, body: { outTradeNo: no, amountFen, installments } });
  const advance = async (days: number) => (await svc.call('POST', '/credit/clock/advance', { actor: tr.county, body: { days } })).body.businessDate as string;
  const loan = async (id: string) => (await svc.call('GET', `/credit/drawdowns/${id}`, { actor: tr.app })).body;
  const line = async (id: string) => (await svc.call('GET', `/credit/lines/${id}`, { actor: tr.app })).body;

  beforeAll(async () => {
    await svc.schema.adminQuery(`insert into credit_settings (tenant_id, business_date) values ($1, $2)`, [TR, START]);
    tr.productId = (await svc.call('POST', '/credit/products', { actor: tr.county, body: PRODUCT })).body.id;
    county$.balances.set(RICH, 100_000_000n);
    county$.balances.set(POOR, 0n);
    lineA = await openLine('r-a', 2_000_000, { tenant: tr, account: RICH });
    lineB = await openLine('r-b', 2_000_000, { tenant: tr, account: POOR });
    lineC = await openLine('r-c', 2_000_000, { tenant: tr, account: RICH });
    lineD = await openLine('r-d', 2_000_000, { tenant: tr, account: RICH });
    loanA = (await pay(lineA, 'A-1', 1_200_000, 3)).body.loanId;
    loanB = (await pay(lineB, 'B-1', 300_000, 3)).body.loanId;
    loanC = (await pay(lineC, 'C-1', 100_000, 1)).body.loanId;
  });

  it('pays off early with interest only to the repayment date (15 days on 6,000.00 at 18% = 45.00)', async () => {
    const d = (await pay(lineD, 'D-1', 600_000, 6)).body;
    expect(d.schedule[0].interestFen).toBe(9_000);
    expect(await advance(15)).toBe('2026-03-25');
    const before = county$.balances.get(RICH)!;
    const r = await svc.call('POST', `/credit/lines/${lineD}/repayments`, { actor: tr.app, body: { outRepaymentNo: 'PAYOFF-1', mode: 'payoff' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      kind: 'payoff',
      amountFen: 604_500,
      principalFen: 600_000,
      interestFen: 4_500,
      feeFen: 0,
      penaltyFen: 0,
      businessDate: '2026-03-25',
    });
    expect(before - county$.balances.get(RICH)!).toBe(604_500n);
    expect(await loan(d.loanId)).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    expect(await line(lineD)).toMatchObject({ drawnFen: 0, availableFen: 2_000_000 });
    // the same repayment number is the same repayment: not debited twice
    const again = await svc.call('POST', `/credit/lines/${lineD}/repayments`, { actor: tr.app, body: { outRepaymentNo: 'PAYOFF-1', mode: 'payoff' } });
    expect(again.body.amountFen).toBe(604_500);
    expect(before - county$.balances.get(RICH)!).toBe(604_500n);
    const none = await svc.call('POST', `/credit/lines/${lineD}/repayments`, { actor: tr.app, body: { outRepaymentNo: 'PAYOFF-2', mode: 'payoff' } });
    expect(none.body.error.code).toBe('repayment_exceeds_due');
  });

  it('auto-debits on the due date; an interest-free purchase repaid in time costs nothing; a declined debit is retried +1 and +3 days', async () => {
    expect(await advance(7)).toBe('2026-04-01');
    expect((await loan(loanA)).schedule.map((i: { state: string }) => i.state)).toEqual(['billed', 'pending', 'pending']);
    const nothingDue = await svc.call('POST', `/credit/lines/${lineA}/repayments`, {
      actor: tr.app,
      body: { outRepaymentNo: 'M-0', mode: 'due', amountFen: 1 },
    });
    expect(nothingDue.body.error.code).toBe('repayment_exceeds_due');
    expect(await advance(19)).toBe('2026-04-20');
    const a = await loan(loanA);
    expect(a.schedule[0]).toMatchObject({ state: 'paid', paidFen: 412_060 });
    expect(await line(lineA)).toMatchObject({ drawnFen: 1_200_000 - 394_060 });
    const c = await loan(loanC);
    expect(c).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    expect(c.schedule[0]).toMatchObject({ interestFen: 0, paidFen: 100_000 });
    expect((await loan(loanB)).schedule[0]).toMatchObject({ state: 'billed', paidFen: 0 });
    await advance(1); // 04-21: retried, declined again; now overdue
    expect((await loan(loanB)).schedule[0]).toMatchObject({ state: 'overdue', paidFen: 0 });
    await advance(1); // 04-22: no attempt
    county$.balances.set(POOR, 1_000_000n);
    await advance(1); // 04-23: the third attempt succeeds (still inside the grace days: no penalty)
    expect((await loan(loanB)).schedule[0]).toMatchObject({ state: 'paid', paidFen: 103_015, penaltyFen: 0 });
    const attempts = county$.debits.filter((d) => d.accountNo === POOR).map((d) => [d.reference.split(':').at(-1), d.status]);
    expect(attempts).toEqual([
      ['2026-04-20', 'declined'],
      ['2026-04-21', 'declined'],
      ['2026-04-23', 'succeeded'],
    ]);
    const events = (await outbox()).filter((e) => e.tenantId === TR && e.data.lineId === lineB);
    expect(events.map((e) => [e.type, e.data.businessDate])).toEqual([
      ['credit.line-opened', undefined],
      ['credit.drawdown-created', '2026-03-10'],
      ['credit.statement-issued', undefined],
      ['credit.repayment-failed', '2026-04-20'],
      ['credit.repayment-failed', '2026-04-21'],
      ['credit.repayment-received', '2026-04-23'],
      ['credit.statement-updated', undefined],
    ]);
    expect(events.at(-2)!.data).toMatchObject({ amountFen: 103_015, principalFen: 98_515, interestFen: 4_500, kind: 'auto_debit' });
    // the living statement: paid by the repayment of the retried debit (after its due date of 04-20)
    expect(events.at(-1)!.data).toMatchObject({ totalDueFen: 103_015, paidToDateFen: 103_015, remainingDueFen: 0, status: 'paid', cause: 'repayment' });
    expect(JSON.stringify(events)).not.toContain(POOR);
  });

  it('issues one statement per line per cycle on the statement date: installments billed, owed, minimum payment, due date; interest-free purchase bills no interest', async () => {
    const list = await svc.call('GET', `/credit/lines/${lineA}/statements`, { actor: tr.app });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    const a = list.body.data[0];
    // 12,000.00 in 3 at 18%: the first installment 3,940.60 + 180.00; minimum = interest + 10% of the principal (rounded up)
    expect(a).toMatchObject({
      lineId: lineA,
      statementDate: '2026-04-01',
      periodStart: '2026-03-10',
      dueDate: '2026-04-20',
      newDrawdownCount: 1,
      newDrawdownsFen: 1_200_000,
      principalFen: 394_060,
      interestFen: 18_000,
      feeFen: 0,
      penaltyFen: 0,
      totalDueFen: 412_060,
      minimumPaymentFen: 18_000 + 39_406,
    });
    expect(a.items).toEqual([{ loanId: loanA, period: 1, dueDate: '2026-04-20', principalFen: 394_060, interestFen: 18_000, feeFen: 0 }]);
    const one = await svc.call('GET', `/credit/statements/${a.id}`, { actor: tr.app });
    expect(one.body).toEqual(a);
    // the single-payment purchase inside its 50 interest-free days: billed without interest
    const c = (await svc.call('GET', `/credit/lines/${lineC}/statements`, { actor: tr.app })).body.data;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ principalFen: 100_000, interestFen: 0, totalDueFen: 100_000, minimumPaymentFen: 10_000, dueDate: '2026-04-20' });
    // the paid-off line D owed nothing on the statement date: no statement
    expect((await svc.call('GET', `/credit/lines/${lineD}/statements`, { actor: tr.app })).body.data).toEqual([]);
    // the statement job of a date runs once: running 04-01 again issues nothing
    const { DailyJobsService } = await import('./jobs/daily-jobs.service');
    const rerun = await svc.app.get(DailyJobsService).runDay(TR, '2026-04-01');
    expect(rerun).toMatchObject({ statements: 0, billed: 0 });
    expect((await svc.call('GET', `/credit/lines/${lineA}/statements`, { actor: tr.app })).body.data).toHaveLength(1);
    const issued = (await outbox()).filter((e) => e.tenantId === TR && e.type === 'credit.statement-issued');
    expect(issued.map((e) => [e.data.lineId, e.data.totalDueFen, e.data.minimumPaymentFen]).sort()).toEqual(
      [
        [lineA, 412_060, 57_406],
        [lineB, 103_015, 4_500 + 9_852],
        [lineC, 100_000, 10_000],
      ].sort(),
    );
    // another county (and another county's app) sees nothing of it
    expect((await svc.call('GET', `/credit/statements/${a.id}`, { actor: county })).status).toBe(404);
    expect((await svc.call('GET', `/credit/lines/${lineA}/statements`, { actor: appT2 })).status).toBe(404);
    expect((await svc.call('GET', '/credit/statements/not-a-uuid', { actor: tr.app })).status).toBe(404);
  });
  it('refunds after billing, partly then fully: principal spread over what is left, the interest on it returned pro rata, the line restored', async () => {
    // loan A: 12,000.00 in 3; period 1 repaid on 04-20; periods 2 and 3 (3,999.71 + 120.89, 4,059.69 + 60.90) still to come
    const refunder = testActors.app(TR, { scopes: ['credit:pay', 'refunds:write'] });
    const refund = (no: string, amountFen: number, actor = refunder) =>
      svc.call('POST', `/credit/drawdowns/${loanA}/refunds`, { actor, body: { outRefundNo: no, amountFen } });
    const r1 = await refund('R-1', 600_000);
    expect(r1.status).toBe(201);
    // 6,000.00 of the 8,059.40 unpaid: 2,977.67 + 3,022.33; interest 120.89 × 6,000/8,059.40 = 90.00 and 60.90 × … = 45.34 returned
    expect(r1.body).toMatchObject({ outRefundNo: 'R-1', principalFen: 600_000, interestReturnedFen: 9_000 + 4_534, businessDate: '2026-04-23' });
    expect(r1.body.drawdown.outstandingPrincipalFen).toBe(205_940);
    expect(
      r1.body.drawdown.schedule.map((i: { principalFen: number; interestFen: number; state: string }) => [i.principalFen, i.interestFen, i.state]),
    ).toEqual([
      [394_060, 18_000, 'paid'],
      [102_204, 3_089, 'pending'],
      [103_736, 1_556, 'pending'],
    ]);
    expect(await line(lineA)).toMatchObject({ drawnFen: 205_940, availableFen: 2_000_000 - 205_940 });
    // the same refund number is the same refund; with another amount it is refused
    expect((await refund('R-1', 600_000)).body.refundId).toBe(r1.body.refundId);
    expect((await refund('R-1', 1)).status).toBe(409);
    // more than the drawdown lent less what was refunded (12,000.00 − 6,000.00), another county's app: refused
    const over = await refund('R-2', 600_001);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('refund_exceeds_refundable');
    expect((await refund('R-2', 1, testActors.app(T2, { scopes: ['credit:pay', 'refunds:write'] }))).status).toBe(404);
    // the rest: every unpaid fen of interest is returned, the loan is settled, the line fully available
    const r2 = await refund('R-2', 205_940);
    expect(r2.body).toMatchObject({ principalFen: 205_940, interestReturnedFen: 3_089 + 1_556, cashFen: 0, cashState: null });
    expect(r2.body.drawdown).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    expect(r2.body.drawdown.schedule.map((i: { state: string }) => i.state)).toEqual(['paid', 'cancelled', 'cancelled']);
    expect(await line(lineA)).toMatchObject({ drawnFen: 0, availableFen: 2_000_000 });
    const events = (await outbox()).filter((e) => e.type === 'credit.drawdown-refunded' && e.data.loanId === loanA);
    expect(events.map((e) => [e.data.principalFen, e.data.interestReturnedFen])).toEqual([
      [600_000, 13_534],
      [205_940, 4_645],
    ]);
    // the living statement of 04-01: period 1 repaid on 04-20 — paid in full since it was issued
    const [stmtA] = (await svc.call('GET', `/credit/lines/${lineA}/statements`, { actor: refunder })).body.data;
    expect(stmtA).toMatchObject({ totalDueFen: 412_060, paidToDateFen: 412_060, remainingDueFen: 0, status: 'paid' });

    // the customer had repaid 3,940.60 of principal: a refund of it goes back to their county account (cash refund),
    // its answer lost once (timeout after the bank credited): resolved by querying the bank, credited once
    const before = county$.balances.get(RICH)!;
    county$.loseNextAnswer.add(RICH);
    const r3 = await refund('R-3', 394_060);
    expect(r3.status).toBe(201);
    expect(r3.body).toMatchObject({ principalFen: 0, interestReturnedFen: 0, cashFen: 394_060, cashState: 'succeeded', cashFailureReason: null });
    expect(county$.balances.get(RICH)! - before).toBe(394_060n);
    expect((await refund('R-3', 394_060)).body).toMatchObject({ refundId: r3.body.refundId, cashState: 'succeeded' });
    expect(county$.balances.get(RICH)! - before).toBe(394_060n);
    // the line is not restored twice: the repayment restored it already
    expect(await line(lineA)).toMatchObject({ drawnFen: 0, availableFen: 2_000_000 });
    const cashed = (await outbox()).filter((e) => e.type === 'credit.cash-refunded' && e.data.loanId === loanA);
    expect(cashed.map((e) => [e.data.refundId, e.data.cashFen, e.data.outRefundNo])).toEqual([[r3.body.refundId, 394_060, 'R-3']]);
    // nothing is left to refund
    const none = await refund('R-4', 1);
    expect([none.status, none.body.error.code]).toEqual([422, 'refund_exceeds_refundable']);
    // two refunds racing for the same principal: one is made, the other finds too little left
    const racing = (await pay(lineC, 'C-RACE', 200_000, 3)).body.loanId as string;
    const both = await Promise.all(
      ['RACE-1', 'RACE-2'].map((no) =>
        svc.call('POST', `/credit/drawdowns/${racing}/refunds`, { actor: refunder, body: { outRefundNo: no, amountFen: 150_000 } }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(both.find((r) => r.status === 422)!.body.error.code).toBe('refund_exceeds_refundable');
    expect(await loan(racing)).toMatchObject({ outstandingPrincipalFen: 50_000 });
    expect(await line(lineC)).toMatchObject({ drawnFen: 50_000 });
  });

  it('a cash refund the bank refuses (frozen account) stays visible as failed, and is sent again — once — when the refund is repeated', async () => {
    const refunder = testActors.app(TR, { scopes: ['credit:pay', 'refunds:write'] });
    const FROZEN = '6222029900000000077';
    county$.balances.set(FROZEN, 10_000_000n);
    const lineF = await openLine('r-frozen', 1_000_000, { tenant: tr, account: FROZEN });
    const drawn = (await pay(lineF, 'F-1', 300_000, 1)).body.loanId as string;
    // repaid in full (payoff), then the merchant refunds 1,000.00: all of it is cash
    const payoff = await svc.call('POST', `/credit/lines/${lineF}/repayments`, { actor: tr.app, body: { outRepaymentNo: 'F-PAY', mode: 'payoff' } });
    expect(payoff.status).toBe(201);
    county$.frozen.add(FROZEN);
    const refund = () => svc.call('POST', `/credit/drawdowns/${drawn}/refunds`, { actor: refunder, body: { outRefundNo: 'F-R1', amountFen: 100_000 } });
    const failed = await refund();
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ principalFen: 0, cashFen: 100_000, cashState: 'failed', cashFailureReason: 'account_frozen' });
    const afterPayoff = county$.balances.get(FROZEN)!;
    county$.frozen.delete(FROZEN);
    const retried = await refund();
    expect(retried.body).toMatchObject({ refundId: failed.body.refundId, cashState: 'succeeded', cashFailureReason: null });
    expect(county$.balances.get(FROZEN)! - afterPayoff).toBe(100_000n);
    expect((await refund()).body.cashState).toBe('succeeded');
    expect(county$.balances.get(FROZEN)! - afterPayoff).toBe(100_000n);
    expect((await outbox()).filter((e) => e.type === 'credit.cash-refunded' && e.data.loanId === drawn)).toHaveLength(1);
  });
});

describe('daily jobs with the calendar clock', () => {
  it('catches up every missed business date up to today once, and a second pass does nothing', async () => {
    const { DailyJobsScheduler } = await import('./jobs/daily-jobs.scheduler');
    const { DailyJobsService } = await import('./jobs/daily-jobs.service');
    const { SettingsRepository } = await import('./settings/settings.repository');
    const { SettingsService } = await import('./settings/settings.service');
    const { AuditRepository } = await import('./common/audit.repository');
    const system = Object.assign(new CreditConfig(), { CREDIT_CLOCK_MODE: 'system', CREDIT_JOBS_INTERVAL_MS: 60_000 });
    const repo = svc.app.get(SettingsRepository);
    const settings = new SettingsService(svc.ds, repo, svc.app.get(AuditRepository), system);
    const scheduler = new DailyJobsScheduler(svc.ds, system, repo, settings, svc.app.get(DailyJobsService), svc.logger);
    const runs = async (tenantId: string) =>
      Number(
        (
          await svc.schema.adminQuery<{ n: string }>(`select count(*)::text as n from credit_job_runs where tenant_id = $1 and job = 'classification'`, [
            tenantId,
          ])
        )[0]!.n,
      );
    const before = await runs('t510125');
    const ran = await scheduler.tick();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // t510125 stood at 2026-04-23: every date after it up to today ran once (t510122 is already past today)
    const missed = Math.round((Date.parse(today) - Date.parse('2026-04-23')) / 86_400_000);
    expect((await runs('t510125')) - before).toBe(missed);
    expect(ran).toBeGreaterThanOrEqual(missed);
    expect(await scheduler.tick()).toBe(0);
  }, 120_000);
});

describe('the loan book: lists and the five-category report', () => {
  const TB = 't510126';
  const bookApp = testActors.app(TB, { scopes: ['credit:pay'] });
  const otherApp = testActors.app(TB, { appId: 'app_bbbbbbbbbbbbbbbbbbbb', scopes: ['credit:pay'] });

  it('pages every line of the county past 10,000 (999→1000, 9999→10000), newest first; a partner app sees only its own', async () => {
    await svc.schema.adminQuery(`insert into credit_settings (tenant_id, business_date) values ($1, $2)`, [TB, START]);
    const product = (await svc.call('POST', '/credit/products', { actor: testActors.county(TB), body: PRODUCT })).body.id as string;
    await svc.schema.adminQuery(
      `insert into credit_applications (id, tenant_id, app_id, customer_ref, customer_name_masked, mobile_masked, region, repayment_account_cipher, product_id, requested_limit_fen, state)
       select gen_random_uuid(), $1, $2, 'bulk-' || g, '张*', '138****8000', '510126', 'x', $3, 100000, 'approved' from generate_series(1, 10050) g`,
      [TB, bookApp.appId, product],
    );
    await svc.schema.adminQuery(
      `insert into credit_lines (id, tenant_id, app_id, customer_ref, region, repayment_account_cipher, product_id, application_id, limit_fen, state, expires_on, created_at)
       select gen_random_uuid(), a.tenant_id, a.app_id, a.customer_ref, a.region, 'x', a.product_id, a.id, 100000, case when a.customer_ref like '%7' then 'frozen' else 'active' end,
              '2028-12-31', timestamptz '2026-03-01 00:00:00+08' + (interval '1 second' * (substr(a.customer_ref, 6)::int % 500))
         from credit_applications a where a.tenant_id = $1`,
      [TB],
    );
    const ids = (await svc.schema.adminQuery<{ id: string }>(`select id from credit_lines where tenant_id = $1`, [TB])).map((r) => r.id);
    expect(ids).toHaveLength(10_050);
    type Row = { id: string; createdAt: string };
    const walked = await assertKeysetPaging<Row>({
      fetchPage: async (cursor) =>
        (await svc.call('GET', `/credit/lines?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { actor: testActors.county(TB) })).body,
      id: (r) => r.id,
      // newest first; the id (as PostgreSQL orders uuids: by their hex text) breaks ties
      compare: (a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1),
      expectedIds: ids,
    });
    expect(walked).toEqual({ pages: 101, items: 10_050 });
    const frozen = await svc.call('GET', '/credit/lines?state=frozen&limit=100', { actor: bookApp });
    expect(frozen.body.data).toHaveLength(100);
    expect(frozen.body.data.every((l: { state: string }) => l.state === 'frozen')).toBe(true);
    const one = await svc.call('GET', '/credit/lines?customerRef=bulk-42', { actor: bookApp });
    expect(one.body.data.map((l: { customerRef: string }) => l.customerRef)).toEqual(['bulk-42']);
    expect((await svc.call('GET', '/credit/lines', { actor: otherApp })).body).toEqual({ data: [], nextCursor: null });
    expect((await svc.call('GET', '/credit/lines?state=open', { actor: bookApp })).status).toBe(400);
  }, 120_000);

  it('pages the overdue loans past 10,000, longest overdue first (days past due compared as numbers: 999 before 1000)', async () => {
    const [line] = await svc.schema.adminQuery<{ id: string; product_id: string }>(`select id, product_id from credit_lines where tenant_id = $1 limit 1`, [
      TB,
    ]);
    await svc.schema.adminQuery(
      `insert into credit_holds (id, tenant_id, line_id, caller, payment_ref, amount_fen, installments, state)
       select gen_random_uuid(), $1, $2, 'credit', 'bulk-' || g, 100, 1, 'captured' from generate_series(1, 10050) g`,
      [TB, line!.id],
    );
    // days past due 1..1200 (so 999 and 1000, and 99 and 100, sit on both sides of a text comparison), one loan already paid off
    await svc.schema.adminQuery(
      `insert into loans (id, tenant_id, line_id, hold_id, product_id, principal_fen, method, installments, annual_rate_bp, monthly_fee_bp, apr_ppm, drawdown_date,
                          state, outstanding_principal_fen, loan_class, days_past_due)
       select gen_random_uuid(), h.tenant_id, h.line_id, h.id, $2, 100, 'single', 1, 1800, 0, 0, '2026-03-10',
              case when h.payment_ref = 'bulk-1' then 'paid_off' else 'active' end, 100, 'special_mention', (substr(h.payment_ref, 6)::int % 1200) + 1
         from credit_holds h where h.tenant_id = $1 and h.payment_ref like 'bulk-%'`,
      [TB, line!.product_id],
    );
    const ids = (await svc.schema.adminQuery<{ id: string }>(`select id from loans where tenant_id = $1 and state = 'active' and days_past_due > 0`, [TB])).map(
      (r) => r.id,
    );
    expect(ids).toHaveLength(10_049);
    type Row = { loanId: string; daysPastDue: number };
    const walked = await assertKeysetPaging<Row>({
      fetchPage: async (cursor) =>
        (await svc.call('GET', `/credit/overdue-loans?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { actor: testActors.county(TB) }))
          .body,
      id: (r) => r.loanId,
      compare: (a, b) => (a.daysPastDue === b.daysPastDue ? (a.loanId < b.loanId ? 1 : -1) : b.daysPastDue - a.daysPastDue),
      expectedIds: ids,
    });
    expect(walked).toEqual({ pages: 101, items: 10_049 });
    // leave the county's book as the next test expects it: no overdue loans
    await svc.schema.adminQuery(`update loans set state = 'paid_off' where tenant_id = $1`, [TB]);
  }, 120_000);

  it("lists a line's drawdowns with their schedules; the overdue loans and the classification report agree with the book", async () => {
    const lineId = await openLine('book-1', 3_000_000);
    const paid = [];
    for (const [no, amountFen, n] of [
      ['BOOK-1', 300_000, 3],
      ['BOOK-2', 600_000, 6],
      ['BOOK-3', 1_200_000, 12],
    ] as const)
      paid.push((await svc.call('POST', `/credit/lines/${lineId}/payments`, { actor: app, body: { outTradeNo: no, amountFen, installments: n } })).body.loanId);
    const list = await svc.call('GET', `/credit/lines/${lineId}/drawdowns`, { actor: app });
    expect(list.body.data.map((d: { loanId: string }) => d.loanId)).toEqual([...paid].reverse());
    expect(list.body.data.map((d: { schedule: unknown[] }) => d.schedule.length)).toEqual([12, 6, 3]);
    expect((await svc.call('GET', `/credit/lines/${lineId}/drawdowns`, { actor: appT2 })).status).toBe(404);

    const report = await svc.call('GET', '/credit/reports/classification', { actor: county });
    expect(report.status).toBe(200);
    const expected = await svc.schema.adminQuery<{ c: string; n: number; p: string }>(
      `select loan_class as c, count(*)::int as n, sum(outstanding_principal_fen)::text as p from loans where tenant_id = $1 and state = 'active' group by loan_class`,
      [T],
    );
    expect(report.body.categories.map((c: { loanClass: string }) => c.loanClass)).toEqual(['normal', 'special_mention', 'substandard', 'doubtful', 'loss']);
    expect(report.body.categories.find((c: { loanClass: string }) => c.loanClass === 'loss')).toMatchObject({ labelZh: '损失', labelEn: 'Loss' });
    for (const c of report.body.categories as Array<{ loanClass: string; loans: number; outstandingPrincipalFen: number }>) {
      const e = expected.find((x) => x.c === c.loanClass);
      expect([c.loanClass, c.loans, c.outstandingPrincipalFen]).toEqual([c.loanClass, e?.n ?? 0, Number(e?.p ?? 0)]);
    }
    expect(report.body.categories.find((c: { loanClass: string }) => c.loanClass === 'loss').loans).toBeGreaterThanOrEqual(1);
    const overdue = await svc.call('GET', '/credit/overdue-loans', { actor: county });
    const dpd = overdue.body.data.map((d: { daysPastDue: number }) => d.daysPastDue);
    expect(dpd.length).toBeGreaterThanOrEqual(1);
    expect(dpd).toEqual([...dpd].sort((a: number, b: number) => b - a));
    expect(dpd.every((d: number) => d > 0)).toBe(true);
    const loss = await svc.call('GET', '/credit/overdue-loans?loanClass=loss', { actor: county });
    expect(loss.body.data.every((d: { loanClass: string }) => d.loanClass === 'loss')).toBe(true);
    // operators only, and each county its own
    expect((await svc.call('GET', '/credit/reports/classification', { actor: app })).status).toBe(403);
    expect((await svc.call('GET', '/credit/overdue-loans', { actor: testActors.county(TB) })).body.data).toEqual([]);
  });
  it('an interest-free purchase not repaid in full by its due date loses the interest-free period (interest from the drawdown to the due date)', async () => {
    const [product] = await svc.schema.adminQuery<{ id: string }>(`select id from credit_products where tenant_id = $1`, [TB]);
    const ACCOUNT_LATE = '6222026000000000009';
    county$.balances.set(ACCOUNT_LATE, 0n);
    const tb = { app: bookApp, county: testActors.county(TB), productId: product!.id, region: '510126' };
    const lineId = await openLine('free-late', 1_000_000, { tenant: tb, account: ACCOUNT_LATE });
    const d = await svc.call('POST', `/credit/lines/${lineId}/payments`, {
      actor: bookApp,
      body: { outTradeNo: 'FREE-LATE', amountFen: 100_000, installments: 1 },
    });
    expect(d.body.schedule[0]).toMatchObject({ dueDate: '2026-04-20', interestFen: 0 });
    const advance = async (days: number) => (await svc.call('POST', '/credit/clock/advance', { actor: tb.county, body: { days } })).body.businessDate as string;
    expect(await advance(41)).toBe('2026-04-20'); // due: the debit is declined, still interest-free
    expect((await svc.call('GET', `/credit/drawdowns/${d.body.loanId}`, { actor: bookApp })).body.schedule[0]).toMatchObject({
      state: 'billed',
      interestFen: 0,
    });
    expect(await advance(1)).toBe('2026-04-21');
    // 1,000.00 × 18 % × 41 days / 360 = 20.50
    expect((await svc.call('GET', `/credit/drawdowns/${d.body.loanId}`, { actor: bookApp })).body.schedule[0]).toMatchObject({
      state: 'overdue',
      interestFen: 2_050,
    });
    // charged once: the next day adds penalty later, never the interest again
    await advance(1);
    expect((await svc.call('GET', `/credit/drawdowns/${d.body.loanId}`, { actor: bookApp })).body.schedule[0]).toMatchObject({ interestFen: 2_050 });
  });
});
