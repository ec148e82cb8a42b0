// Issue 10, a county's business day end to end through the gateway: payer-code payments on every
// wallet channel and a refund → the county's cut-off passes → clearing into a batch (re-running the
// cut-off changes nothing) → approval by two different county operators (the batch is above the
// approval threshold: one approval is not enough, the same operator twice neither) → payouts through
// the sandbox's county core banking → settled, the money in the merchant's bank account → the daily
// report ties to the ledger and the province roll-up carries the county → reconciliation of each
// channel finds no case for this day's movements. Another county's operator sees none of it (404).
// Amounts are exact fen.
import { CountypayApiError, CountypayOperatorClient, type QrOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedMerchant,
  WebhookReceiver,
  alipayCode,
  expectedFeeFen,
  onboardMerchant,
  onboardPartner,
  randomDigits,
  uniq,
  unionpayCode,
  until,
  waitForLedger,
  waitUntilPayable,
  wechatCode,
} from '../../load/platform-setup';

jest.setTimeout(420_000);

const TENANT = 't510421';
const OTHER = 't510422';
const SHANGHAI_MS = 8 * 3600_000;

interface TieOut {
  clearingFen: number;
  payoutFen: number;
  feeFen: number;
  balanced: boolean;
  trialBalanceBalanced: boolean;
}
interface Batch {
  id: string;
  businessDate: string;
  status: string;
  approvalsRequired: number;
  approvals: Array<{ operatorId: string }>;
  itemCount: number;
  tieOut: TieOut;
}
interface Payout {
  merchantId: string;
  amountFen: number;
  status: string;
  accountNoLast4: string | null;
}
interface ReportLine {
  product: string;
  channel: string;
  paymentCount: number;
  paymentsFen: number;
  refundCount: number;
  refundsFen: number;
  feesFen: number;
  netFen: number;
}
interface DailyReport {
  businessDate: string;
  batchId: string;
  batchStatus: string;
  lines: ReportLine[];
  totals: ReportLine;
  paidOutFen: number;
  payoutsFailed: number;
  openReconciliationCases: number;
  ledger: { feeIncomeFen: number; merchantPayableFen: number; paidOutFen: number; ties: boolean };
}
interface ProvinceReport {
  counties: Array<{ tenantId: string; batchStatus: string | null; paymentCount: number; paidOutFen: number; ledgerTies: boolean }>;
}

const hooks = new WebhookReceiver();
let on: Onboarded;
let shop: OnboardedMerchant;
let checker: CountypayOperatorClient;
let otherCounty: CountypayOperatorClient;
let province: CountypayOperatorClient;
const sandbox = (): string => serviceUrl('channel-sandbox');

/** HH:mm in Asia/Shanghai of an instant */
const shanghaiTime = (ms: number): string => new Date(ms + SHANGHAI_MS).toISOString().slice(11, 16);
/** the Asia/Shanghai calendar date of an instant */
const shanghaiDate = (ms: number): string => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10);

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'settlement', 'qr-payment']) {
    for (let i = 0; i < 3; i++)
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  }
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    {
      tenantId: TENANT,
      name: `e2e business day ${uniq()}`,
      appCount: 1,
      callbackUrl: hooks.url,
      scopes: ['qr:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
    },
  );
  hooks.secrets.set(on.apps[0]!.appId, on.apps[0]!.webhookSecret);
  shop = await onboardMerchant(on, on.apps[0]!, `米易县结算测试超市${uniq()}`);
  province = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: provinceToken() });
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

describe('a business day through the gateway', () => {
  it('payments and a refund → cut-off → two approvals → payouts → settled → report ties to the ledger → reconciliation finds nothing; another county sees none of it', async () => {
    const app = on.apps[0]!;
    // the county's cut-off a little ahead (T+1, any payout above 0.01 yuan needs two operators): today's
    // payments fall in the business date that closes then
    const cutoffAt = Math.ceil((Date.now() + 150_000) / 60_000) * 60_000;
    const businessDate = shanghaiDate(cutoffAt);
    await province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, {
      body: { cutoffTime: shanghaiTime(cutoffAt), settlementCycle: 'T1', settlementApprovalThresholdFen: 1, refundFeePolicy: 'kept' },
    });

    // the merchant's settlement account at the county bank, and on the platform (settlement learns the
    // merchant from onboarding's event: a moment after the approval)
    const accountNo = `6${randomDigits(11)}`;
    const opened = await fetch(`${sandbox()}/core/${TENANT}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountNo, holderName: shop.legalName, balanceFen: 0 }),
    });
    expect(opened.status).toBe(201);
    await until(
      'settlement to know the merchant',
      async () => {
        try {
          return await on.county.request('POST', `/v1/settlement/merchants/${shop.merchantId}/payout-account`, {
            body: { accountNo, accountName: shop.legalName },
          });
        } catch (err) {
          if (err instanceof CountypayApiError && err.status === 404) return undefined;
          throw err;
        }
      },
      60_000,
      500,
    );

    const pay = (payerCode: string, amountFen: number): Promise<QrOrder> =>
      app.client.qrOrders.payWithPayerCode({ merchantId: shop.merchantId, terminalId: shop.terminalId, outTradeNo: `bd-${uniq()}`, amountFen, payerCode });
    const probe = await waitUntilPayable(app, shop.merchantId, () => pay(wechatCode(), 100));
    const orders = [probe, await pay(wechatCode(), 12_800), await pay(alipayCode(), 25_600), await pay(unionpayCode(), 38_400)];
    /** the channels' statements are per calendar day (Asia/Shanghai) */
    const statementDay = shanghaiDate(Date.now());
    for (const o of orders) expect(o.status).toBe('succeeded');
    const refund = await app.client.qrOrders.refund(orders[2]!.id, { outRefundNo: `bd-r-${uniq()}`, amountFen: 5_600 });
    expect(refund.status).toBe('succeeded');
    for (const o of orders) await waitForLedger(app.client, o.id, o.id === orders[2]!.id ? 2 : 1);
    expect(Date.now()).toBeLessThan(cutoffAt); // every movement is in the business date

    const paymentsFen = orders.reduce((s, o) => s + o.amountFen, 0);
    // the county's default QR fee plan: 0.38% on the wallets and UnionPay, at least 0.01 yuan
    const feesFen = orders.reduce((s, o) => s + Number(expectedFeeFen(BigInt(o.amountFen), 38n, 1n)), 0);
    const netFen = paymentsFen - 5_600 - feesFen; // the fee is kept on a refund

    // before the cut-off the day is still open
    const early = await apiError(on.county.request('POST', '/v1/settlement/cutoffs', { body: { businessDate } }));
    expect([early.status, early.code]).toEqual([409, 'business_day_not_closed']);
    await new Promise((r) => setTimeout(r, Math.max(0, cutoffAt - Date.now() + 1_000)));

    const batch = await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(batch).toMatchObject({ businessDate, status: 'pending_approval', approvalsRequired: 2, itemCount: 1 });
    expect(batch.tieOut).toMatchObject({ clearingFen: netFen + feesFen, feeFen: feesFen, payoutFen: netFen, balanced: true, trialBalanceBalanced: true });
    const again = await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(again).toMatchObject({ id: batch.id, status: 'pending_approval', tieOut: batch.tieOut });

    // maker/checker: one operator's approval is not enough, and the same operator cannot approve twice
    const first = await on.county.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/approvals`);
    expect(first.status).toBe('pending_approval');
    const twice = await apiError(on.county.request('POST', `/v1/settlement/batches/${batch.id}/approvals`));
    expect([twice.status, twice.code]).toEqual([409, 'approval_already_given']);
    expect((await apiError(on.county.request('POST', `/v1/settlement/batches/${batch.id}/payouts`))).status).toBe(409);
    expect((await checker.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/approvals`)).status).toBe('approved');

    // another county's operator: the batch, its payouts and its approval are not there
    expect((await apiError(otherCounty.request('GET', `/v1/settlement/batches/${batch.id}`))).status).toBe(404);
    expect((await apiError(otherCounty.request('POST', `/v1/settlement/batches/${batch.id}/payouts`))).status).toBe(404);

    await on.county.request('POST', `/v1/settlement/batches/${batch.id}/payouts`);
    const settled = await until(
      'the batch to be settled',
      async () => {
        const b = await on.county.request<Batch>('GET', `/v1/settlement/batches/${batch.id}`);
        return b.status === 'settled' || b.status === 'partially_failed' ? b : undefined;
      },
      60_000,
      500,
    );
    expect(settled.status).toBe('settled');
    const payouts = (await on.county.request<{ data: Payout[] }>('GET', `/v1/settlement/batches/${batch.id}/payouts`)).data;
    expect(payouts).toEqual([
      expect.objectContaining({ merchantId: shop.merchantId, amountFen: netFen, status: 'succeeded', accountNoLast4: accountNo.slice(-4) }),
    ]);
    const atBank = (await (await fetch(`${sandbox()}/core/${TENANT}/accounts/${accountNo}`)).json()) as { balanceFen: number };
    expect(atBank.balanceFen).toBe(netFen);

    // the daily report: by channel, exact, and tied to the ledger; the province roll-up carries the county
    const report = await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    expect(report).toMatchObject({ businessDate, batchId: batch.id, batchStatus: 'settled', paidOutFen: netFen, payoutsFailed: 0 });
    expect(report.totals).toMatchObject({ paymentCount: 4, paymentsFen, refundCount: 1, refundsFen: 5_600, feesFen, netFen });
    expect(report.ledger.ties).toBe(true);
    const byChannel = new Map(report.lines.map((l) => [l.channel, l]));
    expect(byChannel.get('wechat')).toMatchObject({ paymentCount: 2, paymentsFen: 12_900 });
    expect(byChannel.get('alipay')).toMatchObject({ paymentCount: 1, paymentsFen: 25_600, refundCount: 1, refundsFen: 5_600 });
    expect(byChannel.get('unionpay')).toMatchObject({ paymentCount: 1, paymentsFen: 38_400 });
    const roll = await province.request<ProvinceReport>('GET', '/v1/settlement/reports/province', { query: { businessDate } });
    expect(roll.counties.find((c) => c.tenantId === TENANT)).toMatchObject({ batchStatus: 'settled', paymentCount: 4, paidOutFen: netFen, ledgerTies: true });
    const otherReport = await apiError(otherCounty.request('GET', `/v1/settlement/batches/${batch.id}/payouts`));
    expect(otherReport.status).toBe(404);

    // reconciliation of the day's statements: every movement matches, no case for this day
    for (const channel of ['wechat', 'alipay', 'unionpay']) {
      const r = await on.county.request<{ channelOnly: number; platformOnly: number; amountMismatch: number; statusMismatch: number; matched: number }>(
        'POST',
        '/v1/settlement/reconciliation/runs',
        { body: { channel, businessDate: statementDay } },
      );
      expect(r).toMatchObject({ channelOnly: 0, platformOnly: 0, amountMismatch: 0, statusMismatch: 0 });
      expect(r.matched).toBeGreaterThanOrEqual(1);
    }
    // a re-run of the cut-off after payouts changes nothing
    expect(await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } })).toMatchObject({ id: batch.id, status: 'settled' });
  });
});
