// Issue 8, card quick pay: a county's own daily limits by verification strength (tenant config
// `quickPayLimits`, lower than the platform's only) reach acquiring through onboarding's event and
// are refused with `quickpay_limit_exceeded` before any call to the county bank — the card's
// deposit account is not touched. A county of its own, so the other suites keep the platform's limits.
import { CountypayApiError, type AcquiringOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, provinceToken, serviceUrl } from '../support/platform';
import { balanceOf as balance, latestCode as sms, openCard as openCountyCard, untilAcquiringKnows } from './acquiring-support';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  randomDigits,
  uniq,
  until,
} from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510182';
const SCOPES = ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
const holder = { holderName: '王五', idNumber: '11010519491231002X', mobile: `135${randomDigits(8)}` };
const hooks = new WebhookReceiver();
let on: Onboarded;
let app: OnboardedApp;
let shop: OnboardedMerchant;

function setLimits(quickPayLimits: Record<string, number>) {
  return on.province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, { body: { quickPayLimits } });
}

const openCard = (balanceFen: number): Promise<string> => openCountyCard(TENANT, holder, balanceFen);
const latestCode = (): Promise<string> => sms(TENANT, holder.mobile);
const balanceOf = (card: string): Promise<number> => balance(TENANT, card);

function newOrder(amountFen: number): Promise<AcquiringOrder> {
  return app.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: `ql-${uniq()}`, amountFen, subject: '金堂脐橙 礼盒' });
}

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'acquiring', 'onboarding'])
    await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e quick-pay limits ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
  app = on.apps[0]!;
  hooks.secrets.set(app.appId, app.webhookSecret);
  shop = await onboardMerchant(on, app, `金堂县e2e限额商户${uniq()}`);
  await untilAcquiringKnows('acquiring to know the merchant', () => newOrder(100));
});

afterAll(async () => {
  await setLimits({}); // the platform's limits again
  await hooks.stop();
});

describe("a county's quick-pay limits", () => {
  it('a county lowering two-factor quick pay to ¥200 a day: ¥200.01 is refused before the bank is called, ¥200.00 is paid', async () => {
    const card = await openCard(1_000_000);
    const b = await app.client.acquiringCards.bind({ ...holder, cardNo: card });
    const agreementId = (await app.client.acquiringCards.confirm(b.agreementId, await latestCode())).agreementId;
    await setLimits({ twoFactorFen: 20_000 });
    // onboarding announces the change; acquiring's read model applies it (a new order each try: a code is bound to its order)
    const refused = await until(
      "acquiring to apply the county's limit",
      async () => {
        const order = await newOrder(20_001);
        try {
          await app.client.acquiringOrders.sendQuickPayCode(order.id, agreementId);
          return undefined;
        } catch (err) {
          if (err instanceof CountypayApiError && err.code === 'quickpay_limit_exceeded') return { err, order };
          throw err;
        }
      },
      30_000,
      500,
    );
    expect(refused.err.status).toBe(422);
    expect(refused.err.message).toContain('20000 fen a day');
    expect((await app.client.acquiringOrders.get(refused.order.id)).status).toBe('created');
    expect(await balanceOf(card)).toBe(1_000_000); // the bank was never asked
    const exactly = await newOrder(20_000);
    await app.client.acquiringOrders.sendQuickPayCode(exactly.id, agreementId);
    expect((await app.client.acquiringOrders.payByCard(exactly.id, { agreementId, smsCode: await latestCode() })).status).toBe('succeeded');
    expect(await balanceOf(card)).toBe(1_000_000 - 20_000);
    const more = await newOrder(1);
    expect((await apiError(app.client.acquiringOrders.sendQuickPayCode(more.id, agreementId))).code).toBe('quickpay_limit_exceeded');
  });

  it('a county cannot raise the platform limit: a config above it is held at ¥5,000; a malformed one is refused', async () => {
    await setLimits({ twoFactorFen: 900_000 });
    const bad = await apiError(on.province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, { body: { quickPayLimits: { twoFactorFen: 1.5 } } }));
    expect([bad.status, bad.code]).toEqual([400, 'invalid_request']);
    const card = await openCard(2_000_000);
    const b = await app.client.acquiringCards.bind({ ...holder, cardNo: card });
    const agreementId = (await app.client.acquiringCards.confirm(b.agreementId, await latestCode())).agreementId;
    const over = await newOrder(500_001);
    // whatever the county said, the platform's ¥5,000 holds (also before the change reached acquiring)
    expect((await apiError(app.client.acquiringOrders.sendQuickPayCode(over.id, agreementId))).code).toBe('quickpay_limit_exceeded');
    expect(await balanceOf(card)).toBe(2_000_000);
  });
});
