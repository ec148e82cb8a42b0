// Issue 8, the console's profit-sharing pages (分账管理) in a real browser (playwright-core +
// Debian's chromium, headless) against the platform the e2e tier boots: a partner's shared orders
// are paid and split through the gateway with the SDK; a county operator then reads the receivers,
// a merchant's escrow (held, split, released, reversed) and an order's splits with their states —
// and another county's operator gets the 404 page (and a 404 from the API) for that order.
// Screenshots are kept in .local/test-artifacts/console/.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CountypayApiError, CountypayOperatorClient, type AcquiringOrder } from '@countypay/sdk';
import { gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import { type OnboardedApp, type OnboardedMerchant, onboardMerchant, onboardPartner, uniq, until } from '../../load/platform-setup';
import { ARTIFACTS, CHROMIUM, consoleOperator, shot, signIn } from './console-helpers';

jest.setTimeout(240_000);

const COUNTY = 't510185';
const OTHER_COUNTY = 't510321';
const SCOPES = ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'];

describe('ops console: profit sharing', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let province: CountypayOperatorClient;
  let app: OnboardedApp;
  let mall: OnboardedMerchant;
  let farm: OnboardedMerchant;

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function paidSharedOrder(amountFen: number): Promise<AcquiringOrder> {
    const order = await app.client.acquiringOrders.create({
      merchantId: mall.merchantId,
      outTradeNo: `csh-${uniq()}`,
      amountFen,
      subject: '金堂脐橙 团购',
      profitSharing: true,
    });
    await app.client.acquiringOrders.pay(order.id, { method: 'wechat_native' });
    const r = await fetch(`${serviceUrl('channel-sandbox')}/online/payer/wechat/${order.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: COUNTY, action: 'pay', notify: true }),
    });
    expect(r.status).toBe(200);
    return until(
      `order ${order.id} to succeed`,
      async () => ((await app.client.acquiringOrders.get(order.id)).status === 'succeeded' ? order : undefined),
      30_000,
      300,
    );
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set COUNTYPAY_CHROMIUM)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const name of ['gateway', 'channel-sandbox', 'acquiring'])
      await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    province = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: provinceToken() });
    const on = await onboardPartner(
      { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
      { tenantId: COUNTY, name: `e2e console sharing ${uniq()}`, appCount: 1, callbackUrl: 'http://127.0.0.1:9/hooks', scopes: SCOPES },
    );
    app = on.apps[0]!;
    mall = await onboardMerchant(on, app, `e2e分账商城${uniq()}`);
    farm = await onboardMerchant(on, app, `e2e脐橙合作社${uniq()}`);
    await until(
      `acquiring to know merchant ${farm.merchantId}`,
      async () => {
        try {
          return await app.client.profitSharing.addReceiver({ merchantId: farm.merchantId, relation: 'supplier', description: '合作社供货' });
        } catch (err) {
          if (err instanceof CountypayApiError && (err.code === 'not_found' || err.code === 'merchant_not_active')) return undefined;
          throw err;
        }
      },
      60_000,
      500,
    );
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });

  it("a county operator reads the receivers, a merchant's escrow and an order's splits; another county's operator gets the 404 page", async () => {
    const splitOrder = await paidSharedOrder(10_000);
    const outSplitNo = `csp-${uniq()}`;
    const split = await app.client.profitSharing.split(splitOrder.id, { outSplitNo, receivers: [{ merchantId: farm.merchantId, amountFen: 1_000 }] });
    expect(split.status).toBe('succeeded');
    const finished = await paidSharedOrder(20_000);
    await app.client.profitSharing.finish(finished.id); // 200.00 less the 1.10 fee released to the mall

    const login = await consoleOperator(province, 'county', COUNTY);
    const page = await newPage();
    await signIn(page, login);
    await page.getByTestId('who').waitFor();
    await page.goto(`${gatewayUrl()}/console/profit-sharing`);
    await page.getByText('分账管理').first().waitFor();

    // the merchant's escrow: what was split and released never changes (held may be released by the e2e profile's 45 s hold)
    const summaryCall = page.waitForResponse((r) => r.url().includes(`/v1/acquiring/profit-sharing/merchants/${mall.merchantId}/escrow`));
    await page.getByTestId('escrow-merchant').locator('input').fill(mall.merchantId);
    await page.getByTestId('escrow-merchant').locator('button').click();
    expect((await summaryCall).status()).toBe(200);
    await page.getByTestId('escrow-summary').waitFor();
    expect(await page.getByTestId('summary-split').textContent()).toBe('¥10.00');
    expect(await page.getByTestId('summary-released').textContent()).toMatch(/^¥(198\.90|288\.35)$/); // finished, or also the split order's 89.45 after its hold
    expect(await page.getByTestId('summary-reversed').textContent()).toBe('¥0.00');
    const rows = page.getByTestId('escrows').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const splitRow = page.getByTestId('escrows').locator('tr', { hasText: splitOrder.outTradeNo });
    await splitRow.locator('.ant-table-row-expand-icon').click();
    const status = page.getByTestId(`split-status-${outSplitNo}`);
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('成功');
    await shot(page, 'profit-sharing-escrow');

    // receivers of the county's partners, with the merchant's name and relation
    await page.getByRole('tab', { name: '分账接收方' }).click();
    const receiver = page.getByTestId('receivers').locator('tr', { hasText: farm.merchantId });
    await receiver.waitFor();
    expect(await receiver.textContent()).toContain('供应商');
    expect(await receiver.textContent()).toContain('合作社供货');
    await shot(page, 'profit-sharing-receivers');

    // English is available
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('tab', { name: 'Escrow positions' }).waitFor();

    // an order's splits by URL
    await page.goto(`${gatewayUrl()}/console/profit-sharing/orders/${splitOrder.id}`);
    await page.getByTestId(`split-status-${outSplitNo}`).waitFor();
    await shot(page, 'profit-sharing-order');

    // another county's operator: the same URL is the 404 page, and the API behind it a 404
    const other = await consoleOperator(province, 'county', OTHER_COUNTY);
    const otherPage = await newPage();
    await signIn(otherPage, other);
    await otherPage.getByTestId('who').waitFor();
    const refused = otherPage.waitForResponse((r) => r.url().endsWith(`/v1/acquiring/orders/${splitOrder.id}/splits`));
    await otherPage.goto(`${gatewayUrl()}/console/profit-sharing/orders/${splitOrder.id}`);
    expect((await refused).status()).toBe(404);
    await otherPage.getByTestId('not-found').waitFor();
    const summary404 = otherPage.waitForResponse((r) => r.url().includes(`/merchants/${mall.merchantId}/escrow`));
    await otherPage.goto(`${gatewayUrl()}/console/profit-sharing`);
    await otherPage.getByTestId('escrow-merchant').locator('input').fill(mall.merchantId);
    await otherPage.getByTestId('escrow-merchant').locator('button').click();
    expect((await summary404).status()).toBe(404);
    expect(await otherPage.getByTestId('escrow-summary').count()).toBe(0);
    await shot(otherPage, 'profit-sharing-other-county-404');
  });
});
