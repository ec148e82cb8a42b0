// Issue 9, credit payment, end to end: through the gateway with the SDK as a partner (and the county
// operator) would, against the whole platform — credit, settlement's ledger, the gateway's webhooks
// and the channel sandbox's SMS gateway and core banking behind it. The business clock of the county
// (manual in the e2e profile) is advanced through the operator API; every daily job runs for every
// date passed. Amounts are exact fen everywhere. One county's timeline, its tests in order.
import { type CountypayApiError } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  openCreditLine,
  randomDigits,
  uniq,
  until,
  waitUntilPayable,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510131';
const REGION = '510131';
const OTHER_TENANT = 't510181';
const SCOPES = ['credit:pay', 'refunds:write', 'merchants:read'];
const hooks = new WebhookReceiver();
let on: Onboarded;
let other: Onboarded;
let app: Record<'rich' | 'poor' | 'early', OnboardedApp>;
let productId: string;
const sandbox = (): string => serviceUrl('channel-sandbox');

interface Installment {
  period: number;
  dueDate: string;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
  totalFen: number;
  state: string;
}
interface Drawdown {
  loanId: string;
  lineId: string;
  principalFen: number;
  state: string;
  outstandingPrincipalFen: number;
  loanClass: string;
  daysPastDue: number;
  drawdownDate: string;
  aprPercent: string;
  schedule: Installment[];
}
interface Line {
  id: string;
  limitFen: number;
  heldFen: number;
  drawnFen: number;
  availableFen: number;
  state: string;
  stateReason: string | null;
}

// 18 % a year, statement on the 1st, due on the 20th, 3 grace days, penalty ×1.5, minimum 10 % of the principal
const PRODUCT = {
  name: '惠农贷 e2e',
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

const county = () => on.county;
const businessDate = async (): Promise<string> => (await county().request<{ businessDate: string }>('GET', '/v1/credit/settings')).businessDate;
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
async function advanceTo(date: string): Promise<void> {
  const days = daysBetween(await businessDate(), date);
  if (days <= 0) return;
  const r = await county().request<{ businessDate: string }>('POST', '/v1/credit/clock/advance', { body: { days } });
  expect(r.businessDate).toBe(date);
}
const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const drawdown = (a: OnboardedApp, id: string) => a.client.request<Drawdown>('GET', `/v1/credit/drawdowns/${id}`);
const line = (a: OnboardedApp, id: string) => a.client.request<Line>('GET', `/v1/credit/lines/${id}`);
const balance = async (accountNo: string): Promise<number> =>
  ((await (await fetch(`${sandbox()}/core/${TENANT}/accounts/${accountNo}`)).json()) as { balanceFen: number }).balanceFen;
const pay = (a: OnboardedApp, lineId: string, amountFen: number, installments: number, outTradeNo = `cr-${uniq()}`) =>
  a.client.request<Drawdown>('POST', `/v1/credit/lines/${lineId}/payments`, { body: { outTradeNo, amountFen, installments } });

/** apply (SMS consent to the customer's mobile in the sandbox) → the county approves: the line id. */
async function openLine(a: OnboardedApp, limitFen: number, accountNo: string, region = `${REGION}101`): Promise<string> {
  const opened = await openCreditLine({
    applicant: a.client,
    county: county(),
    sandboxUrl: sandbox(),
    tenantId: TENANT,
    productId,
    limitFen,
    repaymentAccountNo: accountNo,
    region,
    reason: '经营稳定，授信通过',
  });
  expect([opened.applicationState, opened.approvedState]).toEqual(['awaiting_consent', 'approved']);
  return opened.lineId;
}

function hooksFor(type: string, pred: (d: Record<string, unknown>) => boolean) {
  return hooks.received.filter((w) => w.event.type === type && pred(w.event.data as Record<string, unknown>));
}

let rich: string;
let poor: string;
let lineA: string;
let lineB: string;
let lineD: string;
let loan3: Drawdown;
let loanFree: Drawdown;
let loanB: Drawdown;
let start: string;

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'credit', 'settlement'])
    await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e county market ${uniq()}`, appCount: 3, callbackUrl: hooks.url, scopes: SCOPES },
  );
  const [r, p, e] = on.apps;
  app = { rich: r!, poor: p!, early: e! };
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  other = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: OTHER_TENANT, name: `e2e other county ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
  // the gateway may not know the new apps yet (it asks onboarding on a miss)
  await until(
    'the gateway to know the apps',
    async () =>
      await app.rich.client.request('GET', '/v1/credit/lines').then(
        () => true,
        () => undefined,
      ),
    30_000,
    500,
  );
  productId = (await county().request<{ id: string }>('POST', '/v1/credit/products', { body: { ...PRODUCT, code: `E2E-${uniq()}` } })).id;
  rich = await openCountyAccount(sandbox(), TENANT, 100_000_000);
  poor = await openCountyAccount(sandbox(), TENANT, 0);
  start = await businessDate();
});

afterAll(async () => {
  await hooks.stop();
});

describe('credit payment through the gateway', () => {
  it('opens lines with the customer’s SMS consent; refuses a customer of another county and an APR above the ceiling', async () => {
    lineA = await openLine(app.rich, 5_000_000, rich);
    lineB = await openLine(app.poor, 1_000_000, poor);
    lineD = await openLine(app.early, 1_000_000, rich);
    expect(await line(app.rich, lineA)).toMatchObject({ limitFen: 5_000_000, heldFen: 0, drawnFen: 0, availableFen: 5_000_000, state: 'active' });
    // a customer registered in another county: the county bank does not lend
    const mobile = `139${randomDigits(8)}`;
    const outsider = await app.rich.client.request<{ id: string }>('POST', '/v1/credit/applications', {
      body: { customerRef: `c-${uniq()}`, customerName: '李四', mobile, region: '510181101', productId, requestedLimitFen: 100_000, repaymentAccountNo: rich },
    });
    const code = await until(
      'the consent SMS',
      async () =>
        /(\d{6})/.exec(
          ((await (await fetch(`${sandbox()}/credit-sms/${TENANT}/messages?mobile=${mobile}`)).json()) as { data: Array<{ text: string }> }).data[0]?.text ??
            '',
        )?.[1],
      10_000,
      200,
    );
    await app.rich.client.request('POST', `/v1/credit/applications/${outsider.id}/consent`, { body: { smsCode: code } });
    const refused = await apiError(
      county().request('POST', `/v1/credit/applications/${outsider.id}/approve`, { body: { limitFen: 100_000, expiresOn: '2029-12-31', reason: '授信' } }),
    );
    expect(refused.code).toBe('out_of_region');
    // a product above the 24 % ceiling, and a drawdown once the county lowers its ceiling under the product's rate
    const high = await apiError(county().request('POST', '/v1/credit/products', { body: { ...PRODUCT, code: `HI-${uniq()}`, annualRateBp: 2_500 } }));
    expect(high.code).toBe('apr_above_ceiling');
    await county().request('PUT', '/v1/credit/settings', { body: { aprCeilingBp: 1_500 } });
    try {
      const err = await apiError(pay(app.rich, lineA, 100_000, 3));
      expect([err.status, err.code]).toEqual([422, 'apr_above_ceiling']);
    } finally {
      await county().request('PUT', '/v1/credit/settings', { body: { aprCeilingBp: 2_400 } });
    }
    // another county's app cannot see the line
    const notFound = await apiError(other.apps[0]!.client.request('GET', `/v1/credit/lines/${lineA}`));
    expect([notFound.status, notFound.code]).toEqual([404, 'not_found']);
  });

  it('quotes and draws down exact schedules in 3, 6 and 12 installments (18 %: principal parts sum to the principal)', async () => {
    const q6 = await app.rich.client.request<{ aprPercent: string; costFen: number; schedule: Installment[] }>('POST', `/v1/credit/lines/${lineA}/quote`, {
      body: { amountFen: 600_000, installments: 6 },
    });
    expect(q6.schedule.map((i) => [i.principalFen, i.interestFen])).toEqual([
      [96_315, 9_000],
      [97_760, 7_555],
      [99_226, 6_089],
      [100_715, 4_600],
      [102_225, 3_090],
      [103_759, 1_556],
    ]);
    expect(q6.aprPercent).toBe('18.00%');
    const q12 = await app.rich.client.request<{ schedule: Installment[] }>('POST', `/v1/credit/lines/${lineA}/quote`, {
      body: { amountFen: 1_200_000, installments: 12 },
    });
    expect(q12.schedule.map((i) => [i.principalFen, i.interestFen])).toEqual([
      [92_016, 18_000],
      [93_396, 16_620],
      [94_797, 15_219],
      [96_219, 13_797],
      [97_662, 12_354],
      [99_127, 10_889],
      [100_614, 9_402],
      [102_123, 7_893],
      [103_655, 6_361],
      [105_210, 4_806],
      [106_788, 3_228],
      [108_393, 1_626],
    ]);
    expect(q12.schedule.reduce((s, i) => s + i.principalFen, 0)).toBe(1_200_000);
    loan3 = await pay(app.rich, lineA, 1_200_000, 3);
    expect(loan3.schedule.map((i) => [i.principalFen, i.interestFen, i.state])).toEqual([
      [394_060, 18_000, 'pending'],
      [399_971, 12_089, 'pending'],
      [405_969, 6_090, 'pending'],
    ]);
    expect(loan3).toMatchObject({ principalFen: 1_200_000, state: 'active', drawdownDate: start, loanClass: 'normal', aprPercent: '18.00%' });
    // a single-payment purchase inside the interest-free days: no interest at all
    loanFree = await pay(app.rich, lineA, 100_000, 1);
    expect(loanFree.schedule).toHaveLength(1);
    expect(loanFree.schedule[0]).toMatchObject({ principalFen: 100_000, interestFen: 0 });
    loanB = await pay(app.poor, lineB, 300_000, 3);
    expect(await line(app.rich, lineA)).toMatchObject({ drawnFen: 1_300_000, availableFen: 3_700_000 });
    // the ledger posts each drawdown: loans receivable against credit clearing (no merchant named)
    const entries = await until(
      'the ledger to post the drawdown',
      async () => {
        const r = await county().request<{
          data: Array<{ sourceType: string; amountFen: number; postings: Array<{ account: string; direction: string; amountFen: number }> }>;
        }>('GET', '/v1/ledger/entries', { query: { orderId: loan3.loanId } });
        return r.data.length > 0 ? r.data : undefined;
      },
      30_000,
      500,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ sourceType: 'credit.drawdown-created', amountFen: 1_200_000 });
    expect(entries[0]!.postings.map((p) => [p.account, p.direction, p.amountFen])).toEqual([
      ['loans_receivable', 'debit', 1_200_000],
      ['credit_clearing', 'credit', 1_200_000],
    ]);
    await until(
      'the drawdown webhook',
      async () => (hooksFor('credit.drawdown-created', (d) => d.loanId === loan3.loanId).length > 0 ? true : undefined),
      30_000,
      300,
    );
    expect(hooksFor('credit.drawdown-created', (d) => d.loanId === loan3.loanId).every((w) => w.verified)).toBe(true);
  });

  it('two concurrent payments never overdraw a line; refunds before billing, full and partial, restore it', async () => {
    const results = await Promise.allSettled([pay(app.early, lineD, 700_000, 3), pay(app.early, lineD, 700_000, 3)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failed.reason as CountypayApiError).code).toBe('credit_insufficient');
    expect(await line(app.early, lineD)).toMatchObject({ drawnFen: 700_000, heldFen: 0, availableFen: 300_000 });
    // refund before billing: the drawdown is reversed and the line restored
    const loanId = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Drawdown>).value.loanId;
    const reversed = await app.early.client.request<Drawdown>('POST', `/v1/credit/drawdowns/${loanId}/reverse`);
    expect(reversed.state).toBe('reversed');
    expect(await line(app.early, lineD)).toMatchObject({ drawnFen: 0, availableFen: 1_000_000 });
    // a partial refund before billing: half of each pending installment's principal and interest
    const small = await pay(app.early, lineD, 300_000, 3);
    const half = await app.early.client.request<{ principalFen: number; interestReturnedFen: number; drawdown: Drawdown }>(
      'POST',
      `/v1/credit/drawdowns/${small.loanId}/refunds`,
      { body: { outRefundNo: `rf-${uniq()}`, amountFen: 150_000 } },
    );
    expect(half).toMatchObject({ principalFen: 150_000, interestReturnedFen: 2_250 + 1_511 + 761 });
    expect(half.drawdown.schedule.map((i) => [i.principalFen, i.interestFen, i.state])).toEqual([
      [49_257, 2_250, 'pending'],
      [49_996, 1_511, 'pending'],
      [50_747, 761, 'pending'],
    ]);
    const rest = await app.early.client.request<{ drawdown: Drawdown }>('POST', `/v1/credit/drawdowns/${small.loanId}/refunds`, {
      body: { outRefundNo: `rf-${uniq()}`, amountFen: 150_000 },
    });
    expect(rest.drawdown).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    expect(rest.drawdown.schedule.map((i) => i.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await line(app.early, lineD)).toMatchObject({ drawnFen: 0, availableFen: 1_000_000 });
  });

  it('issues the statement, auto-debits on the due date (the interest-free purchase costs nothing), retries a declined debit +1 and +3 days', async () => {
    const firstDue = loan3.schedule[0]!.dueDate;
    const before = await balance(rich);
    await advanceTo(firstDue);
    const statements = await app.rich.client.request<{
      data: Array<{ dueDate: string; interestFen: number; totalDueFen: number; minimumPaymentFen: number; items: unknown[] }>;
    }>('GET', `/v1/credit/lines/${lineA}/statements`);
    expect(statements.data).toHaveLength(1);
    // 3,940.60 + 180.00 of the 3-installment purchase, and the 1,000.00 interest-free purchase
    expect(statements.data[0]).toMatchObject({ dueDate: firstDue, interestFen: 18_000, totalDueFen: 412_060 + 100_000, minimumPaymentFen: 18_000 + 49_406 });
    expect(statements.data[0]!.items).toHaveLength(2);
    expect(before - (await balance(rich))).toBe(412_060 + 100_000);
    expect((await drawdown(app.rich, loan3.loanId)).schedule.map((i) => i.state)).toEqual(['paid', 'pending', 'pending']);
    expect(await drawdown(app.rich, loanFree.loanId)).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    expect(await line(app.rich, lineA)).toMatchObject({ drawnFen: 1_200_000 - 394_060 });
    await until(
      'the statement and repayment webhooks',
      async () =>
        hooksFor('credit.statement-issued', (d) => d.lineId === lineA).length > 0 && hooksFor('credit.repayment-received', (d) => d.lineId === lineA).length > 0
          ? true
          : undefined,
      30_000,
      300,
    );
    const repaid = hooksFor('credit.repayment-received', (d) => d.lineId === lineA)[0]!.event.data;
    expect(repaid).toMatchObject({ kind: 'auto_debit', amountFen: 512_060, principalFen: 494_060, interestFen: 18_000 });
    // the poor customer's debit is declined on the due date, then one and three days later
    await advanceTo(addDays(firstDue, 3));
    await until(
      'three declined debits',
      async () => (hooksFor('credit.repayment-failed', (d) => d.lineId === lineB).length >= 3 ? true : undefined),
      30_000,
      300,
    );
    expect(
      hooksFor('credit.repayment-failed', (d) => d.lineId === lineB)
        .map((w) => (w.event.data as { businessDate: string }).businessDate)
        .sort(),
    ).toEqual([firstDue, addDays(firstDue, 1), addDays(firstDue, 3)]);
    expect((await drawdown(app.poor, loanB.loanId)).schedule[0]).toMatchObject({ state: 'overdue', penaltyFen: 0 });
  });

  it('refunds after billing: the principal credits what is left, the interest on it returned pro rata', async () => {
    const r = await app.rich.client.request<{ principalFen: number; interestReturnedFen: number; drawdown: Drawdown }>(
      'POST',
      `/v1/credit/drawdowns/${loan3.loanId}/refunds`,
      { body: { outRefundNo: `rf-${uniq()}`, amountFen: 600_000 } },
    );
    expect(r).toMatchObject({ principalFen: 600_000, interestReturnedFen: 9_000 + 4_534 });
    expect(r.drawdown.schedule.map((i) => [i.principalFen, i.interestFen])).toEqual([
      [394_060, 18_000],
      [102_204, 3_089],
      [103_736, 1_556],
    ]);
    expect(await line(app.rich, lineA)).toMatchObject({ drawnFen: 205_940 });
  });

  it('overdue → penalty after the grace days → frozen → classified special mention, substandard, doubtful, loss at 1/91/271/361 days', async () => {
    const due = loanB.schedule[0]!.dueDate;
    await advanceTo(addDays(due, 4));
    const d4 = await drawdown(app.poor, loanB.loanId);
    // one day of penalty on the unpaid 985.15 at 18 % × 1.5 / 360 = 0.74 (the 4th day, after 3 grace days)
    expect(d4.schedule[0]!.penaltyFen).toBe(74);
    expect(d4).toMatchObject({ loanClass: 'special_mention', daysPastDue: 4 });
    for (const [days, cls] of [
      [91, 'substandard'],
      [271, 'doubtful'],
      [361, 'loss'],
    ] as const) {
      await advanceTo(addDays(due, days));
      expect(await drawdown(app.poor, loanB.loanId)).toMatchObject({ loanClass: cls, daysPastDue: days });
    }
    expect(await line(app.poor, lineB)).toMatchObject({ state: 'frozen', stateReason: 'overdue' });
    const refused = await apiError(pay(app.poor, lineB, 100, 1));
    expect(refused.code).toBe('credit_line_not_active');
    const report = await county().request<{ categories: Array<{ loanClass: string; loans: number; outstandingPrincipalFen: number }> }>(
      'GET',
      '/v1/credit/reports/classification',
    );
    const loss = report.categories.find((c) => c.loanClass === 'loss')!;
    expect(loss.loans).toBeGreaterThanOrEqual(1);
    expect(loss.outstandingPrincipalFen).toBeGreaterThanOrEqual(300_000);
    const overdue = await county().request<{ data: Drawdown[] }>('GET', '/v1/credit/overdue-loans', { query: { loanClass: 'loss', limit: 100 } });
    expect(overdue.data.find((d) => d.loanId === loanB.loanId)).toMatchObject({ loanClass: 'loss', daysPastDue: 361 });
    // the tenant's ledger stays balanced through all of it
    const tb = await county().request<{ balanced: boolean; debitsFen: number; creditsFen: number }>('GET', '/v1/ledger/trial-balance');
    expect(tb.balanced).toBe(true);
  });

  it('repays early with interest only to the repayment date (6,000.00 at 18 %: 3.00 a day)', async () => {
    const drawn = await businessDate();
    const d = await pay(app.early, lineD, 600_000, 6);
    // up to 15 days, but before the loan's first statement date (the 1st of its first due date's month)
    const statementDate = `${d.schedule[0]!.dueDate.slice(0, 8)}01`;
    const days = Math.max(0, Math.min(15, daysBetween(drawn, statementDate) - 1));
    expect(days).toBeGreaterThan(0);
    await advanceTo(addDays(drawn, days));
    const before = await balance(rich);
    const r = await app.early.client.request<{ amountFen: number; principalFen: number; interestFen: number }>('POST', `/v1/credit/lines/${lineD}/repayments`, {
      body: { outRepaymentNo: `payoff-${uniq()}`, mode: 'payoff' },
    });
    expect(r).toMatchObject({ amountFen: 600_000 + 300 * days, principalFen: 600_000, interestFen: 300 * days });
    expect(before - (await balance(rich))).toBe(600_000 + 300 * days);
    expect(await drawdown(app.early, d.loanId)).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
  });
});

interface QrOrderView {
  id: string;
  status: string;
  channel: string | null;
  channelTradeNo: string | null;
  failureReason: string | null;
  amountFen: number;
}
interface EntryView {
  sourceType: string;
  amountFen: number;
  postings: Array<{ account: string; direction: string; amountFen: number }>;
}

describe('county credit as a method of QR payment (the county bank’s own app)', () => {
  it('quotes, holds and draws the payer’s line for a dynamic code; payment.succeeded (county_credit) credits the merchant once; a refusal leaves the order payable', async () => {
    // the county bank's own app: QR payments and credit payment; its customer's line; a merchant of the county
    const bank = await onboardPartner(
      { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
      {
        tenantId: TENANT,
        name: `e2e county bank app ${uniq()}`,
        appCount: 1,
        callbackUrl: hooks.url,
        scopes: ['qr:pay', 'credit:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
      },
    );
    const bankApp = bank.apps[0]!;
    hooks.secrets.set(bankApp.appId, bankApp.webhookSecret);
    const shop = await onboardMerchant(bank, bankApp, `e2e 赊购农资店 ${uniq()}`);
    const payerLine = await openLine(bankApp, 500_000, rich);
    const newOrder = (amountFen: number) =>
      bankApp.client.request<QrOrderView>('POST', '/v1/qr/orders', { body: { merchantId: shop.merchantId, outTradeNo: `qc-${uniq()}`, amountFen } });
    const order = await waitUntilPayable(bankApp, shop.merchantId, () => newOrder(300_000));
    expect(order.status).toBe('created');

    // the schedule and APR before the payer confirms (nothing held)
    const quote = await bankApp.client.request<{ orderId: string; principalFen: number; aprPercent: string; schedule: Array<{ principalFen: number }> }>(
      'POST',
      `/v1/qr/orders/${order.id}/credit-quote`,
      { body: { creditLineId: payerLine, installments: 3 } },
    );
    expect(quote).toMatchObject({ orderId: order.id, principalFen: 300_000, aprPercent: '18.00%' });
    expect(quote.schedule.reduce((s, l) => s + l.principalFen, 0)).toBe(300_000);
    expect(await line(bankApp, payerLine)).toMatchObject({ heldFen: 0, drawnFen: 0 });

    // another app's customer line is not this app's to draw: 404, the order stays payable
    const foreign = await apiError(
      bankApp.client.request('POST', `/v1/qr/orders/${order.id}/pay`, { body: { channel: 'county_credit', creditLineId: lineA, installments: 3 } }),
    );
    expect([foreign.status, foreign.code]).toEqual([404, 'not_found']);
    // more than the line has: refused before the order moves
    const big = await newOrder(600_000);
    const short = await apiError(
      bankApp.client.request('POST', `/v1/qr/orders/${big.id}/pay`, { body: { channel: 'county_credit', creditLineId: payerLine, installments: 3 } }),
    );
    expect([short.status, short.code]).toEqual([422, 'credit_insufficient']);
    expect((await bankApp.client.request<QrOrderView>('GET', `/v1/qr/orders/${big.id}`)).status).toBe('created');

    // the payer confirms: held, drawn in 3 installments, the order succeeds with the drawdown as its channel trade number
    const paid = await bankApp.client.request<QrOrderView>('POST', `/v1/qr/orders/${order.id}/pay`, {
      body: { channel: 'county_credit', creditLineId: payerLine, installments: 3 },
    });
    expect(paid).toMatchObject({ status: 'succeeded', channel: 'county_credit', amountFen: 300_000 });
    const loan = await drawdown(bankApp, paid.channelTradeNo!);
    expect(loan).toMatchObject({ lineId: payerLine, principalFen: 300_000, state: 'active', aprPercent: '18.00%' });
    expect(loan.schedule.map((i) => i.principalFen)).toEqual(quote.schedule.map((l) => l.principalFen));
    expect(await line(bankApp, payerLine)).toMatchObject({ heldFen: 0, drawnFen: 300_000, availableFen: 200_000 });
    // paying again is refused: the order is final, nothing more is drawn
    const again = await apiError(
      bankApp.client.request('POST', `/v1/qr/orders/${order.id}/pay`, { body: { channel: 'county_credit', creditLineId: payerLine, installments: 3 } }),
    );
    expect(again.code).toBe('order_not_payable');
    expect(await line(bankApp, payerLine)).toMatchObject({ heldFen: 0, drawnFen: 300_000 });

    // the ledger: the payment credits the merchant (net of the fee) from credit clearing; the drawdown debits the loan book into it
    const entriesOf = (orderId: string, n: number) =>
      until(
        `the ledger to post ${orderId}`,
        async () => {
          const r = await bank.county.request<{ data: EntryView[] }>('GET', '/v1/ledger/entries', { query: { orderId } });
          return r.data.length >= n ? r.data : undefined;
        },
        30_000,
        500,
      );
    const [payment] = await entriesOf(order.id, 1);
    expect(payment!.sourceType).toBe('payment.succeeded');
    const lines = payment!.postings.map((p) => [p.account, p.direction, p.amountFen] as const);
    const fee = lines.find(([a]) => a === 'fee_income')?.[2] ?? 0;
    expect(fee).toBeGreaterThan(0);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['credit_clearing', 'debit', 300_000],
        [`merchant_payable:${shop.merchantId}`, 'credit', 300_000 - fee],
      ]),
    );
    const [drawn] = await entriesOf(loan.loanId, 1);
    expect(drawn!.postings.map((p) => [p.account, p.direction, p.amountFen])).toEqual([
      ['loans_receivable', 'debit', 300_000],
      ['credit_clearing', 'credit', 300_000],
    ]);

    // the merchant refunds 1,000.00 through QR: credit refunds the drawdown (nothing repaid yet: the unpaid principal shrinks)
    const qrRefund = (no: string, amountFen: number) =>
      bankApp.client.request<{ status: string; channelRefundNo: string | null }>('POST', `/v1/qr/orders/${order.id}/refunds`, {
        body: { outRefundNo: no, amountFen },
      });
    expect((await qrRefund(`qr-r1-${uniq()}`, 100_000)).status).toBe('succeeded');
    expect(await drawdown(bankApp, loan.loanId)).toMatchObject({ outstandingPrincipalFen: 200_000 });
    expect(await line(bankApp, payerLine)).toMatchObject({ drawnFen: 200_000, availableFen: 300_000 });
    // the payer repays everything; a later refund of 1,000.00 goes back to the payer's county account (cash refund)
    await bankApp.client.request('POST', `/v1/credit/lines/${payerLine}/repayments`, { body: { outRepaymentNo: `qc-payoff-${uniq()}`, mode: 'payoff' } });
    expect(await drawdown(bankApp, loan.loanId)).toMatchObject({ state: 'paid_off', outstandingPrincipalFen: 0 });
    const beforeCash = await balance(rich);
    const cash = await qrRefund(`qr-r2-${uniq()}`, 100_000);
    expect(cash.status).toBe('succeeded');
    expect((await balance(rich)) - beforeCash).toBe(100_000);
    expect(await line(bankApp, payerLine)).toMatchObject({ drawnFen: 0, availableFen: 500_000 });
    // the cash refund is posted: credit clearing (the QR refund put the merchant's money there) into the customers' deposits
    const [cashEntry] = await entriesOf(cash.channelRefundNo!, 1);
    expect(cashEntry!.sourceType).toBe('credit.cash-refunded');
    expect(cashEntry!.postings.map((p) => [p.account, p.direction, p.amountFen])).toEqual([
      ['credit_clearing', 'debit', 100_000],
      ['customer_deposits', 'credit', 100_000],
    ]);
    const tb = await bank.county.request<{ balanced: boolean }>('GET', '/v1/ledger/trial-balance');
    expect(tb.balanced).toBe(true);
  });
});
