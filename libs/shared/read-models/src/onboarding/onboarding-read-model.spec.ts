import type { EntityManager } from 'typeorm';
import { ApiError, defaultTenantConfig, MerchantUpdatedV1, TenantUpdatedV1, type EventEnvelope, type TenantUpdatedData } from '@countypay/contracts';
import type { MerchantView, OnboardingReadModelRepository, TenantConfigRecord } from './onboarding-read-model.repository';
import { OnboardingReadModel } from './onboarding-read-model.service';
import { onboardingReadModelTablesSql } from './onboarding-read-model.tables';
import { assertEnabled } from './tenant-enablement';

const em = {} as EntityManager;
const M = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';

function readModel(o: { tenant?: Partial<TenantConfigRecord>; merchant?: Partial<MerchantView>; merchants?: boolean } = {}) {
  const writes: unknown[] = [];
  const repo = {
    findTenantConfig: async () =>
      o.tenant && {
        tenantId: 't510121',
        name: '金堂县',
        status: 'active',
        config: defaultTenantConfig(),
        version: 1,
        sourceEventId: null,
        updatedAt: new Date(),
        ...o.tenant,
      },
    findMerchant: async () =>
      o.merchant && { merchantId: M, legalName: '金堂县赵镇便民超市', mcc: '5411', city: '成都', status: 'active', stores: [], version: 1, ...o.merchant },
    upsertTenantConfig: async (_em: EntityManager, r: unknown) => (writes.push(r), true),
    upsertMerchant: async (_em: EntityManager, ...r: unknown[]) => (writes.push(r), true),
  } as unknown as OnboardingReadModelRepository;
  return { model: new OnboardingReadModel(repo, { merchants: o.merchants ?? true }), writes };
}

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
  );

describe('assertEnabled (the tenant-enablement rule of every payment product)', () => {
  it('refuses a disabled product or channel with channel_not_enabled and lists what is enabled', () => {
    const c = defaultTenantConfig();
    c.enabledChannels = ['wechat'];
    expect(() => assertEnabled(c, 'qr', 'wechat')).not.toThrow();
    expect(() => assertEnabled(c, 'qr', 'alipay')).toThrow(ApiError);
    expect(() => assertEnabled(c, 'qr', 'alipay')).toThrow(/alipay channel is not enabled for this county; enabled: wechat/);
    c.enabledProducts = ['acquiring'];
    expect(() => assertEnabled(c, 'qr')).toThrow(/qr product is not enabled/);
    expect(() => assertEnabled(c, 'acquiring')).not.toThrow();
  });
});

describe('OnboardingReadModel', () => {
  it('the default config until onboarding has spoken; a suspended county takes no payments', async () => {
    expect(await readModel().model.tenantConfig(em)).toEqual(defaultTenantConfig());
    expect(await codeOf(readModel({ tenant: { status: 'suspended' } }).model.tenantConfig(em))).toBe('tenant_suspended');
    const own = readModel({ tenant: { config: { ...defaultTenantConfig(), enabledChannels: ['wechat'] } } });
    expect((await own.model.tenantConfig(em)).enabledChannels).toEqual(['wechat']);
    expect((await readModel({ tenant: { status: 'suspended' } }).model.tenant(em))?.status).toBe('suspended');
  });

  it('a merchant must exist, and be active to take payments', async () => {
    expect(await codeOf(readModel().model.merchant(em, M))).toBe('not_found');
    expect(await codeOf(readModel({ merchant: { status: 'suspended' } }).model.activeMerchant(em, M))).toBe('merchant_not_active');
    expect((await readModel({ merchant: { status: 'suspended' } }).model.merchant(em, M)).status).toBe('suspended');
    expect((await readModel({ merchant: {} }).model.activeMerchant(em, M)).legalName).toBe('金堂县赵镇便民超市');
  });

  it('a service that keeps tenant configurations only subscribes to tenant updates and has no merchants', async () => {
    const { model } = readModel({ merchants: false });
    expect(model.subscriptions().map((s) => s.event)).toEqual([TenantUpdatedV1]);
    await expect(model.merchant(em, M)).rejects.toThrow(/keeps no merchants/);
    expect(
      readModel()
        .model.subscriptions()
        .map((s) => s.event),
    ).toEqual([TenantUpdatedV1, MerchantUpdatedV1]);
  });

  it('keeps the event id beside the row and refuses an event whose data names another tenant', async () => {
    const { model, writes } = readModel();
    const event: EventEnvelope<TenantUpdatedData> = {
      id: '5f0c2a4e-8d1b-4b7a-9c3e-1a2b3c4d5e6f',
      type: 'onboarding.tenant-updated',
      version: 1,
      tenantId: 't510121',
      occurredAt: '2026-11-29T06:00:00.000Z',
      data: { tenantId: 't510121', name: '金堂县', status: 'active', config: defaultTenantConfig(), version: 3 },
    };
    await model.handleTenantUpdated(event, em);
    expect(writes[0]).toMatchObject({ tenantId: 't510121', name: '金堂县', version: 3, sourceEventId: event.id });
    await expect(model.handleTenantUpdated({ ...event, tenantId: 't510129' }, em)).rejects.toThrow(/names tenant t510121 but travels for t510129/);
  });
});

describe('onboardingReadModelTablesSql', () => {
  it('creates the merchants table only when asked, both with row-level security', () => {
    const all = onboardingReadModelTablesSql({ merchants: true }).join('\n');
    const configsOnly = onboardingReadModelTablesSql({ merchants: false }).join('\n');
    expect(all).toContain('create table merchants');
    expect(configsOnly).not.toContain('merchants');
    expect(configsOnly).toContain('alter table tenant_configs force row level security');
  });
});
