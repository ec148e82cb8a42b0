/**
 * Card quick pay's payment password and unbinding against the real PostgreSQL (own throw-away
 * schema, non-owner role, RLS) through acquiring's HTTP API; the county bank is a local HTTP
 * server speaking the channel sandbox's contract (FakeQuickpayBank). The e2e suite runs the same
 * flows against the real sandbox.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ServiceUrlsConfig } from '@countypay/config';
import { defaultTenantConfig, type EventEnvelope, type MerchantUpdatedData, type TenantUpdatedData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { generateFieldKey, luhnCheckDigit } from '@countypay/security';
import type { Actor } from '@countypay/service-kit';
import { startTestService, testActors, type TestService } from '@countypay/testing';
import { AcquiringChannelModule } from '../channel/channel.module';
import { AcquiringConfig } from '../config/acquiring.config';
import { migrations } from '../data-source';
import { AcquiringReadModelModule } from '../onboarding-read-model';
import { OrdersModule } from '../orders/orders.module';
import { FakeQuickpayBank } from '../testing/fake-quickpay-bank';
import { AgreementRevocationService } from './agreement-revocation.service';
import { QuickpayModule } from './quickpay.module';

const T1 = 't510121'; // accepts payment passwords
const T2 = 't510129'; // does not (the default)
const APP = 'app_qppaaaaaaaaaaaaaaaaa';
const OTHER_APP = 'app_qppbbbbbbbbbbbbbbbbb';
const SCOPES = ['acquiring:pay' as const];
const APP_T1 = testActors.app(T1, { appId: APP, scopes: SCOPES });
const APP2_T1 = testActors.app(T1, { appId: OTHER_APP, scopes: SCOPES });
const APP_T2 = testActors.app(T2, { appId: APP, scopes: SCOPES });
const SHOP = { [T1]: randomUUID(), [T2]: randomUUID() } as Record<string, string>;
const PASSWORD = '480615';

let svc: TestService;
let bank: FakeQuickpayBank;

const api = (method: string, path: string, body?: object, actor: Actor = APP_T1) => svc.call(method, path, { actor, ...(body ? { body } : {}) });
const tenantOf = (actor: Actor): string => (actor as { tenantId: string }).tenantId;

function event<T extends object>(tenantId: string, type: string, data: T): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, tenantId, occurredAt: new Date().toISOString(), data };
}

/** A card bound and confirmed: its agreement id and the reserved mobile. */
async function boundCard(actor: Actor = APP_T1): Promise<{ agreementId: string; mobile: string }> {
  const body = `622848${String(randomInt(0, 10 ** 12)).padStart(12, '0')}`;
  const mobile = `139${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;
  const b = await api(
    'POST',
    '/acquiring/cards',
    { cardNo: `${body}${luhnCheckDigit(body)}`, holderName: '李四', idNumber: '11010519491231002X', mobile },
    actor,
  );
  if (b.status !== 201) throw new Error(JSON.stringify(b.body));
  const agreementId = b.body.agreementId as string;
  const c = await api('POST', `/acquiring/cards/${agreementId}/confirm`, { smsCode: bank.latestCode(mobile) }, actor);
  if (c.status !== 200) throw new Error(JSON.stringify(c.body));
  return { agreementId, mobile };
}

async function withPassword(actor: Actor = APP_T1): Promise<{ agreementId: string; mobile: string }> {
  const card = await boundCard(actor);
  expect((await api('POST', `/acquiring/cards/${card.agreementId}/password/sms`, undefined, actor)).status).toBe(200);
  const set = await api('POST', `/acquiring/cards/${card.agreementId}/password`, { smsCode: bank.latestCode(card.mobile), paymentPassword: PASSWORD }, actor);
  expect([set.status, set.body.paymentPassword]).toEqual([200, 'set']);
  return card;
}

async function newOrder(amountFen = 12_800, actor: Actor = APP_T1): Promise<string> {
  const r = await api(
    'POST',
    '/acquiring/orders',
    { merchantId: SHOP[tenantOf(actor)], outTradeNo: `QP-${randomUUID().slice(0, 8)}`, amountFen, subject: '金堂脐橙' },
    actor,
  );
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.id as string;
}

const payByPassword = (orderId: string, agreementId: string, paymentPassword = PASSWORD, actor: Actor = APP_T1) =>
  api('POST', `/acquiring/orders/${orderId}/quickpay/password`, { agreementId, paymentPassword }, actor);

beforeAll(async () => {
  bank = await new FakeQuickpayBank().start();
  const config = Object.assign(new AcquiringConfig(), {
    ACQ_SWEEP_MS: 3_600_000,
    ACQ_CHANNEL_TIMEOUT_MS: 2_000,
    COUNTYPAY_PII_KEY: generateFieldKey(),
    COUNTYPAY_BLIND_INDEX_KEY: generateFieldKey(),
  });
  const urls = Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify({ 'channel-sandbox': bank.url }) });
  svc = await startTestService({
    service: 'acqqpp',
    migrations,
    imports: [AcquiringChannelModule, AcquiringReadModelModule, OrdersModule, QuickpayModule],
    override: (b) => b.overrideProvider(AcquiringConfig).useValue(config).overrideProvider(ServiceUrlsConfig).useValue(urls),
  });
  const readModel = svc.app.get(OnboardingReadModel);
  for (const tenantId of [T1, T2])
    await inTenantTransaction(svc.ds, tenantId, async (em) => {
      const config = Object.assign(defaultTenantConfig(), tenantId === T1 ? { quickPayPassword: true } : {});
      await readModel.handleTenantUpdated(
        event<TenantUpdatedData>(tenantId, 'onboarding.tenant-updated', { tenantId, name: tenantId, status: 'active', config, version: 1 }),
        em,
      );
      await readModel.handleMerchantUpdated(
        event<MerchantUpdatedData>(tenantId, 'onboarding.merchant-updated', {
          merchantId: SHOP[tenantId]!,
          legalName: '金堂县农特产商城有限公司',
          mcc: '5311',
          city: '成都市',
          status: 'active',
          riskLevel: 'low',
          stores: [],
          version: 1,
        }),
        em,
      );
    });
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await bank?.stop();
});

describe('payment password (支付密码)', () => {
  it('is set with an SMS code to the reserved mobile, stored only as a scrypt hash, and pays instead of an SMS code', async () => {
    const card = await boundCard();
    expect((await api('GET', `/acquiring/cards/${card.agreementId}`)).body.paymentPassword).toBe('none');
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/password/sms`)).status).toBe(200);
    const code = bank.latestCode(card.mobile);
    expect(bank.sms.at(-1)?.text).toContain('设置支付密码');
    const weak = await api('POST', `/acquiring/cards/${card.agreementId}/password`, { smsCode: code, paymentPassword: '123456' });
    expect([weak.status, weak.body.error.code, weak.body.error.param]).toEqual([400, 'invalid_request', 'paymentPassword']);
    const wrongCode = await api('POST', `/acquiring/cards/${card.agreementId}/password`, {
      smsCode: code === '000000' ? '000001' : '000000',
      paymentPassword: PASSWORD,
    });
    expect(wrongCode.body.error.code).toBe('sms_code_invalid');
    const set = await api('POST', `/acquiring/cards/${card.agreementId}/password`, { smsCode: code, paymentPassword: PASSWORD });
    expect([set.status, set.body.paymentPassword, JSON.stringify(set.body).includes(PASSWORD)]).toEqual([200, 'set', false]);
    const [stored] = await svc.schema.adminQuery<{ pay_password_hash: string }>(`select pay_password_hash from acq_card_agreements where id = $1`, [
      card.agreementId,
    ]);
    expect(stored?.pay_password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.pay_password_hash).not.toContain(PASSWORD);

    const debits = bank.debits();
    const orderId = await newOrder();
    const paid = await payByPassword(orderId, card.agreementId);
    expect([paid.status, paid.body.status, paid.body.channel]).toEqual([200, 'succeeded', 'county_bank']);
    expect(bank.debits()).toBe(debits + 1);
  });

  it('locks after five wrong tries (the fifth answers locked), refuses the right one while locked, before any bank call; setting it again unlocks', async () => {
    const card = await withPassword();
    const debits = bank.debits();
    const orderId = await newOrder();
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await payByPassword(orderId, card.agreementId, '135790');
      answers.push(`${r.status}:${r.body.error.code}`);
      expect(r.body.error.param).toBe('paymentPassword');
      expect(JSON.stringify(r.body)).not.toContain('135790');
    }
    expect(answers).toEqual([...Array(4).fill('422:payment_password_invalid'), '422:payment_password_locked']);
    expect((await payByPassword(orderId, card.agreementId)).body.error.code).toBe('payment_password_locked');
    expect((await api('GET', `/acquiring/cards/${card.agreementId}`)).body.paymentPassword).toBe('locked');
    expect((await api('GET', `/acquiring/orders/${orderId}`)).body.status).toBe('created');
    expect(bank.debits()).toBe(debits);

    // a new code no sooner than 60 s after the last: the clock of the last send is moved back
    await svc.schema.adminQuery(`update acq_sms_codes set sent_at = sent_at - interval '2 minutes' where binding = $1`, [`password:${card.agreementId}`]);
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/password/sms`)).status).toBe(200);
    const reset = await api('POST', `/acquiring/cards/${card.agreementId}/password`, { smsCode: bank.latestCode(card.mobile), paymentPassword: PASSWORD });
    expect(reset.body.paymentPassword).toBe('set');
    expect((await payByPassword(orderId, card.agreementId)).body.status).toBe('succeeded');
  }, 60_000);

  it("passes the same daily limit as an SMS code (agreement + password: two factors, ¥5,000 a day per card), refused before the bank's call", async () => {
    const card = await withPassword();
    const debits = bank.debits();
    const over = await payByPassword(await newOrder(500_001), card.agreementId);
    expect([over.status, over.body.error.code]).toEqual([422, 'quickpay_limit_exceeded']);
    expect((await payByPassword(await newOrder(500_000), card.agreementId)).body.status).toBe('succeeded');
    expect((await payByPassword(await newOrder(1), card.agreementId)).body.error.code).toBe('quickpay_limit_exceeded');
    expect(bank.debits()).toBe(debits + 1);
  });

  it('a county that does not accept payment passwords refuses setting and paying with one; another app’s agreement is a 404', async () => {
    const card = await boundCard(APP_T2);
    const sms = await api('POST', `/acquiring/cards/${card.agreementId}/password/sms`, undefined, APP_T2);
    expect([sms.status, sms.body.error.code]).toEqual([422, 'payment_password_not_enabled']);
    expect((await payByPassword(await newOrder(100, APP_T2), card.agreementId, PASSWORD, APP_T2)).body.error.code).toBe('payment_password_not_enabled');

    const mine = await withPassword();
    expect((await api('POST', `/acquiring/cards/${mine.agreementId}/password/sms`, undefined, APP2_T1)).status).toBe(404);
    expect((await payByPassword(await newOrder(100, APP2_T1), mine.agreementId, PASSWORD, APP2_T1)).status).toBe(404);
    expect((await api('POST', `/acquiring/cards/${mine.agreementId}/password/sms`, undefined, APP_T2)).status).toBe(404);
    // a card without a password
    const bare = await boundCard();
    expect((await payByPassword(await newOrder(), bare.agreementId)).body.error.code).toBe('payment_password_not_set');
  });
});

describe('unbinding (解约) revokes the agreement at the county bank', () => {
  it('revoked here once the bank revoked it; paying is refused afterwards', async () => {
    const card = await boundCard();
    expect(bank.agreementStatus(card.agreementId)).toBe('active');
    const r = await api('POST', `/acquiring/cards/${card.agreementId}/unbind`);
    expect([r.status, r.body.status]).toEqual([200, 'revoked']);
    expect(bank.agreementStatus(card.agreementId)).toBe('revoked');
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/unbind`)).body.status).toBe('revoked');
    const code = await api('POST', `/acquiring/orders/${await newOrder()}/quickpay/sms`, { agreementId: card.agreementId });
    expect([code.status, code.body.error.code]).toEqual([409, 'agreement_not_active']);
  });

  it("the bank refuses a revoked agreement even when acquiring's row is stale: the order fails with agreement_revoked", async () => {
    const card = await boundCard();
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/unbind`)).body.status).toBe('revoked');
    await svc.schema.adminQuery(`update acq_card_agreements set status = 'active' where id = $1`, [card.agreementId]); // stale
    const orderId = await newOrder();
    expect((await api('POST', `/acquiring/orders/${orderId}/quickpay/sms`, { agreementId: card.agreementId })).status).toBe(200);
    const paid = await api('POST', `/acquiring/orders/${orderId}/quickpay`, { agreementId: card.agreementId, smsCode: bank.latestCode(card.mobile) });
    expect([paid.status, paid.body.status, paid.body.failureReason]).toEqual([200, 'failed', 'agreement_revoked']);
  });

  it('a revocation that timed out is resolved by querying the bank; one the bank did not make stays unbinding (unpayable) until the job retries it', async () => {
    const late = await boundCard();
    bank.timeoutNextRevoke(late.agreementId, 'after');
    expect((await api('POST', `/acquiring/cards/${late.agreementId}/unbind`)).body.status).toBe('revoked');

    const early = await boundCard();
    bank.timeoutNextRevoke(early.agreementId, 'before');
    const r = await api('POST', `/acquiring/cards/${early.agreementId}/unbind`);
    expect([r.status, r.body.status]).toEqual([200, 'unbinding']);
    expect(bank.agreementStatus(early.agreementId)).toBe('active');
    expect((await api('POST', `/acquiring/orders/${await newOrder()}/quickpay/sms`, { agreementId: early.agreementId })).body.error.code).toBe(
      'agreement_not_active',
    );
    const job = svc.app.get(AgreementRevocationService);
    expect(await job.retryUnconfirmed(new Date(Date.now() - 60_000))).toBe(0); // not due yet: the request has just tried
    expect(await job.retryUnconfirmed(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(bank.agreementStatus(early.agreementId)).toBe('revoked');
    expect((await api('GET', `/acquiring/cards/${early.agreementId}`)).body.status).toBe('revoked');
  });

  it("another app's or county's agreement is a 404 and stays bound", async () => {
    const card = await boundCard();
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/unbind`, undefined, APP2_T1)).status).toBe(404);
    expect((await api('POST', `/acquiring/cards/${card.agreementId}/unbind`, undefined, APP_T2)).status).toBe(404);
    expect(bank.agreementStatus(card.agreementId)).toBe('active');
  });
});
