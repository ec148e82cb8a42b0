/**
 * onboarding against the real PostgreSQL (own throw-away schema migrated with the service's
 * migrations, non-owner role, RLS) through its HTTP API with the gateway's actor headers,
 * booted by the test platform. The outbox is checked in PostgreSQL (the relay is not started,
 * so nothing goes to Kafka).
 */
import { randomBytes } from 'node:crypto';
import type { AppScope } from '@countypay/contracts';
import type { Actor } from '@countypay/service-kit';
import { FieldCipher, generateSm2KeyPair } from '@countypay/security';
import { testActors, type CallResult, type TestService } from '@countypay/testing';
import { startOnboarding, testOnboardingConfig } from './testing/onboarding-test-service';

const T1 = 't510121';
const T2 = 't510116';
const BOOT = `cpo_${randomBytes(32).toString('base64url')}`;
const config = testOnboardingConfig({ COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: BOOT, CREDENTIAL_ROTATION_GRACE_SECONDS: 3600 });

let svc: TestService;

const province = testActors.province();
const county = (tenant: string): Actor => testActors.county(tenant, 'op-county');
const appActor = (appId: string, partnerId: string, tenant = T1, scopes: AppScope[] = ['merchants:read', 'merchants:write']): Actor =>
  testActors.app(tenant, { appId, partnerId, scopes });

/** A request as the gateway forwards it: `actor` null for the gateway's own internal calls. */
function call(method: string, path: string, actor: Actor | null, body?: unknown): Promise<CallResult> {
  return svc.call(method, path, { ...(actor ? { actor } : { asGateway: true }), ...(body !== undefined ? { body } : {}) });
}

async function events(type: string): Promise<Array<{ tenant_id: string; payload: { data: Record<string, unknown> } }>> {
  return svc.schema.adminQuery(`select tenant_id, payload from outbox where event_type = $1 order by seq`, [type]);
}

const merchantBody = {
  legalName: '金堂县城关便民超市有限公司',
  uscc: '914403001922038216',
  legalRepName: '欧阳明华',
  legalRepIdNumber: '11010519491231002X',
  phone: '13800138000',
  mcc: '5411',
  address: '城关镇1号',
  city: '成都',
  settlementAccount: { accountType: 'debit_card', accountNo: '6222020200112233446', accountName: '欧阳明华', bankName: '金堂农商银行' },
};

beforeAll(async () => {
  svc = await startOnboarding(config);
}, 90_000);

afterAll(async () => {
  await svc?.close();
});

describe('operators', () => {
  it('authenticates the bootstrap province operator and refuses other tokens', async () => {
    expect(await call('POST', '/internal/operators/authenticate', null, { token: BOOT })).toMatchObject({
      status: 200,
      body: { operatorId: '00000000-0000-4000-8000-000000000001', role: 'province' },
    });
    const bad = await call('POST', '/internal/operators/authenticate', null, { token: `cpo_${'x'.repeat(43)}` });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_operator_token');
  });

  it('creates a county operator whose token is shown once and stored only hashed', async () => {
    const created = await call('POST', '/admin/operators', province, { role: 'county', tenantId: T1, name: 'Jintang ops' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^cpo_[A-Za-z0-9_-]{43}$/);
    const auth = await call('POST', '/internal/operators/authenticate', null, { token: created.body.token });
    expect(auth.body).toEqual({ operatorId: created.body.operatorId, role: 'county', tenantId: T1 });
    const rows = await svc.schema.adminQuery<{ row: string }>(`select row_to_json(o)::text as row from operators o`);
    expect(rows.some((r) => r.row.includes(created.body.token))).toBe(false);
    expect((await call('POST', '/admin/operators', county(T1), { role: 'county', tenantId: T1, name: 'x' })).body.error.code).toBe('forbidden_actor');
  });

  it('disables an operator: its token stops working; a second disable is a conflict', async () => {
    const created = await call('POST', '/admin/operators', province, { role: 'county', tenantId: T2, name: 'Shuangliu ops' });
    const disabled = await call('POST', `/admin/operators/${created.body.operatorId}/disable`, province);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ operatorId: created.body.operatorId, role: 'county', tenantId: T2, status: 'disabled' });
    expect(disabled.body.token).toBeUndefined();
    expect((await call('POST', '/internal/operators/authenticate', null, { token: created.body.token })).status).toBe(401);
    expect((await call('POST', `/admin/operators/${created.body.operatorId}/disable`, province)).body.error.code).toBe('invalid_state_transition');
    expect((await call('POST', '/admin/operators/not-an-id/disable', province)).status).toBe(404);
  });

  it('refuses console routes to callers without an operator actor', async () => {
    const anonymous = await call('GET', '/admin/operators', null);
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.error.code).toBe('forbidden_actor');
    expect((await call('GET', '/admin/partners', county(T1))).body.error.code).toBe('forbidden_actor');
  });
});

describe('tenants', () => {
  it('announces the seeded tenants once at start', async () => {
    const announced = await events('onboarding.tenant-updated');
    expect(announced.length).toBe(99);
    expect(announced.find((e) => e.tenant_id === T1)?.payload.data).toMatchObject({ tenantId: T1, status: 'active', version: 1 });
  });

  it('refuses a cut-off of 25:00 naming config.cutoffTime, applies a good patch with version + 1, event and audit', async () => {
    const bad = await call('PATCH', `/admin/tenants/${T1}/config`, province, { cutoffTime: '25:00' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('cutoffTime');
    const ok = await call('PATCH', `/admin/tenants/${T1}/config`, province, { cutoffTime: '22:00' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tenantId: T1, version: 2, defaultConfig: false, config: { cutoffTime: '22:00', settlementCycle: 'T1' } });
    const last = (await events('onboarding.tenant-updated')).filter((e) => e.tenant_id === T1).pop();
    expect(last?.payload.data).toMatchObject({ version: 2, config: { cutoffTime: '22:00' } });
    const audit = await call('GET', `/admin/audit?entity=tenant&entityId=${T1}`, county(T1));
    expect(audit.body.data[0]).toMatchObject({ action: 'tenant.config_updated', actorType: 'province', tenantId: T1 });
  });

  it('a county operator sees its own tenant only', async () => {
    expect((await call('GET', `/admin/tenants/${T1}`, county(T1))).status).toBe(200);
    expect((await call('GET', `/admin/tenants/${T2}`, county(T1))).status).toBe(404);
    const list = await call('GET', '/admin/tenants', county(T1));
    expect(list.body.data.map((t: { tenantId: string }) => t.tenantId)).toEqual([T1]);
  });
});

describe('partners, apps and merchants', () => {
  let partnerId = '';
  let appId = '';
  let merchantId = '';

  it('registers an HMAC app: secrets shown once, stored and published only encrypted', async () => {
    partnerId = (await call('POST', '/admin/partners', province, { name: 'Chengdu Mall', kind: 'ecommerce_platform' })).body.partnerId;
    const created = await call('POST', `/admin/partners/${partnerId}/apps`, province, {
      tenantId: T1,
      name: 'Mall pay',
      scopes: ['qr:pay', 'merchants:write'],
      callbackUrls: ['https://mall.example/cb'],
      credential: { alg: 'HMAC-SHA256' },
    });
    expect(created.status).toBe(201);
    appId = created.body.appId;
    expect(appId).toMatch(/^app_[0-9a-z]{20}$/);
    const [event] = await events('onboarding.app-updated');
    const data = event?.payload.data as { credentials: Array<{ secretCiphertext: string }>; webhookSecretCiphertext: string; version: number };
    const cipher = new FieldCipher({ keys: [{ id: 'cred1', key: config.COUNTYPAY_CREDENTIAL_KEY }], activeKeyId: 'cred1' });
    expect(cipher.decrypt(data.credentials[0]?.secretCiphertext ?? '')).toBe(created.body.appSecret);
    expect(cipher.decrypt(data.webhookSecretCiphertext)).toBe(created.body.webhookSecret);
    expect(JSON.stringify(event)).not.toContain(created.body.appSecret);
    expect((await call('GET', `/admin/apps/${appId}`, province)).body.appSecret).toBeUndefined();
    const internal = await call('GET', `/internal/apps/${appId}`, null);
    expect(internal.body).toMatchObject({ appId, tenantId: T1, partnerId, status: 'active', version: 1 });
    expect(cipher.decrypt(internal.body.credentials[0].secretCiphertext)).toBe(created.body.appSecret);
    expect((await call('GET', '/internal/apps/app_zzzzzzzzzzzzzzzzzzzz', null)).status).toBe(404);
  });

  it('rotates: the old credential retires for the grace period', async () => {
    const rotated = await call('POST', `/admin/apps/${appId}/credentials`, province, {});
    expect(rotated.status).toBe(201);
    expect(rotated.body.appSecret).toBeDefined();
    const statuses = rotated.body.credentials.map((c: { status: string }) => c.status).sort();
    expect(statuses).toEqual(['active', 'retiring']);
    const retiring = rotated.body.credentials.find((c: { status: string }) => c.status === 'retiring');
    const grace = Date.parse(retiring.notAfter) - Date.now();
    expect(grace).toBeGreaterThan(3500 * 1000);
    expect(grace).toBeLessThanOrEqual(3600 * 1000);
    const last = (await events('onboarding.app-updated')).pop()?.payload.data as { version: number; credentials: unknown[] };
    expect(last.version).toBe(2);
    expect(last.credentials).toHaveLength(2);
  });

  it('refuses an SM2 key off the curve, accepts a real one', async () => {
    const body = { tenantId: T1, name: 'sm2', scopes: ['qr:pay'], callbackUrls: [] };
    const bad = await call('POST', `/admin/partners/${partnerId}/apps`, province, {
      ...body,
      credential: { alg: 'SM2-SM3', publicKey: `04${'1'.repeat(128)}` },
    });
    expect(bad.body.error).toMatchObject({ code: 'invalid_public_key', param: 'credential.publicKey' });
    const good = await call('POST', `/admin/partners/${partnerId}/apps`, province, {
      ...body,
      credential: { alg: 'SM2-SM3', publicKey: generateSm2KeyPair().publicKey },
    });
    expect(good.status).toBe(201);
    expect(good.body.appSecret).toBeUndefined();
  });

  it('creates a merchant with KYC checks, encrypted at rest and masked in answers and events', async () => {
    expect((await call('POST', '/merchants', appActor(appId, partnerId), { ...merchantBody, uscc: '914403001922038217' })).body.error).toMatchObject({
      code: 'invalid_uscc',
      param: 'uscc',
    });
    expect((await call('POST', '/merchants', appActor(appId, partnerId, T1, ['qr:pay']), merchantBody)).body.error).toMatchObject({
      code: 'missing_scope',
      param: 'merchants:write',
    });
    const created = await call('POST', '/merchants', appActor(appId, partnerId), merchantBody);
    expect(created.status).toBe(201);
    merchantId = created.body.merchantId;
    expect(created.body).toMatchObject({
      status: 'pending_review',
      partnerId,
      legalRepName: '欧阳**',
      legalRepIdNumber: '110***********002X',
      phone: '138****8000',
      settlementAccount: { accountNo: '622202*********3446' },
      version: 1,
    });
    const [row] = await svc.schema.adminQuery<{ row: string }>(`select row_to_json(m)::text as row from merchants m where merchant_id = $1`, [merchantId]);
    for (const secret of ['11010519491231002X', '13800138000', '6222020200112233446', '欧阳明华']) expect(row?.row).not.toContain(secret);
    const published = JSON.stringify(await events('onboarding.merchant-updated'));
    for (const secret of ['11010519491231002X', '13800138000', '6222020200112233446', '欧阳明华']) expect(published).not.toContain(secret);
    const dup = await call('POST', '/merchants', appActor(appId, partnerId), merchantBody);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'merchant_exists', param: 'uscc' });
  });

  it('a province operator creating a merchant must name the county it acts in', async () => {
    const r = await call('POST', '/merchants', province, merchantBody);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_tenant', param: 'X-CP-Tenant-Id' });
  });

  it('regression: a corporate settlement account (20 digits, no Luhn) is accepted as one, refused as a debit card, masked and never published', async () => {
    const corporate = {
      accountType: 'corporate_account',
      accountNo: '5105 0142 6108 0000 0123',
      accountName: '金堂县赵镇农资有限公司',
      bankName: '金堂农商银行',
    };
    const body = { ...merchantBody, legalName: '金堂县赵镇农资有限公司', uscc: '91510121MA6CJ8XK1K', settlementAccount: corporate };
    const asCard = await call('POST', '/merchants', appActor(appId, partnerId), { ...body, settlementAccount: { ...corporate, accountType: 'debit_card' } });
    expect(asCard.status).toBe(400);
    expect(asCard.body.error).toMatchObject({
      code: 'invalid_bank_account',
      param: 'settlementAccount.accountNo',
      message: expect.stringContaining('a debit card number has 16 to 19 digits'),
    });
    expect(JSON.stringify(asCard.body)).not.toContain('51050142610800000123');

    const created = await call('POST', '/merchants', appActor(appId, partnerId), body);
    expect(created.status).toBe(201);
    const id = created.body.merchantId as string;
    expect(created.body.settlementAccount).toEqual({
      accountType: 'corporate_account',
      accountNo: '510501**********0123',
      accountName: '金**********',
      bankName: '金堂农商银行',
    });
    expect((await call('GET', `/merchants/${id}`, county(T1))).body.settlementAccount).toEqual(created.body.settlementAccount);

    const [row] = await svc.schema.adminQuery<{ row: string; type: string }>(
      `select row_to_json(m)::text as row, settlement_account_type as type from merchants m where merchant_id = $1`,
      [id],
    );
    expect(row?.type).toBe('corporate_account');
    expect(row?.row).not.toContain('51050142610800000123');
    // the event carries no settlement account (consumers are unaffected by its type)
    const published = (await events('onboarding.merchant-updated')).filter((e) => e.payload.data.merchantId === id);
    expect(published).toHaveLength(1);
    expect(Object.keys(published[0]!.payload.data).sort()).toEqual([
      'city',
      'legalName',
      'mcc',
      'merchantId',
      'partnerId',
      'riskLevel',
      'status',
      'stores',
      'version',
    ]);
    const audit = await call('GET', `/admin/audit?entity=merchant&entityId=${id}`, county(T1));
    expect(audit.body.data[0].after.settlementAccount).toMatchObject({ accountType: 'corporate_account', accountNo: '510501**********0123' });
    expect(JSON.stringify(audit.body)).not.toContain('51050142610800000123');

    // a settlement account is replaced whole, its type included
    const debit = { accountType: 'debit_card', accountNo: '6222020200112233446', accountName: '欧阳明华', bankName: '金堂农商银行' };
    const patched = await call('PATCH', `/merchants/${id}`, appActor(appId, partnerId), { settlementAccount: debit });
    expect(patched.status).toBe(200);
    expect(patched.body.settlementAccount).toEqual({
      accountType: 'debit_card',
      accountNo: '622202*********3446',
      accountName: '欧阳**',
      bankName: '金堂农商银行',
    });
    const untyped = await call('PATCH', `/merchants/${id}`, appActor(appId, partnerId), {
      settlementAccount: { accountNo: '51050142610800000123', accountName: '金堂县赵镇农资有限公司', bankName: '金堂农商银行' },
    });
    expect(untyped.body.error).toMatchObject({ code: 'invalid_request', param: 'settlementAccount.accountType' });
    const short = await call('PATCH', `/merchants/${id}`, appActor(appId, partnerId), { settlementAccount: { ...corporate, accountNo: '1234567' } });
    expect(short.body.error).toMatchObject({ code: 'invalid_bank_account', message: 'a corporate account number has 8 to 32 digits' });
  });

  it('an app of a suspended partner is published as suspended', async () => {
    await call('POST', `/admin/partners/${partnerId}/suspend`, province);
    const suspended = (await events('onboarding.app-updated')).filter((e) => e.payload.data.appId === appId).pop()?.payload.data;
    expect(suspended).toMatchObject({ status: 'suspended', version: 3 });
    expect((await call('GET', `/admin/apps/${appId}`, province)).body).toMatchObject({ status: 'active', partnerStatus: 'suspended' });
    await call('POST', `/admin/partners/${partnerId}/resume`, province);
    expect((await events('onboarding.app-updated')).filter((e) => e.payload.data.appId === appId).pop()?.payload.data).toMatchObject({
      status: 'active',
      version: 4,
    });
  });

  it('hides the merchant from other tenants and other partners, not from the county bank app', async () => {
    expect((await call('GET', `/merchants/${merchantId}`, county(T2))).body.error.code).toBe('not_found');
    const other = (await call('POST', '/admin/partners', province, { name: 'Other', kind: 'regional_platform' })).body.partnerId;
    const bank = (await call('POST', '/admin/partners', province, { name: 'Bank app', kind: 'county_bank_app' })).body.partnerId;
    expect((await call('GET', `/merchants/${merchantId}`, appActor('app_bbbbbbbbbbbbbbbbbbbb', other))).status).toBe(404);
    expect((await call('GET', `/merchants/${merchantId}`, appActor('app_cccccccccccccccccccc', bank))).status).toBe(200);
    expect((await call('GET', '/merchants', appActor('app_bbbbbbbbbbbbbbbbbbbb', other))).body.data).toEqual([]);
  });

  it('reviews, adds a store and a terminal, each publishing the next version', async () => {
    expect((await call('POST', `/admin/merchants/${merchantId}/approve`, appActor(appId, partnerId))).body.error.code).toBe('forbidden_actor');
    expect((await call('POST', `/admin/merchants/${merchantId}/approve`, county(T2))).status).toBe(404);
    expect((await call('POST', `/admin/merchants/${merchantId}/resume`, county(T1))).body.error.code).toBe('invalid_state_transition');
    expect((await call('POST', `/admin/merchants/${merchantId}/approve`, county(T1))).body).toMatchObject({ status: 'active', version: 2 });
    const store = await call('POST', `/merchants/${merchantId}/stores`, appActor(appId, partnerId), { name: '城关店' });
    expect(store.status).toBe(201);
    const terminal = await call('POST', `/stores/${store.body.storeId}/terminals`, appActor(appId, partnerId), { serialNo: 'SN-1' });
    expect(terminal.status).toBe(201);
    expect((await call('POST', `/stores/${store.body.storeId}/terminals`, county(T1), { serialNo: 'SN-1' })).body.error).toMatchObject({
      code: 'terminal_exists',
      param: 'serialNo',
    });
    const last = (await events('onboarding.merchant-updated')).pop()?.payload.data;
    expect(last).toMatchObject({
      merchantId,
      status: 'active',
      version: 4,
      stores: [{ storeId: store.body.storeId, terminals: [{ terminalId: terminal.body.terminalId, serialNo: 'SN-1' }] }],
    });
    const audit = await call('GET', `/admin/audit?entity=merchant&entityId=${merchantId}`, county(T1));
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(['merchant.approved', 'merchant.created']);
    expect(JSON.stringify(audit.body)).not.toContain('11010519491231002X');
  });

  it('a suspended tenant refuses app writes', async () => {
    await call('POST', `/admin/tenants/${T1}/suspend`, province);
    const refused = await call('PATCH', `/merchants/${merchantId}`, appActor(appId, partnerId), { city: '金堂' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('tenant_suspended');
    await call('POST', `/admin/tenants/${T1}/resume`, province);
    expect((await call('PATCH', `/merchants/${merchantId}`, appActor(appId, partnerId), { city: '金堂' })).body.city).toBe('金堂');
  });
});
