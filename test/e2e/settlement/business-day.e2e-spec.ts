// Issue 10, a county's business day end to end through the gateway. A T+1 county (two approvals above its
// threshold) and a D+0 county share one cut-off, so the added cases cost no extra wait:
// - the T+1 county takes payments on every channel its merchants use — payer codes of WeChat, Alipay,
//   UnionPay and the county bank, an online acquiring order paid on WeChat's page, a dynamic code paid from a
//   payer's county credit line — and a partial refund on each QR channel and on the online order, for four merchants: one paid normally, one whose payout the core bank refuses (holder-name mismatch), one whose
//   payout answer is lost (a timeout the platform resolves by querying the instruction id), one held by an
//   operator with a reason;
// - the county's cut-off passes → clearing into a batch (the held merchant held, re-running the cut-off
//   changes nothing) → approval by two different operators → payouts through the sandbox's county core banking:
//   partially failed, the refused amount still payable and visible, the lost answer paid once → the operator
//   fixes the account and retries → settled, every payout posted once → the hold released, the held amount
//   still payable → the daily report ties to the ledger, the province roll-up carries the county →
//   reconciliation of each channel finds no case for this day's movements, and a second run finds the same;
// - the D+0 county's batch for the same day pays out with its reserve kept back (payable in the ledger);
// - another county's operator sees or acts on none of it (404): batches, payouts, retries, holds, reports.
// Amounts are exact fen.
import { CountypayApiError, CountypayOperatorClient, type QrOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  alipayCode,
  countyBankCode,
  expectedFeeFen,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  openCreditLine,
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
/** a D+0 county (no other e2e suite uses it) */
const D0_TENANT = 't510521';
const SHANGHAI_MS = 8 * 3600_000;

interface TieOut {
  clearingFen: number;
  broughtForwardFen: number;
  payoutFen: number;
  feeFen: number;
  reserveFen: number;
  heldFen: number;
  balanced: boolean;
  trialBalanceBalanced: boolean;
}
interface Batch {
  id: string;
  businessDate: string;
  settlementDate: string;
  cycle: 'T1' | 'D0';
  status: string;
  approvalsRequired: number;
  approvals: Array<{ operatorId: string }>;
  itemCount: number;
  tieOut: TieOut;
}
interface BatchItem {
  merchantId: string;
  netFen: number;
  reserveFen: number;
  payoutFen: number;
  status: string;
  holdReason: string | null;
}
interface Payout {
  merchantId: string;
  attempt: number;
  instructionId: string;
  amountFen: number;
  status: string;
  failureReason: string | null;
  ledgerEntryId: string | null;
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
  generatedAt: string;
}
interface ProvinceReport {
  counties: Array<{ tenantId: string; batchStatus: string | null; paymentCount: number; paidOutFen: number; ledgerTies: boolean }>;
}
interface ReconRun {
  channelOnly: number;
  platformOnly: number;
  amountMismatch: number;
  statusMismatch: number;
  matched: number;
}
/** one movement of the day, with the fee the county's default plan takes (QR: 0.38%, the county bank's code 0.20%; online: 0.55%) */
interface Movement {
  merchantId: string;
  product: 'qr' | 'acquiring';
  channel: string;
  amountFen: number;
  feeFen: number;
}

const hooks = new WebhookReceiver();
let on: Onboarded;
let d0: Onboarded;
/** the partner's apps: one onboards merchants, one takes the QR payments, one the online orders (each app has its own rate limit) */
let setupApp: OnboardedApp;
let qrApp: OnboardedApp;
let onlineApp: OnboardedApp;
let shop: OnboardedMerchant;
/** its payout account is on the platform under a name the county bank does not have: the payout is refused */
let misnamed: OnboardedMerchant;
/** the county bank makes its payout but the answer is lost */
let slow: OnboardedMerchant;
/** held by an operator before the cut-off */
let held: OnboardedMerchant;
let d0Shop: OnboardedMerchant;
let checker: CountypayOperatorClient;
let otherCounty: CountypayOperatorClient;
let province: CountypayOperatorClient;
const sandbox = (): string => serviceUrl('channel-sandbox');

/** HH:mm in Asia/Shanghai of an instant */
const shanghaiTime = (ms: number): string => new Date(ms + SHANGHAI_MS).toISOString().slice(11, 16);
/** the Asia/Shanghai calendar date of an instant */
const shanghaiDate = (ms: number): string => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10);
const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((s, x) => s + f(x), 0);

async function sandboxPost(path: string, body: object): Promise<Response> {
  return fetch(`${sandbox()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A settlement account at the county bank (the sandbox's core banking) in the merchant's name, and the one the platform pays to. */
async function payoutAccount(county: Onboarded, m: OnboardedMerchant, nameOnPlatform = m.legalName): Promise<string> {
  const accountNo = `6${randomDigits(11)}`;
  expect((await sandboxPost(`/core/${county.tenantId}/accounts`, { accountNo, holderName: m.legalName, balanceFen: 0 })).status).toBe(201);
  // settlement learns the merchant from onboarding's event: a moment after the approval
  await until(
    'settlement to know the merchant',
    async () => {
      try {
        return await county.county.request('POST', `/v1/settlement/merchants/${m.merchantId}/payout-account`, {
          body: { accountNo, accountName: nameOnPlatform },
        });
      } catch (err) {
        if (err instanceof CountypayApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    60_000,
    500,
  );
  return accountNo;
}

async function bankBalance(tenantId: string, accountNo: string): Promise<number> {
  return ((await (await fetch(`${sandbox()}/core/${tenantId}/accounts/${accountNo}`)).json()) as { balanceFen: number }).balanceFen;
}

async function payable(county: CountypayOperatorClient, merchantId: string): Promise<number> {
  return (await county.request<{ payableFen: number }>('GET', `/v1/ledger/merchants/${merchantId}/balance`)).payableFen;
}

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'settlement', 'qr-payment', 'acquiring', 'credit']) {
    for (let i = 0; i < 3; i++)
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  }
  await hooks.start();
  const target = { baseUrl: gatewayUrl(), operatorToken: provinceToken() };
  const scopes = ['qr:pay', 'acquiring:pay', 'credit:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
  on = await onboardPartner(target, { tenantId: TENANT, name: `e2e business day ${uniq()}`, appCount: 3, callbackUrl: hooks.url, scopes });
  d0 = await onboardPartner(target, { tenantId: D0_TENANT, name: `e2e D+0 day ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes });
  for (const a of [...on.apps, ...d0.apps]) hooks.secrets.set(a.appId, a.webhookSecret);
  [setupApp, qrApp, onlineApp] = on.apps as [OnboardedApp, OnboardedApp, OnboardedApp];
  shop = await onboardMerchant(on, setupApp, `米易县结算测试超市${uniq()}`);
  misnamed = await onboardMerchant(on, setupApp, `米易县好运来餐馆${uniq()}`);
  slow = await onboardMerchant(on, setupApp, `米易县春风茶馆${uniq()}`);
  held = await onboardMerchant(on, setupApp, `米易县可疑商行${uniq()}`);
  d0Shop = await onboardMerchant(d0, d0.apps[0]!, `泸县日结测试超市${uniq()}`);
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

// the three cases share one business day (one wait for the cut-off): each goes on from where the one before left off
let businessDate: string;
let statementDay: string;
let batch: Batch;
let d0Movement: Movement;
let d0Account: string;

describe('a business day through the gateway', () => {
  it('T+1: payments on every channel and refunds on every QR channel and online → cut-off (a merchant held) → two approvals → payouts: one refused, one answer lost → fixed and retried → settled → report ties to the ledger → reconciliation finds nothing', async () => {
    // the counties' cut-off a little ahead: today's payments fall in the business date that closes then.
    // T+1 county: any payout above 0.01 yuan needs two operators. D+0 county: 10% kept back, one operator.
    const cutoffAt = Math.ceil((Date.now() + 150_000) / 60_000) * 60_000;
    businessDate = shanghaiDate(cutoffAt);
    await province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, {
      body: { cutoffTime: shanghaiTime(cutoffAt), settlementCycle: 'T1', settlementApprovalThresholdFen: 1, refundFeePolicy: 'kept' },
    });
    await province.request('PATCH', `/v1/admin/tenants/${D0_TENANT}/config`, {
      body: { cutoffTime: shanghaiTime(cutoffAt), settlementCycle: 'D0', settlementReserveBp: 1_000, settlementApprovalThresholdFen: 50_000_000 },
    });

    // settlement accounts at the county bank, and on the platform
    const accountNo = await payoutAccount(on, shop);
    const misnamedAccount = await payoutAccount(on, misnamed, '米易县好运来饭店'); // not the name the bank has
    const slowAccount = await payoutAccount(on, slow);
    const heldAccount = await payoutAccount(on, held);
    d0Account = await payoutAccount(d0, d0Shop);
    // the bank makes the next payout to this account but its answer is lost (504)
    expect((await sandboxPost(`/admin/core/${TENANT}/payout-scenarios`, { behaviour: 'timeout_after_processing', accountNo: slowAccount })).status).toBe(201);
    // an operator holds a merchant with a reason before the cut-off
    const hold = await on.county.request<{ merchantId: string; reason: string; releasedAt: string | null }>(
      'POST',
      `/v1/settlement/merchants/${held.merchantId}/payout-hold`,
      { body: { reason: '涉嫌套现，暂缓结算' } },
    );
    expect(hold).toMatchObject({ merchantId: held.merchantId, reason: '涉嫌套现，暂缓结算', releasedAt: null });

    // the day's payments
    const moves: Movement[] = [];
    const qrPay = async (m: OnboardedMerchant, payerCode: string, channel: string, amountFen: number, rateBp: bigint, minFeeFen: bigint): Promise<QrOrder> => {
      const outTradeNo = `bd-${uniq()}`;
      // qr-payment learns of the merchant from onboarding's events: retried while it is not active there yet
      const o = await waitUntilPayable(qrApp, m.merchantId, () =>
        qrApp.client.qrOrders.payWithPayerCode({ merchantId: m.merchantId, terminalId: m.terminalId, outTradeNo, amountFen, payerCode }),
      );
      expect(o).toMatchObject({ status: 'succeeded', channel });
      moves.push({ merchantId: m.merchantId, product: 'qr', channel, amountFen, feeFen: Number(expectedFeeFen(BigInt(amountFen), rateBp, minFeeFen)) });
      return o;
    };
    const payerAccount = await openCountyAccount(sandbox(), TENANT, 1_000_000);
    const orders = [
      await qrPay(shop, wechatCode(), 'wechat', 100, 38n, 1n),
      await qrPay(shop, wechatCode(), 'wechat', 12_800, 38n, 1n),
      await qrPay(shop, alipayCode(), 'alipay', 25_600, 38n, 1n),
      await qrPay(shop, unionpayCode(), 'unionpay', 38_400, 38n, 1n),
      await qrPay(shop, countyBankCode(payerAccount), 'county_bank', 20_125, 20n, 0n),
      await qrPay(misnamed, wechatCode(), 'wechat', 50_000, 38n, 1n),
      await qrPay(slow, alipayCode(), 'alipay', 20_000, 38n, 1n),
      await qrPay(held, unionpayCode(), 'unionpay', 30_000, 38n, 1n),
    ];
    // a partial refund on every QR channel (the fee is kept: the county's refundFeePolicy)
    const refunds: Array<{ key: string; amountFen: number }> = [];
    const qrRefund = async (o: QrOrder, amountFen: number): Promise<string> => {
      const r = await qrApp.client.qrOrders.refund(o.id, { outRefundNo: `bd-r-${uniq()}`, amountFen });
      expect(r.status).toBe('succeeded');
      refunds.push({ key: `qr/${o.channel}`, amountFen });
      return o.id;
    };
    const refundedIds = new Set([
      await qrRefund(orders[1]!, 2_800),
      await qrRefund(orders[2]!, 5_600),
      await qrRefund(orders[3]!, 8_400),
      await qrRefund(orders[4]!, 125),
    ]);

    // an online order paid on WeChat's H5 page (acquiring learns of the merchant from onboarding's event)
    const online = await until(
      'acquiring to know the merchant',
      async () => {
        try {
          return await onlineApp.client.acquiringOrders.create({
            merchantId: shop.merchantId,
            outTradeNo: `bd-acq-${uniq()}`,
            amountFen: 10_000,
            subject: '米易枇杷 5kg',
          });
        } catch (err) {
          if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found')) return undefined;
          throw err;
        }
      },
      60_000,
      500,
    );
    await onlineApp.client.acquiringOrders.pay(online.id, { method: 'wechat_h5' });
    const paid = await sandboxPost(`/online/payer/wechat/${online.id}`, { tenantId: TENANT, action: 'pay', notify: true });
    expect(paid.status).toBe(200);
    await until(
      'the online order to succeed',
      async () => ((await onlineApp.client.acquiringOrders.get(online.id)).status === 'succeeded' ? true : undefined),
      30_000,
      300,
    );
    moves.push({ merchantId: shop.merchantId, product: 'acquiring', channel: 'wechat', amountFen: 10_000, feeFen: Number(expectedFeeFen(10_000n, 55n, 1n)) });
    const onlineRefund = await onlineApp.client.acquiringOrders.refund(online.id, { outRefundNo: `bd-ar-${uniq()}`, amountFen: 1_000 });
    expect(onlineRefund.status).toBe('succeeded');
    refunds.push({ key: 'acquiring/wechat', amountFen: 1_000 });

    // a county credit payment: the county's product, a payer's line (SMS consent, the county approves), a dynamic code paid from it
    const productId = (
      await on.county.request<{ id: string }>('POST', '/v1/credit/products', {
        body: {
          code: `BD-${uniq()}`,
          name: '惠农贷 结算日',
          method: 'equal_installment',
          annualRateBp: 1_800,
          monthlyFeeBp: 0,
          installmentCounts: [1, 3],
          interestFreeDays: 0,
          statementDay: 1,
          dueDay: 20,
          graceDays: 3,
          penaltyMultiplierBp: 15_000,
          minPaymentPrincipalBp: 1_000,
        },
      })
    ).id;
    const { lineId } = await openCreditLine({
      applicant: onlineApp.client,
      county: on.county,
      sandboxUrl: sandbox(),
      tenantId: TENANT,
      productId,
      limitFen: 100_000,
      repaymentAccountNo: await openCountyAccount(sandbox(), TENANT, 0),
      region: `${TENANT.slice(1)}101`,
      customerRef: `bd-${uniq()}`,
    });
    const creditOrder = await onlineApp.client.request<{ id: string }>('POST', '/v1/qr/orders', {
      body: { merchantId: shop.merchantId, outTradeNo: `bd-cr-${uniq()}`, amountFen: 30_000 },
    });
    const credited = await onlineApp.client.request<{ status: string; channel: string }>('POST', `/v1/qr/orders/${creditOrder.id}/pay`, {
      body: { channel: 'county_credit', creditLineId: lineId, installments: 3 },
    });
    expect(credited).toMatchObject({ status: 'succeeded', channel: 'county_credit' });
    moves.push({ merchantId: shop.merchantId, product: 'qr', channel: 'county_credit', amountFen: 30_000, feeFen: Number(expectedFeeFen(30_000n, 38n, 1n)) });

    // the D+0 county's day: one payment
    const d0Trade = { merchantId: d0Shop.merchantId, terminalId: d0Shop.terminalId, outTradeNo: `bd0-${uniq()}`, amountFen: 50_000, payerCode: wechatCode() };
    const d0Order = await waitUntilPayable(d0.apps[0]!, d0Shop.merchantId, () => d0.apps[0]!.client.qrOrders.payWithPayerCode(d0Trade));
    expect(d0Order.status).toBe('succeeded');
    d0Movement = { merchantId: d0Shop.merchantId, product: 'qr', channel: 'wechat', amountFen: 50_000, feeFen: Number(expectedFeeFen(50_000n, 38n, 1n)) };

    /** the channels' statements are per calendar day (Asia/Shanghai) */
    statementDay = shanghaiDate(Date.now());
    for (const o of orders) await waitForLedger(qrApp.client, o.id, refundedIds.has(o.id) ? 2 : 1);
    await waitForLedger(onlineApp.client, online.id, 2);
    await waitForLedger(onlineApp.client, creditOrder.id);
    await waitForLedger(d0.apps[0]!.client, d0Order.id);
    expect(Date.now()).toBeLessThan(cutoffAt); // every movement is in the business date

    const refundsFen = sum(refunds, (x) => x.amountFen);
    const net = (m: OnboardedMerchant): number =>
      sum(
        moves.filter((x) => x.merchantId === m.merchantId),
        (x) => x.amountFen - x.feeFen,
      ) - (m === shop ? refundsFen : 0); // every refund is the shop's; the fee is kept on a refund
    const paymentsFen = sum(moves, (x) => x.amountFen);
    const feesFen = sum(moves, (x) => x.feeFen);
    const netFen = paymentsFen - refundsFen - feesFen;
    const paidOut = net(shop) + net(misnamed) + net(slow);
    expect(netFen).toBe(paidOut + net(held));

    // before the cut-off the day is still open
    const early = await apiError(on.county.request('POST', '/v1/settlement/cutoffs', { body: { businessDate } }));
    expect([early.status, early.code]).toEqual([409, 'business_day_not_closed']);
    await new Promise((r) => setTimeout(r, Math.max(0, cutoffAt - Date.now() + 1_000)));

    batch = await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(batch).toMatchObject({ businessDate, cycle: 'T1', status: 'pending_approval', approvalsRequired: 2, itemCount: 4 });
    expect(batch.tieOut).toMatchObject({
      clearingFen: netFen + feesFen,
      feeFen: feesFen,
      payoutFen: paidOut,
      heldFen: net(held),
      reserveFen: 0,
      balanced: true,
      trialBalanceBalanced: true,
    });
    const again = await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(again).toMatchObject({ id: batch.id, status: 'pending_approval', itemCount: 4, tieOut: batch.tieOut });
    const items = new Map(
      (await on.county.request<{ data: BatchItem[] }>('GET', `/v1/settlement/batches/${batch.id}/items`)).data.map((i) => [i.merchantId, i]),
    );
    expect(items.get(held.merchantId)).toMatchObject({ status: 'held', netFen: net(held), payoutFen: 0, holdReason: '涉嫌套现，暂缓结算' });
    for (const m of [shop, misnamed, slow]) expect(items.get(m.merchantId)).toMatchObject({ status: 'payable', netFen: net(m), payoutFen: net(m) });

    // maker/checker: one operator's approval is not enough, and the same operator cannot approve twice
    const first = await on.county.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/approvals`);
    expect(first.status).toBe('pending_approval');
    const twice = await apiError(on.county.request('POST', `/v1/settlement/batches/${batch.id}/approvals`));
    expect([twice.status, twice.code]).toEqual([409, 'approval_already_given']);
    expect((await apiError(on.county.request('POST', `/v1/settlement/batches/${batch.id}/payouts`))).status).toBe(409);
    expect((await checker.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/approvals`)).status).toBe('approved');

    // the payouts: the bank refuses the misnamed account; the lost answer is resolved by query; the held merchant is not paid
    const paying = await on.county.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/payouts`);
    expect(paying.status).toBe('partially_failed');
    const firstRound = new Map(
      (await on.county.request<{ data: Payout[] }>('GET', `/v1/settlement/batches/${batch.id}/payouts`)).data.map((p) => [p.merchantId, p]),
    );
    expect(firstRound.size).toBe(3);
    expect(firstRound.has(held.merchantId)).toBe(false);
    expect(firstRound.get(shop.merchantId)).toMatchObject({ attempt: 1, amountFen: net(shop), status: 'succeeded', accountNoLast4: accountNo.slice(-4) });
    expect(firstRound.get(slow.merchantId)).toMatchObject({ attempt: 1, amountFen: net(slow), status: 'succeeded', ledgerEntryId: expect.any(String) });
    expect(firstRound.get(misnamed.merchantId)).toMatchObject({
      attempt: 1,
      amountFen: net(misnamed),
      status: 'failed',
      failureReason: 'name_mismatch',
      ledgerEntryId: null,
    });
    // the lost answer: the bank made that payout once (queried, not sent again)
    const atBank = (await (await fetch(`${sandbox()}/core/${TENANT}/settlement-payouts/${firstRound.get(slow.merchantId)!.instructionId}`)).json()) as {
      status: string;
      amountFen: number;
    };
    expect(atBank).toMatchObject({ status: 'succeeded', amountFen: net(slow) });
    // …and its answer was lost: the bank's one-shot timeout on that account was taken by this payout
    const leftOver = await fetch(`${sandbox()}/admin/core/${TENANT}/payout-scenarios?accountNo=${slowAccount}`, { method: 'DELETE' });
    expect(await leftOver.json()).toEqual({ cleared: 0 });
    expect(await bankBalance(TENANT, accountNo)).toBe(net(shop));
    expect(await bankBalance(TENANT, slowAccount)).toBe(net(slow));
    expect(await bankBalance(TENANT, misnamedAccount)).toBe(0);
    expect(await bankBalance(TENANT, heldAccount)).toBe(0);
    // the refused and the held amounts stay payable, visible to the county in the ledger
    expect(await payable(on.county, misnamed.merchantId)).toBe(net(misnamed));
    expect(await payable(on.county, held.merchantId)).toBe(net(held));
    expect(await payable(on.county, shop.merchantId)).toBe(0);
    expect(await payable(on.county, slow.merchantId)).toBe(0);
    const midway = await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    expect(midway).toMatchObject({ batchStatus: 'partially_failed', paidOutFen: net(shop) + net(slow), payoutsFailed: 1, ledger: { ties: true } });

    // the operator fixes the account's name and retries: a new attempt, paid; the batch is settled
    await on.county.request('POST', `/v1/settlement/merchants/${misnamed.merchantId}/payout-account`, {
      body: { accountNo: misnamedAccount, accountName: misnamed.legalName },
    });
    const retried = await on.county.request<Batch>('POST', `/v1/settlement/batches/${batch.id}/payouts/retry`);
    expect(retried.status).toBe('settled');
    const payouts = (await on.county.request<{ data: Payout[] }>('GET', `/v1/settlement/batches/${batch.id}/payouts`)).data;
    expect(payouts).toHaveLength(4);
    expect(payouts.filter((p) => p.merchantId === misnamed.merchantId).map((p) => [p.attempt, p.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(payouts.filter((p) => p.merchantId === slow.merchantId)).toHaveLength(1);
    expect(await bankBalance(TENANT, misnamedAccount)).toBe(net(misnamed));
    expect(await bankBalance(TENANT, slowAccount)).toBe(net(slow));
    expect(await payable(on.county, misnamed.merchantId)).toBe(0);
    expect((await apiError(on.county.request('POST', `/v1/settlement/batches/${batch.id}/payouts/retry`))).status).toBe(409);

    // the hold is released: the held amount is still payable (the next batch pays it), nothing went to the bank
    const released = await on.county.request<{ releasedAt: string | null }>('POST', `/v1/settlement/merchants/${held.merchantId}/payout-hold/release`);
    expect(released.releasedAt).toEqual(expect.any(String));
    expect(await payable(on.county, held.merchantId)).toBe(net(held));
    expect(await bankBalance(TENANT, heldAccount)).toBe(0);

    // the daily report: by product and channel, exact, and tied to the ledger; the province roll-up carries the county
    const report = await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    expect(report).toMatchObject({ businessDate, batchId: batch.id, batchStatus: 'settled', paidOutFen: paidOut, payoutsFailed: 0 });
    expect(report.totals).toMatchObject({ paymentCount: moves.length, paymentsFen, refundCount: refunds.length, refundsFen, feesFen, netFen });
    expect(report.ledger.ties).toBe(true);
    const lines = new Map(report.lines.map((l) => [`${l.product}/${l.channel}`, l]));
    expect([...lines.keys()].sort()).toEqual(['acquiring/wechat', 'qr/alipay', 'qr/county_bank', 'qr/county_credit', 'qr/unionpay', 'qr/wechat']);
    for (const [key, line] of lines) {
      const of = moves.filter((x) => `${x.product}/${x.channel}` === key);
      const back = refunds.filter((x) => x.key === key);
      expect(line).toMatchObject({
        paymentCount: of.length,
        paymentsFen: sum(of, (x) => x.amountFen),
        feesFen: sum(of, (x) => x.feeFen),
        refundCount: back.length,
        refundsFen: sum(back, (x) => x.amountFen),
      });
    }
    const roll = await province.request<ProvinceReport>('GET', '/v1/settlement/reports/province', { query: { businessDate } });
    expect(roll.counties.find((c) => c.tenantId === TENANT)).toMatchObject({
      batchStatus: 'settled',
      paymentCount: moves.length,
      paidOutFen: paidOut,
      ledgerTies: true,
    });

    // reconciliation of the day's statements: every movement matches, no case for this day
    for (const channel of ['wechat', 'alipay', 'unionpay', 'county_bank']) {
      const r = await on.county.request<ReconRun>('POST', '/v1/settlement/reconciliation/runs', { body: { channel, businessDate: statementDay } });
      expect(r).toMatchObject({ channelOnly: 0, platformOnly: 0, amountMismatch: 0, statusMismatch: 0 });
      expect(r.matched).toBeGreaterThanOrEqual(1);
    }
  });

  it('D+0: the same day is paid out with the reserve kept back, payable in the ledger', async () => {
    const netFen = d0Movement.amountFen - d0Movement.feeFen;
    const reserveFen = Math.floor((netFen * 1_000) / 10_000);
    const d0Batch = await d0.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(d0Batch).toMatchObject({ businessDate, settlementDate: businessDate, cycle: 'D0', status: 'pending_approval', approvalsRequired: 1, itemCount: 1 });
    expect(d0Batch.tieOut).toMatchObject({
      clearingFen: d0Movement.amountFen,
      feeFen: d0Movement.feeFen,
      reserveFen,
      payoutFen: netFen - reserveFen,
      balanced: true,
    });
    expect((await d0.county.request<Batch>('POST', `/v1/settlement/batches/${d0Batch.id}/approvals`)).status).toBe('approved');
    expect((await d0.county.request<Batch>('POST', `/v1/settlement/batches/${d0Batch.id}/payouts`)).status).toBe('settled');
    expect(await bankBalance(D0_TENANT, d0Account)).toBe(netFen - reserveFen);
    expect(await payable(d0.county, d0Shop.merchantId)).toBe(reserveFen);
    const report = await d0.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    expect(report).toMatchObject({ batchId: d0Batch.id, batchStatus: 'settled', paidOutFen: netFen - reserveFen, payoutsFailed: 0, ledger: { ties: true } });
    expect(await d0.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } })).toMatchObject({ id: d0Batch.id, status: 'settled' });
  });

  it("re-running the day's cut-off and reconciliation changes nothing; another county's operator sees and acts on none of it (404)", async () => {
    const before = await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    const rerun = await on.county.request<Batch>('POST', '/v1/settlement/cutoffs', { body: { businessDate } });
    expect(rerun).toMatchObject({ id: batch.id, status: 'settled', itemCount: 4, tieOut: batch.tieOut });
    for (const channel of ['wechat', 'alipay', 'unionpay', 'county_bank']) {
      const r = await on.county.request<ReconRun>('POST', '/v1/settlement/reconciliation/runs', { body: { channel, businessDate: statementDay } });
      expect(r).toMatchObject({ channelOnly: 0, platformOnly: 0, amountMismatch: 0, statusMismatch: 0 });
    }
    const after = await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } });
    expect(after).toEqual({ ...before, generatedAt: expect.any(String) });
    expect(after.openReconciliationCases).toBe(0);
    expect((await on.county.request<{ data: Payout[] }>('GET', `/v1/settlement/batches/${batch.id}/payouts`)).data).toHaveLength(4);

    // another county's operator: the batch, its items, payouts, payout start and retry, its merchants' holds and its report are not there
    const notThere = async (p: Promise<unknown>): Promise<number> => (await apiError(p)).status;
    expect(await notThere(otherCounty.request('GET', `/v1/settlement/batches/${batch.id}`))).toBe(404);
    expect(await notThere(otherCounty.request('GET', `/v1/settlement/batches/${batch.id}/items`))).toBe(404);
    expect(await notThere(otherCounty.request('GET', `/v1/settlement/batches/${batch.id}/payouts`))).toBe(404);
    expect(await notThere(otherCounty.request('POST', `/v1/settlement/batches/${batch.id}/payouts`))).toBe(404);
    expect(await notThere(otherCounty.request('POST', `/v1/settlement/batches/${batch.id}/payouts/retry`))).toBe(404);
    expect(await notThere(otherCounty.request('POST', `/v1/settlement/batches/${batch.id}/approvals`))).toBe(404);
    expect(await notThere(otherCounty.request('POST', `/v1/settlement/merchants/${shop.merchantId}/payout-hold`, { body: { reason: '他县冻结' } }))).toBe(404);
    expect(await notThere(otherCounty.request('POST', `/v1/settlement/merchants/${held.merchantId}/payout-hold/release`))).toBe(404);
    expect(await notThere(otherCounty.request('GET', '/v1/settlement/reports/daily', { query: { businessDate } }))).toBe(404);
    expect(await notThere(otherCounty.request('GET', `/v1/ledger/merchants/${held.merchantId}/balance`))).toBe(404);
    // nor the D+0 county's operator the T+1 county's
    expect(await notThere(d0.county.request('GET', `/v1/settlement/batches/${batch.id}`))).toBe(404);
    // and nothing they tried changed the day
    expect(await on.county.request<DailyReport>('GET', '/v1/settlement/reports/daily', { query: { businessDate } })).toEqual({
      ...before,
      generatedAt: expect.any(String),
    });
    const heldItem = (await on.county.request<{ data: BatchItem[] }>('GET', `/v1/settlement/batches/${batch.id}/items`)).data.find(
      (i) => i.merchantId === held.merchantId,
    );
    expect(heldItem).toMatchObject({ status: 'held' });
    expect(await payable(on.county, held.merchantId)).toBe(heldItem!.netFen);
    expect(await payable(on.county, shop.merchantId)).toBe(0);
  });
});
