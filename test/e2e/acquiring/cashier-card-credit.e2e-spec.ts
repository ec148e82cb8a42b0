// Issues 8 + 9 in a real browser (ADR 0015): a payer pays one order at the hosted cashier by card
// quick pay (binds a card with the four elements and the SMS code, then the payment SMS code) and
// one by county credit (consent code to the reserved mobile, the plans with schedule and APR shown
// before confirming, hold → captured drawdown visible through credit's API). SMS codes are read
// from the sandbox's SMS admin API; screenshots are kept as artifacts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { AcquiringOrder } from '@countypay/sdk';
import { luhnCheckDigit } from '@countypay/security';
import { gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  openCreditLine,
  randomDigits,
  uniq,
  until,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510121';
const SCOPES = ['acquiring:pay', 'credit:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const artifacts = join(process.cwd(), '.local', 'e2e-artifacts', 'cashier-card-credit');
const hooks = new WebhookReceiver();
const sandbox = (): string => serviceUrl('channel-sandbox');
let on: Onboarded;
let app: OnboardedApp;
let shop: OnboardedMerchant;
let browser: Browser;

/** The newest 6-digit code the county bank's SMS gateway sent to `mobile` other than `not`. */
function smsCode(mobile: string, not?: string): Promise<string> {
  return until(
    `an SMS code for ${mobile}`,
    async () => {
      const r = (await (await fetch(`${sandbox()}/admin/sms?tenantId=${TENANT}&mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
      const code = /验证码 (\d{6})/.exec(r.data[0]?.text ?? '')?.[1];
      return code && code !== not ? code : undefined;
    },
    10_000,
    200,
  );
}

function newOrder(amountFen: number, subject: string): Promise<AcquiringOrder> {
  return app.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: `cc-${uniq()}`, amountFen, subject });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  for (const name of ['gateway', 'channel-sandbox', 'acquiring', 'credit'])
    await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e cashier card+credit ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
  app = on.apps[0]!;
  shop = await onboardMerchant(on, app, `金堂县e2e农资${uniq()}`);
  await until(
    'acquiring to know the merchant',
    async () =>
      newOrder(100, 'probe').then(
        (o) => o,
        () => undefined,
      ),
    60_000,
    500,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await hooks.stop();
});

describe('the hosted cashier in a real browser', () => {
  it('card quick pay: binds a card (four elements + SMS code), sees it as BIN + last 4, pays with the payment SMS code', async () => {
    const holder = { holderName: '王五', idNumber: '11010519491231002X', mobile: `135${randomDigits(8)}` };
    const body = `622848${randomDigits(12)}`;
    const card = `${body}${luhnCheckDigit(body)}`;
    const post = (path: string, b: object) =>
      fetch(`${sandbox()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await post(`/core/${TENANT}/accounts`, { accountNo: card, holderName: holder.holderName, balanceFen: 1_000_000 })).status).toBe(201);
    expect((await post(`/core/${TENANT}/cards`, { cardNo: card, idNumber: holder.idNumber, mobile: holder.mobile })).status).toBe(201);

    const order = await newOrder(6_660, '金堂脐橙 5kg');
    const page = await browser.newPage({ userAgent: IPHONE, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      await page.goto(`${gatewayUrl()}${order.cashierPath}`);
      const methods = await page.locator('input[name=method]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
      expect(methods).toEqual(expect.arrayContaining(['card_quickpay', 'county_credit']));
      await page.check('input[value=card_quickpay]');
      await page.click('#pay');
      await page.waitForSelector('#bindForm:not([hidden])');
      await page.fill('#cardNo', card);
      await page.fill('#holderName', holder.holderName);
      await page.fill('#idNumber', holder.idNumber);
      await page.fill('#bindMobile', holder.mobile);
      await page.screenshot({ path: join(artifacts, '01-card-bind-form.png'), fullPage: true });
      await page.click('#bindCard');
      await page.waitForSelector('#bindCodeStep:not([hidden])');
      // the number is cleared from the form once sent
      expect(await page.inputValue('#cardNo')).toBe('');
      const bindCode = await smsCode(holder.mobile);
      await page.fill('#bindCode', bindCode);
      await page.click('#confirmBind');
      await page.waitForSelector('#payStep:not([hidden])');
      expect(await page.textContent('#cardList')).toContain(`${card.slice(0, 6)} **** ${card.slice(-4)}`);
      await page.screenshot({ path: join(artifacts, '02-card-bound.png'), fullPage: true });
      await page.click('#sendPayCode');
      const payCode = await smsCode(holder.mobile, bindCode);
      await page.fill('#payCode', payCode);
      await page.click('#confirmPay');
      await page.waitForSelector('#status[data-status=succeeded]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toBe('支付成功');
      await page.screenshot({ path: join(artifacts, '03-card-paid.png'), fullPage: true });
      expect(await page.content()).not.toContain(card);

      // the same browser, a second order: the bound card is offered (BIN + last 4), no form
      const second = await newOrder(1_230, '金堂脐橙 2kg');
      await page.goto(`${gatewayUrl()}${second.cashierPath}`);
      await page.check('input[value=card_quickpay]');
      await page.click('#pay');
      await page.waitForSelector('#knownCards:not([hidden])');
      expect(await page.isHidden('#bindForm')).toBe(true);
      expect(await page.textContent('#cardList')).toContain(`${card.slice(0, 6)} **** ${card.slice(-4)}`);
      await page.screenshot({ path: join(artifacts, '04-card-known.png'), fullPage: true });
      expect(await page.content()).not.toContain(card);
    } finally {
      await page.close();
    }
    const paid = await app.client.acquiringOrders.get(order.id);
    expect(paid).toMatchObject({ status: 'succeeded', method: 'card_quickpay', channel: 'county_bank' });
  });

  it('county credit: consent code, every plan with schedule and APR before confirming, hold → captured drawdown visible in credit', async () => {
    const mobile = `139${randomDigits(8)}`;
    const customerRef = `farmer-${uniq()}`;
    const productId = (
      await on.county.request<{ id: string }>('POST', '/v1/credit/products', {
        body: {
          code: `CASHIER-${uniq()}`,
          name: '惠农贷 收银台',
          method: 'equal_installment',
          annualRateBp: 1_800,
          monthlyFeeBp: 0,
          installmentCounts: [1, 3, 6],
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
      applicant: app.client,
      county: on.county,
      sandboxUrl: sandbox(),
      tenantId: TENANT,
      productId,
      limitFen: 2_000_000,
      repaymentAccountNo: await openCountyAccount(sandbox(), TENANT, 10_000_000),
      region: '510121101',
      mobile,
      customerRef,
    });

    const order = await newOrder(120_000, '复合肥 40kg ×3');
    const page = await browser.newPage({ userAgent: IPHONE, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      await page.goto(`${gatewayUrl()}${order.cashierPath}`);
      await page.check('input[value=county_credit]');
      await page.click('#pay');
      await page.waitForSelector('#creditPane:not([hidden])');
      await page.fill('#customerRef', customerRef);
      await page.fill('#creditMobile', mobile);
      await page.click('#creditSms');
      const code = await smsCode(mobile);
      await page.fill('#creditCode', code);
      await page.click('#creditVerify');
      await page.waitForSelector('.plan[data-installments="3"]');
      // nothing is held before the payer confirms
      expect((await app.client.request<{ heldFen: number }>('GET', `/v1/credit/lines/${lineId}`)).heldFen).toBe(0);
      const plans = await page.locator('.plan').evaluateAll((els) =>
        els.map((e) => ({
          n: Number((e as unknown as { dataset: { installments: string } }).dataset.installments),
          apr: (e as unknown as { querySelector(s: string): { textContent: string } | null }).querySelector('.apr')?.textContent ?? '',
          rows: (e as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('tr').length - 1,
        })),
      );
      expect(plans.map((p) => p.n)).toEqual([1, 3, 6]);
      for (const p of plans) {
        expect(p.apr).toMatch(/^\d+\.\d\d%$/);
        expect(p.rows).toBe(p.n);
      }
      expect(await page.textContent('#offers')).toContain('年化利率');
      await page.screenshot({ path: join(artifacts, '05-credit-plans-apr.png'), fullPage: true });
      await page.check('.plan[data-installments="3"] input');
      await page.click('#creditConfirm');
      await page.waitForSelector('#status[data-status=succeeded]', { timeout: 20_000 });
      expect(await page.textContent('#status')).toBe('支付成功');
      await page.screenshot({ path: join(artifacts, '06-credit-paid.png'), fullPage: true });
      expect(await page.content()).not.toContain(mobile);
    } finally {
      await page.close();
    }
    const paid = await app.client.acquiringOrders.get(order.id);
    expect(paid).toMatchObject({ status: 'succeeded', method: 'county_credit', channel: 'county_credit' });
    const drawdown = await app.client.request<{ principalFen: number; installments: number; state: string; lineId: string }>(
      'GET',
      `/v1/credit/drawdowns/${paid.channelTradeNo}`,
    );
    expect(drawdown).toMatchObject({ principalFen: 120_000, installments: 3, state: 'active', lineId });
    expect(await app.client.request('GET', `/v1/credit/lines/${lineId}`)).toMatchObject({ heldFen: 0, drawnFen: 120_000 });
  });
});
