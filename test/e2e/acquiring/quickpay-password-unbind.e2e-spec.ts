// Issue 8, card quick pay: the payment password (支付密码) a county may accept instead of the SMS
// code (tenant config `quickPayPassword`, through onboarding's event to acquiring), and unbinding
// (解约) that revokes the agreement at the county bank (the channel sandbox), through the gateway
// with the SDK. A revocation the bank does not answer in time leaves the agreement `unbinding`
// (unpayable) until acquiring's job gets the bank's confirmation.
import { CountypayApiError, type AcquiringOrder } from '@countypay/sdk';
import { apiError, gatewayUrl, platformLogs, provinceToken, serviceUrl } from '../support/platform';
import { balanceOf as balance, bankAgreementStatus, latestCode as sms, openCard, postToSandbox, untilAcquiringKnows } from './acquiring-support';
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

const TENANT = 't510322';
const SCOPES = ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'];
const PASSWORD = '907153';
const holder = { holderName: '赵六', idNumber: '11010519491231002X' };
const hooks = new WebhookReceiver();
let on: Onboarded;
let app: OnboardedApp;
let shop: OnboardedMerchant;

const latestCode = (mobile: string): Promise<string> => sms(TENANT, mobile);
const balanceOf = (card: string): Promise<number> => balance(TENANT, card);
const bankAgreement = (agreementId: string): Promise<string> => bankAgreementStatus(TENANT, agreementId);

async function boundCard(balanceFen = 1_000_000): Promise<{ card: string; mobile: string; agreementId: string }> {
  const mobile = `136${randomDigits(8)}`;
  const card = await openCard(TENANT, { ...holder, mobile }, balanceFen);
  const b = await app.client.acquiringCards.bind({ ...holder, mobile, cardNo: card });
  const agreementId = (await app.client.acquiringCards.confirm(b.agreementId, await latestCode(mobile))).agreementId;
  return { card, mobile, agreementId };
}

function newOrder(amountFen: number): Promise<AcquiringOrder> {
  return app.client.acquiringOrders.create({ merchantId: shop.merchantId, outTradeNo: `qpw-${uniq()}`, amountFen, subject: '金堂脐橙 礼盒' });
}

beforeAll(async () => {
  for (const name of ['gateway', 'channel-sandbox', 'acquiring', 'onboarding'])
    await until(`${name} to answer`, async () => ((await fetch(`${serviceUrl(name)}/health/ready`)).status === 200 ? true : undefined), 30_000, 100);
  await hooks.start();
  on = await onboardPartner(
    { baseUrl: gatewayUrl(), operatorToken: provinceToken() },
    { tenantId: TENANT, name: `e2e quick-pay password ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: SCOPES },
  );
  app = on.apps[0]!;
  hooks.secrets.set(app.appId, app.webhookSecret);
  shop = await onboardMerchant(on, app, `e2e密码支付商户${uniq()}`);
  await untilAcquiringKnows('acquiring to know the merchant', () => newOrder(100));
});

afterAll(async () => {
  await on?.province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, { body: { quickPayPassword: false } });
  await hooks.stop();
});

describe('payment password (支付密码)', () => {
  it('refused while the county does not accept it; once it does: set with an SMS code, pays instead of one, five wrong tries lock it', async () => {
    const { card, mobile, agreementId } = await boundCard();
    expect((await apiError(app.client.acquiringCards.sendPasswordCode(agreementId))).code).toBe('payment_password_not_enabled');
    await on.province.request('PATCH', `/v1/admin/tenants/${TENANT}/config`, { body: { quickPayPassword: true } });
    await until(
      'acquiring to apply the county switch',
      async () => {
        try {
          return await app.client.acquiringCards.sendPasswordCode(agreementId);
        } catch (err) {
          if (err instanceof CountypayApiError && err.code === 'payment_password_not_enabled') return undefined;
          throw err;
        }
      },
      30_000,
      500,
    );
    const set = await app.client.acquiringCards.setPassword(agreementId, { smsCode: await latestCode(mobile), paymentPassword: PASSWORD });
    expect(set).toMatchObject({ agreementId, status: 'active', paymentPassword: 'set' });

    const order = await newOrder(12_800);
    const paid = await app.client.acquiringOrders.payByCardPassword(order.id, { agreementId, paymentPassword: PASSWORD });
    expect(paid).toMatchObject({ status: 'succeeded', channel: 'county_bank' });
    expect(await balanceOf(card)).toBe(1_000_000 - 12_800);
    await hooks.waitFor('payment.succeeded', order.id);

    const next = await newOrder(300);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await apiError(app.client.acquiringOrders.payByCardPassword(next.id, { agreementId, paymentPassword: '135790' }))).code);
    expect(codes).toEqual([...Array(4).fill('payment_password_invalid'), 'payment_password_locked']);
    const locked = await apiError(app.client.acquiringOrders.payByCardPassword(next.id, { agreementId, paymentPassword: PASSWORD }));
    expect([locked.status, locked.code]).toEqual([422, 'payment_password_locked']);
    expect((await app.client.acquiringOrders.get(next.id)).status).toBe('created');
    expect(await balanceOf(card)).toBe(1_000_000 - 12_800);
    // the SMS code still pays
    await app.client.acquiringOrders.sendQuickPayCode(next.id, agreementId);
    expect((await app.client.acquiringOrders.payByCard(next.id, { agreementId, smsCode: await latestCode(mobile) })).status).toBe('succeeded');
  });

  it('the password pays within the same daily limit as the SMS code (two factors: ¥5,000 a card), refused before the bank is called', async () => {
    const { card, mobile, agreementId } = await boundCard(2_000_000);
    await app.client.acquiringCards.sendPasswordCode(agreementId);
    await app.client.acquiringCards.setPassword(agreementId, { smsCode: await latestCode(mobile), paymentPassword: PASSWORD });
    const over = await apiError(app.client.acquiringOrders.payByCardPassword((await newOrder(500_001)).id, { agreementId, paymentPassword: PASSWORD }));
    expect([over.status, over.code]).toEqual([422, 'quickpay_limit_exceeded']);
    expect(await balanceOf(card)).toBe(2_000_000);
  });

  it('no payment password in any log of the platform', () => {
    for (const { file, text } of platformLogs()) expect({ file, found: text.includes(`"${PASSWORD}"`) }).toEqual({ file, found: false });
  });
});

describe('unbinding (解约) revokes the agreement at the county bank', () => {
  it('revoked at the bank, then here; the bank refuses the agreement from then on', async () => {
    const { agreementId } = await boundCard();
    expect(await bankAgreement(agreementId)).toBe('active');
    expect((await app.client.acquiringCards.unbind(agreementId)).status).toBe('revoked');
    expect(await bankAgreement(agreementId)).toBe('revoked');
    expect((await app.client.acquiringCards.unbind(agreementId)).status).toBe('revoked');
    const err = await apiError(app.client.acquiringOrders.sendQuickPayCode((await newOrder(300)).id, agreementId));
    expect([err.status, err.code]).toEqual([409, 'agreement_not_active']);
  });

  it('a revocation the bank does not answer in time stays unbinding (unpayable) until the job has the bank confirm it', async () => {
    const { agreementId } = await boundCard();
    expect((await postToSandbox(`/admin/quickpay/agreements/${agreementId}/scenario`, { scenario: 'timeout_before_revoke' })).status).toBe(200);
    const first = await app.client.acquiringCards.unbind(agreementId);
    expect(first.status).toBe('unbinding');
    const err = await apiError(app.client.acquiringOrders.sendQuickPayCode((await newOrder(300)).id, agreementId));
    expect(err.code).toBe('agreement_not_active');
    await until(
      'the job to revoke the agreement at the bank',
      async () => ((await app.client.acquiringCards.get(agreementId)).status === 'revoked' ? true : undefined),
      30_000,
      500,
    );
    expect(await bankAgreement(agreementId)).toBe('revoked');
  });
});
