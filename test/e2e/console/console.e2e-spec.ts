// Issue 11: the ops console in a real browser (playwright-core driving Debian's chromium, headless)
// against the platform the e2e tier boots. A province operator signs in, finds a payment by its
// out-trade-no, opens its timeline and its trace, replays a dead letter and approves a merchant; a
// county operator cannot reach another county's merchant by URL (the 404 page, and the API call
// behind it is a 404); five wrong passwords lock an account. A screenshot of every page is kept in
// .local/test-artifacts/console/.
import { existsSync, mkdirSync } from 'node:fs';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CountypayOperatorClient, type CreatedQrOrder, type QrOrder } from '@countypay/sdk';
import { deadLetter, decodeHeaders, HEADER, REPLAY_HEADER } from '@countypay/messaging';
import { gatewayUrl, provinceToken } from '../support/platform';
import { WebhookReceiver, onboardMerchant, onboardPartner, randomUscc, uniq, until, waitForLedger, waitUntilPayable } from '../../load/platform-setup';
import { ARTIFACTS, CHROMIUM, consoleOperator, shot, signIn } from './console-helpers';

jest.setTimeout(240_000);

const COUNTY = 't510121';
const OTHER_COUNTY = 't511381';
const SUCCEEDED_TOPIC = 'countypay.payment.succeeded.v1';

function kafka(): Kafka {
  const brokers = process.env.COUNTYPAY_E2E_KAFKA_BROKERS;
  if (!brokers) throw new Error('the e2e global setup did not say where Kafka is');
  return new Kafka({ clientId: 'console-e2e', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** The first message of a topic (from its beginning) that `match` accepts. */
async function findMessage(topic: string, match: (m: KafkaMessage) => boolean, timeoutMs = 30_000): Promise<{ partition: number; message: KafkaMessage }> {
  const consumer = kafka().consumer({ groupId: `console-e2e.${uniq()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!match(message)) return;
            clearTimeout(timer);
            resolve({ partition, message });
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

const header = (m: KafkaMessage, name: string): string | undefined => decodeHeaders(m.headers as Record<string, unknown>)[name];

describe('ops console in a browser', () => {
  const hooks = new WebhookReceiver();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let province: CountypayOperatorClient;
  let paid: QrOrder;
  let outTradeNo: string;
  let pendingMerchantId: string;
  let otherCountyMerchantId: string;
  let ownMerchantId: string;

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    contexts.push(ctx);
    return ctx.newPage();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set COUNTYPAY_CHROMIUM)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    await hooks.start();
    const baseUrl = gatewayUrl();
    province = new CountypayOperatorClient({ baseUrl, token: provinceToken() });

    // a county with an approved merchant, one paid order (ledger posted, webhook delivered), and a merchant awaiting review
    const on = await onboardPartner(
      { baseUrl, operatorToken: provinceToken() },
      { tenantId: COUNTY, name: `Console ${uniq()}`, appCount: 1, callbackUrl: hooks.url },
    );
    const app = on.apps[0]!;
    hooks.secrets.set(app.appId, app.webhookSecret);
    const merchant = await onboardMerchant(on, app, `金堂县控制台商户${uniq().slice(-4)}`);
    ownMerchantId = merchant.merchantId;
    outTradeNo = `console-${uniq()}`;
    const created = await waitUntilPayable(app, merchant.merchantId, () =>
      app.client.request<CreatedQrOrder>('POST', '/v1/qr/orders', {
        body: { merchantId: merchant.merchantId, storeId: merchant.storeId, outTradeNo, amountFen: 8_800, description: 'console e2e', expiresInSeconds: 300 },
      }),
    );
    await app.client.request<QrOrder>('POST', `/v1/qr/orders/${created.id}/pay`, { body: { channel: 'wechat', payerId: `console_openid_${uniq()}` } });
    paid = await until('the order to be final', async () => {
      const o = await app.client.qrOrders.get(created.id);
      return o.status === 'created' || o.status === 'paying' ? undefined : o;
    });
    expect(paid.status).toBe('succeeded');
    await waitForLedger(app.client, paid.id, 1);
    await hooks.waitFor('payment.succeeded', paid.id);
    const pending = await app.client.merchants.create({
      legalName: `金堂县待审商户${uniq().slice(-4)}`,
      uscc: randomUscc(COUNTY.slice(1)),
      legalRepName: '李四',
      legalRepIdNumber: '11010519491231002X',
      phone: '13800138000',
      mcc: '5812',
      address: '城关镇2号',
      city: '成都',
      settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000456', accountName: '待审商户', bankName: '农商银行' },
    });
    pendingMerchantId = pending.merchantId;

    // another county's merchant
    const other = await onboardPartner(
      { baseUrl, operatorToken: provinceToken() },
      { tenantId: OTHER_COUNTY, name: `Other ${uniq()}`, appCount: 1, callbackUrl: hooks.url },
    );
    const otherMerchant = await other.apps[0]!.client.merchants.create({
      legalName: `阆中市商户${uniq().slice(-4)}`,
      uscc: randomUscc(OTHER_COUNTY.slice(1)),
      legalRepName: '王五',
      legalRepIdNumber: '11010519491231002X',
      phone: '13800138000',
      mcc: '5411',
      address: '七里街道3号',
      city: '成都',
      settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000789', accountName: '阆中市商户', bankName: '农商银行' },
    });
    otherCountyMerchantId = otherMerchant.merchantId;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hooks.stop();
  });

  it('a province operator signs in, finds a payment by out-trade-no, opens its timeline and trace, replays a dead letter, approves a merchant', async () => {
    const login = await consoleOperator(province, 'province');
    const page = await newPage();
    await page.goto(`${gatewayUrl()}/console/`);
    await page.getByTestId('sign-in').waitFor();
    await shot(page, '01-sign-in');
    const statsCall = page.waitForResponse((r) => r.url().endsWith('/v1/qr/stats/daily'));
    const healthCall = page.waitForResponse((r) => r.url().endsWith('/v1/ops/health'));
    await signIn(page, login);
    await page.getByTestId('who').waitFor();
    expect(page.url()).toMatch(/\/console\/overview$/);

    // the overview is computed on the server: every county with payments today, and the platform's health
    const stats = (await (await statsCall).json()) as { counties: Array<{ tenantId: string; orders: number; succeeded: number; amountFen: number }> };
    const county = stats.counties.find((c) => c.tenantId === COUNTY);
    expect(county?.succeeded).toBeGreaterThanOrEqual(1);
    expect(county?.amountFen).toBeGreaterThanOrEqual(8_800);
    const health = (await (await healthCall).json()) as { consumers: Array<{ group: string; lag: number }>; deadLetters: unknown[] | null };
    expect(health.consumers.map((c) => c.group.split('.').pop())).toEqual(expect.arrayContaining(['gateway', 'settlement']));
    expect(Array.isArray(health.deadLetters)).toBe(true);
    const countyRow = page.getByTestId('county-table').locator('tr', { hasText: COUNTY });
    await countyRow.waitFor();
    expect(Number(await countyRow.locator('td').nth(1).textContent())).toBe(county!.orders);
    await page.getByTestId('chart-bar').locator('canvas').waitFor();
    await shot(page, '02-overview');

    // the session cookie is HttpOnly: the page's script cannot read it
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'cp_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // transactions: by out-trade-no
    await page.goto(`${gatewayUrl()}/console/transactions`);
    const search = page.locator('input[data-testid=search], [data-testid=search] input').first();
    await search.fill(outTradeNo);
    await search.press('Enter');
    const row = page.locator('tr', { hasText: outTradeNo });
    await row.waitFor();
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(1);
    expect(await row.textContent()).toContain(paid.id);
    await shot(page, '03-transactions');

    // the trace reaches Zipkin in batches: wait until the console's API finds it
    const trace = await until(
      'the payment trace in Zipkin',
      async () => {
        const res = await page.request.get(`${gatewayUrl()}/console/api/payments/trace?orderId=${paid.id}&tenantId=${COUNTY}`);
        expect(res.status()).toBe(200);
        const body = (await res.json()) as { traceId: string | null; url: string | null };
        return body.url ? body : undefined;
      },
      60_000,
      1000,
    );
    await row.click();
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    await timeline
      .getByText(/Dr .*Cr /)
      .first()
      .waitFor(); // the ledger entry of the payment
    expect(await timeline.textContent()).toContain(outTradeNo);
    const link = page.getByTestId('trace-link');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(trace.url);
    await shot(page, '04-timeline');
    const [tracePage] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tracePage.waitForLoadState('load');
    expect(tracePage.url()).toBe(trace.url);
    await tracePage.getByText(trace.traceId!, { exact: false }).first().waitFor({ timeout: 30_000 });
    await shot(tracePage, '05-trace');
    await tracePage.close();

    // dead letters: the payment's succeeded event, dead-lettered, replayed from the console
    const original = await findMessage(SUCCEEDED_TOPIC, (m) => m.value?.toString('utf8').includes(paid.id) === true);
    const eventId = header(original.message, HEADER.eventId)!;
    expect(eventId).toBeTruthy();
    const producer = kafka().producer();
    await producer.connect();
    try {
      await deadLetter(producer, {
        topic: SUCCEEDED_TOPIC,
        partition: original.partition,
        message: original.message,
        headers: decodeHeaders(original.message.headers as Record<string, unknown>),
        group: 'console-e2e',
        code: 'e2e_injected',
        error: 'injected by the console e2e test',
        attempts: 5,
      });
    } finally {
      await producer.disconnect();
    }
    await page.goto(`${gatewayUrl()}/console/dead-letters`);
    await page.getByTestId('dlq-topic').click();
    await page.locator('.ant-select-item-option', { hasText: SUCCEEDED_TOPIC }).first().click();
    const replayButton = page.getByTestId(`replay-${eventId}`);
    await replayButton.waitFor();
    await shot(page, '06-dead-letters');
    const [replayed] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/ops/dead-letters/replay')), replayButton.click()]);
    expect(replayed.status()).toBe(200);
    expect(await replayed.json()).toMatchObject({ topic: SUCCEEDED_TOPIC, replayed: 1 });
    await page.locator('.ant-message').getByText(/: 1$/).waitFor();
    // the event is back on its topic with a replay count, and the ledger (idempotent on the event id) still has one entry
    const back = await findMessage(SUCCEEDED_TOPIC, (m) => header(m, HEADER.eventId) === eventId && header(m, REPLAY_HEADER) === '1');
    expect(back.message.value?.toString('utf8')).toBe(original.message.value?.toString('utf8'));

    // merchant review: approve the pending one
    await page.goto(`${gatewayUrl()}/console/merchants`);
    const approve = page.getByTestId(`approve-${pendingMerchantId}`);
    await approve.waitFor();
    await shot(page, '07-merchants');
    const [approved] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/v1/admin/merchants/${pendingMerchantId}/approve`)), approve.click()]);
    expect(approved.status()).toBe(200);
    await approve.waitFor({ state: 'detached' });
    const m = await province.request<{ status: string }>('GET', `/v1/merchants/${pendingMerchantId}`, { headers: { 'X-CP-Tenant-Id': COUNTY } });
    expect(m.status).toBe('active');
    await shot(page, '08-merchant-approved');
  });

  it("a county operator cannot reach another county's merchant by URL: the 404 page, and the API behind it is a 404", async () => {
    const login = await consoleOperator(province, 'county', COUNTY);
    const page = await newPage();
    const statsCall = page.waitForResponse((r) => r.url().endsWith('/v1/qr/stats/daily'));
    const healthCall = page.waitForResponse((r) => r.url().endsWith('/v1/ops/health'));
    await signIn(page, login);
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain(COUNTY);
    // its overview is its own county only, decided by the server
    const stats = (await (await statsCall).json()) as { counties: Array<{ tenantId: string }> };
    expect(stats.counties.map((c) => c.tenantId)).toEqual([COUNTY]);
    const health = (await (await healthCall).json()) as { webhookBacklog: Array<{ tenantId: string }>; deadLetters: unknown };
    expect(health.deadLetters).toBeNull();
    for (const b of health.webhookBacklog) expect(b.tenantId).toBe(COUNTY);
    await page.getByTestId('county-table').locator('tr', { hasText: COUNTY }).waitFor();
    expect(await page.getByTestId('county-table').locator('tbody tr.ant-table-row').count()).toBe(1);
    await shot(page, '09-county-overview');

    // its own county's merchant opens
    await page.goto(`${gatewayUrl()}/console/merchants/${ownMerchantId}`);
    await page.getByTestId('merchant').waitFor();
    await shot(page, '10-county-own-merchant');

    const [apiCall] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/merchants/${otherCountyMerchantId}`)),
      page.goto(`${gatewayUrl()}/console/merchants/${otherCountyMerchantId}`),
    ]);
    expect(apiCall.status()).toBe(404);
    expect(((await apiCall.json()) as { error: { code: string } }).error.code).toBe('not_found');
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('merchant').count()).toBe(0);
    await shot(page, '11-county-other-merchant-404');
    // naming the other county does not help: the county operator acts in its own
    const direct = await page.request.get(`${gatewayUrl()}/v1/merchants/${otherCountyMerchantId}`, { headers: { 'x-cp-tenant-id': OTHER_COUNTY } });
    expect(direct.status()).toBe(404);
  });

  it('five wrong passwords lock the account; the right one is then refused too', async () => {
    const login = await consoleOperator(province, 'county', COUNTY);
    const page = await newPage();
    await page.goto(`${gatewayUrl()}/console/`);
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/console/api/session') && r.request().method() === 'POST') statuses.push(r.status());
    });
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('username').fill(login.username);
      await page.getByTestId('password').fill(`wrong-password-${i}`);
      await page.getByTestId('sign-in').click();
      await until(`sign-in attempt ${i} answered`, async () => (statuses.length === i ? true : undefined), 15_000, 100);
      await page.getByTestId('sign-in-error').waitFor();
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect(await page.getByTestId('sign-in-error').textContent()).toContain('账户已锁定');
    await shot(page, '12-locked');
    await page.getByTestId('password').fill(login.password);
    await page.getByTestId('sign-in').click();
    await until('the right password answered', async () => (statuses.length === 6 ? true : undefined), 15_000, 100);
    expect(statuses[5]).toBe(423);
    expect(await page.getByTestId('who').count()).toBe(0);
  });
});
