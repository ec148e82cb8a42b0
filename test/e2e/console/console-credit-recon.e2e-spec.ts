// Issue 11 (second part), the console's credit loan-book and reconciliation pages in a real browser
// (playwright-core + Debian's chromium, headless) against the platform the e2e tier boots:
// - credit: a county operator opens its credit lines (a line opened with the customer's SMS consent
//   and drawn on), the line's drawdowns, and the five-category classification report;
// - reconciliation: a payment's amount is changed in the channel sandbox's statement (the sandbox's
//   injection API), a county operator runs the channel's reconciliation from the page, opens the case,
//   proposes an adjustment; approving it themselves is refused by the server (shown on the page), a
//   second operator of the county approves it in another browser; another county's operator opening
//   the case by URL gets the 404 page, and the API call behind it is a 404.
// Screenshots of every page are kept in .local/test-artifacts/console/.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CountypayOperatorClient, type QrOrder } from '@countypay/sdk';
import { gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import {
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  randomDigits,
  uniq,
  until,
  waitForLedger,
  waitUntilPayable,
  wechatCode,
} from '../../load/platform-setup';
import { ARTIFACTS, CHROMIUM, consoleOperator, shot, signIn } from './console-helpers';

jest.setTimeout(240_000);

const CREDIT_COUNTY = 't510116';
const RECON_COUNTY = 't510117';
const OTHER_COUNTY = 't510118';

const sandbox = (): string => serviceUrl('channel-sandbox');
/** today in Asia/Shanghai (UTC+8, no daylight saving): the statement day of the payment below */
const today = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe('ops console: credit loan book and reconciliation cases', () => {
  const hooks = new WebhookReceiver();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let province: CountypayOperatorClient;

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(ctx);
    return ctx.newPage();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set COUNTYPAY_CHROMIUM)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const name of ['gateway', 'channel-sandbox', 'credit', 'settlement'])
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    await hooks.start();
    province = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: provinceToken() });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hooks.stop();
  });

  it("a county operator opens its credit lines, a line's drawdowns and the five-category classification report", async () => {
    const on = await onboardPartner(
      { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
      { tenantId: CREDIT_COUNTY, name: `e2e console credit ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: ['credit:pay', 'merchants:read'] },
    );
    const app = on.apps[0]!;
    await until(
      'the gateway to know the app',
      async () =>
        await app.client.request('GET', '/v1/credit/lines').then(
          () => true,
          () => undefined,
        ),
      30_000,
      500,
    );
    const product = await on.county.request<{ id: string }>('POST', '/v1/credit/products', {
      body: {
        code: `CON-${uniq()}`,
        name: '控制台惠农贷',
        method: 'equal_installment',
        annualRateBp: 1_800,
        monthlyFeeBp: 0,
        installmentCounts: [1, 3, 6],
        interestFreeDays: 50,
        statementDay: 1,
        dueDay: 20,
        graceDays: 3,
        penaltyMultiplierBp: 15_000,
        minPaymentPrincipalBp: 1_000,
      },
    });
    const accountNo = await openCountyAccount(sandbox(), CREDIT_COUNTY, 10_000_000);
    const mobile = `139${randomDigits(8)}`;
    const customerRef = `con-${uniq()}`;
    const application = await app.client.request<{ id: string }>('POST', '/v1/credit/applications', {
      body: {
        customerRef,
        customerName: '王二小',
        mobile,
        region: `${CREDIT_COUNTY.slice(1)}101`,
        productId: product.id,
        requestedLimitFen: 3_000_000,
        repaymentAccountNo: accountNo,
      },
    });
    const code = await until(
      'the consent SMS',
      async () => {
        const r = (await (await fetch(`${sandbox()}/credit-sms/${CREDIT_COUNTY}/messages?mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
        return /(\d{6})/.exec(r.data[0]?.text ?? '')?.[1];
      },
      10_000,
      200,
    );
    await app.client.request('POST', `/v1/credit/applications/${application.id}/consent`, { body: { smsCode: code } });
    const { lineId } = await on.county.request<{ lineId: string }>('POST', `/v1/credit/applications/${application.id}/approve`, {
      body: { limitFen: 3_000_000, expiresOn: '2029-12-31', reason: '控制台 e2e 授信' },
    });
    const loan = await app.client.request<{ loanId: string }>('POST', `/v1/credit/lines/${lineId}/payments`, {
      body: { outTradeNo: `con-${uniq()}`, amountFen: 123_456, installments: 3 },
    });
    const report = await on.county.request<{ categories: Array<{ loanClass: string; loans: number }> }>('GET', '/v1/credit/reports/classification');
    expect(report.categories.map((c) => c.loanClass)).toEqual(['normal', 'special_mention', 'substandard', 'doubtful', 'loss']);

    const login = await consoleOperator(province, 'county', CREDIT_COUNTY);
    const page = await newPage();
    await signIn(page, login);
    await page.getByTestId('who').waitFor();
    await page.goto(`${gatewayUrl()}/console/credit`);
    // the lines list, filtered by the customer's reference (the county may hold lines of earlier runs)
    await page.getByTestId('credit-lines').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('line-customer').locator('input').fill(customerRef);
    await page.getByTestId('line-customer').locator('input').press('Enter');
    const row = page.getByTestId('credit-lines').locator('tbody tr.ant-table-row', { hasText: customerRef });
    await row.waitFor();
    expect(await page.getByTestId('credit-lines').locator('tbody tr.ant-table-row').count()).toBe(1);
    expect(await row.textContent()).toContain('¥30000.00'); // the limit, exact fen
    await shot(page, '30-credit-lines');
    await row.click();
    const drawdowns = page.getByTestId('line-drawdowns');
    await drawdowns.locator('tbody tr.ant-table-row', { hasText: loan.loanId.slice(0, 8) }).waitFor();
    expect(await drawdowns.textContent()).toContain('¥1234.56');
    expect(await page.getByTestId('line-detail').textContent()).toContain(lineId);
    await shot(page, '31-credit-line-drawdowns');
    await page.getByRole('tab', { name: '账单' }).click();
    await page.getByTestId('line-statements').waitFor();
    await page.getByRole('tab', { name: '逾期借据' }).click();
    await page.getByTestId('overdue-loans').waitFor();
    await shot(page, '32-credit-overdue');
    await page.getByRole('tab', { name: '五级分类' }).click();
    const table = page.getByTestId('classification-table');
    await table.locator('tbody tr.ant-table-row').nth(4).waitFor();
    expect(await table.locator('tbody tr.ant-table-row').allTextContents()).toEqual([
      expect.stringContaining('正常'),
      expect.stringContaining('关注'),
      expect.stringContaining('次级'),
      expect.stringContaining('可疑'),
      expect.stringContaining('损失'),
    ]);
    await page.getByTestId('classification-chart').locator('canvas').waitFor();
    await shot(page, '33-credit-classification');
    // English for every string of the page
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('tab', { name: 'Five-category classification' }).click();
    await page.getByTestId('classification-table').locator('tbody tr.ant-table-row', { hasText: 'Special mention' }).waitFor();
    await shot(page, '34-credit-classification-en');
    await page.getByText('中文', { exact: true }).click();
  });

  it('an injected statement discrepancy becomes a case: run from the page, adjustment proposed by one operator, refused to them, approved by another; another county gets the 404 page', async () => {
    const on = await onboardPartner(
      { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
      {
        tenantId: RECON_COUNTY,
        name: `e2e console recon ${uniq()}`,
        appCount: 1,
        callbackUrl: hooks.url,
        scopes: ['qr:pay', 'merchants:read', 'merchants:write'],
      },
    );
    const app = on.apps[0]!;
    const shop = await onboardMerchant(on, app, `控制台对账测试超市${uniq()}`);
    const pay = (amountFen: number): Promise<QrOrder> =>
      app.client.qrOrders.payWithPayerCode({
        merchantId: shop.merchantId,
        terminalId: shop.terminalId,
        outTradeNo: `cr-${uniq()}`,
        amountFen,
        payerCode: wechatCode(),
      });
    await waitUntilPayable(app, shop.merchantId, () => pay(100));
    const order = await pay(30_000);
    expect(order.status).toBe('succeeded');
    await waitForLedger(app.client, order.id);
    const injected = await fetch(`${sandbox()}/admin/statement-injections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenantId: RECON_COUNTY,
        channel: 'wechat',
        date: today(),
        kind: 'change_amount',
        type: 'payment',
        orderId: order.id,
        amountFen: '30100',
      }),
    });
    expect(injected.status).toBe(201);

    const maker = await consoleOperator(province, 'county', RECON_COUNTY);
    const checker = await consoleOperator(province, 'county', RECON_COUNTY);
    const outsider = await consoleOperator(province, 'county', OTHER_COUNTY);

    // the maker runs the channel's reconciliation of today from the page
    const page = await newPage();
    await signIn(page, maker);
    await page.getByTestId('who').waitFor();
    await page.goto(`${gatewayUrl()}/console/reconciliation`);
    await page.getByTestId('cases').waitFor();
    const dateInput = page.locator('.ant-picker input').first();
    await dateInput.click();
    await dateInput.fill(today());
    await dateInput.press('Enter');
    const [runCall] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/settlement/reconciliation/runs') && r.request().method() === 'POST'),
      page.getByTestId('run').click(),
    ]);
    expect(runCall.status()).toBe(200);
    const run = (await runCall.json()) as { businessDate: string; amountMismatch: number };
    expect(run.businessDate).toBe(today());
    expect(run.amountMismatch).toBeGreaterThanOrEqual(1);
    await page.getByTestId('runs').locator('tbody tr.ant-table-row', { hasText: today() }).waitFor();
    // the case, found by the amount-mismatch filter
    await page.getByTestId('case-class').click();
    await page.locator('.ant-select-item-option', { hasText: '金额不符' }).click();
    const caseRow = page.getByTestId('cases').locator('tbody tr.ant-table-row', { hasText: order.id });
    await caseRow.waitFor();
    expect(await caseRow.textContent()).toContain('¥300.00');
    expect(await caseRow.textContent()).toContain('¥301.00');
    await shot(page, '35-reconciliation-cases');
    await caseRow.locator('a').first().click();
    await page.getByTestId('case').waitFor();
    const caseId = /\/reconciliation\/cases\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(caseId).toBeDefined();
    expect(await page.getByTestId('adjustment-amount').inputValue()).toBe('1.00'); // the suggested adjustment, exact
    await shot(page, '36-reconciliation-case');

    // an empty reason is refused at the field before any call
    await page.getByTestId('propose-adjustment').click();
    await page.getByText('请填写说明').waitFor();
    await page.getByTestId('adjustment-reason').fill('渠道实收多 1 元，经核实渠道正确');
    const [proposed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/adjustment`)),
      page.getByTestId('propose-adjustment').click(),
    ]);
    expect(proposed.status()).toBe(200);
    expect(((await proposed.json()) as { status: string; adjustmentFen: number }).adjustmentFen).toBe(100);
    // the maker's own approval: the server refuses it, the page says so where they acted
    const [self] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/adjustment/approve`)),
      page.getByTestId('approve-adjustment').click(),
    ]);
    expect(self.status()).toBe(409);
    expect(((await self.json()) as { error: { code: string } }).error.code).toBe('approval_already_given');
    await page.getByTestId('approve-error').waitFor();
    expect(await page.getByTestId('approve-error').textContent()).toContain('approval_already_given');
    await shot(page, '37-reconciliation-self-approval-refused');

    // the checker, in another browser, approves it: posted and resolved, with the history
    const second = await newPage();
    await signIn(second, checker);
    await second.getByTestId('who').waitFor();
    await second.goto(`${gatewayUrl()}/console/reconciliation/cases/${caseId}`);
    await second.getByTestId('approve-adjustment').waitFor();
    const [approved] = await Promise.all([
      second.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/adjustment/approve`)),
      second.getByTestId('approve-adjustment').click(),
    ]);
    expect(approved.status()).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'resolved', resolution: 'adjustment_posted', adjustmentFen: 100 });
    await second.getByText('调账已入账').waitFor();
    expect(await second.getByTestId('approve-adjustment').count()).toBe(0);
    expect(await second.getByTestId('case-history').locator('.ant-timeline-item').count()).toBeGreaterThanOrEqual(3);
    await shot(second, '38-reconciliation-approved');

    // another county's operator: the case by URL is the 404 page, and the API call behind it is a 404
    const foreign = await newPage();
    await signIn(foreign, outsider);
    await foreign.getByTestId('who').waitFor();
    const [apiCall] = await Promise.all([
      foreign.waitForResponse((r) => r.url().endsWith(`/v1/settlement/reconciliation/cases/${caseId}`)),
      foreign.goto(`${gatewayUrl()}/console/reconciliation/cases/${caseId}`),
    ]);
    expect(apiCall.status()).toBe(404);
    expect(((await apiCall.json()) as { error: { code: string } }).error.code).toBe('not_found');
    await foreign.getByTestId('not-found').waitFor();
    expect(await foreign.getByTestId('case').count()).toBe(0);
    await shot(foreign, '39-reconciliation-other-county-404');
  });
});
