import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApiError,
  defaultTenantConfig,
  MerchantUpdatedV1,
  TenantConfig,
  TenantUpdatedV1,
  type EventEnvelope,
  type MerchantUpdatedData,
  type PaymentChannel,
  type PaymentProduct,
  type TenantUpdatedData,
} from '@countypay/contracts';
import { on, type Subscription } from '@countypay/messaging';
import { NotifiedCache } from '@countypay/persistence';
import { OnboardingReadModelRepository, type MerchantView, type TenantConfigRecord } from './onboarding-read-model.repository';
import { READ_MODEL_CHANNEL, type OnboardingReadModelOptions } from './onboarding-read-model.tables';
import { assertEnabled } from './tenant-enablement';

export const ONBOARDING_READ_MODEL_OPTIONS = Symbol('ONBOARDING_READ_MODEL_OPTIONS');

/** rows kept (tenants and merchants together) before the copy starts afresh */
const CACHE_MAX = 40_000;

type TenantEntry = { record: TenantConfigRecord; config: TenantConfig };
/** the cache's keys are the notifications' payloads: `tenant_configs:<tenant>`, `merchants:<tenant>:<merchant>` */
const tenantKey = (tenantId: string): string => `tenant_configs:${tenantId}`;
const merchantKey = (tenantId: string, merchantId: string): string => `merchants:${tenantId}:${merchantId}`;
const KEY = /^(tenant_configs:[^:]+|merchants:[^:]+:[^:]+)$/;

/**
 * A service's local copy of what onboarding announces — tenant configurations and (optionally)
 * merchants — kept from `onboarding.*` events and read inside the service's own tenant
 * transactions (DESIGN: no service reads another's tables). It is the `TenantPort` of
 * `@countypay/payment-intake`: `tenantConfig`, `assertEnabled`, `activeMerchant`.
 *
 * With `cache: true` (issue 14) the rows a caller reads naming its tenant are kept in memory, keyed
 * by tenant: every change of a row notifies `readmodel_<schema>` (the service's migration created
 * the triggers, `onboardingReadModelNotifySql`), each instance drops what changed at once and
 * everything when its listener reconnects; while the listener is not connected nothing is served
 * from memory. A read that began before a change is not kept; a transaction that wrote a row
 * reads it from the database (the rules of `NotifiedCache`). Several instances each keep their own
 * copy, all told by the same notifications.
 */
@Injectable()
export class OnboardingReadModel implements OnApplicationBootstrap, OnApplicationShutdown {
  /** with `cache: true`: tenants (TenantEntry) and merchants (MerchantView), keyed as notified */
  private readonly cache: NotifiedCache<TenantEntry | MerchantView> | undefined;

  constructor(
    private readonly repo: OnboardingReadModelRepository,
    @Inject(ONBOARDING_READ_MODEL_OPTIONS) private readonly options: OnboardingReadModelOptions,
    @Optional() ds?: DataSource,
  ) {
    if (options.cache) {
      if (!ds) throw new Error('the onboarding read model keeps its rows in memory (cache: true) only with its DataSource, to listen for changes');
      this.cache = new NotifiedCache<TenantEntry | MerchantView>(ds, {
        channel: READ_MODEL_CHANNEL,
        max: CACHE_MAX,
        drops: (payload) => (KEY.test(payload) ? payload : 'all'),
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.cache?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache?.stop();
  }

  /**
   * The event subscriptions that keep this read model (for the service's `SUBSCRIPTIONS`, beside
   * its own): tenant updates, and merchant updates when the service keeps merchants.
   */
  subscriptions(): Array<Subscription<TenantUpdatedData> | Subscription<MerchantUpdatedData>> {
    return [
      on(TenantUpdatedV1, (event, em) => this.handleTenantUpdated(event, em)),
      ...(this.options.merchants ? [on(MerchantUpdatedV1, (event, em) => this.handleMerchantUpdated(event, em))] : []),
    ];
  }

  async handleTenantUpdated(event: EventEnvelope<TenantUpdatedData>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.tenantId !== event.tenantId) throw new Error(`tenant-updated event ${event.id} names tenant ${d.tenantId} but travels for ${event.tenantId}`);
    // this instance forgets its copy at once (a later transaction here reads the row again), the others when notified
    this.cache?.wrote(em, tenantKey(d.tenantId));
    await this.repo.upsertTenantConfig(em, {
      tenantId: d.tenantId,
      name: d.name,
      status: d.status,
      config: d.config,
      version: d.version,
      sourceEventId: event.id,
    });
  }

  async handleMerchantUpdated(event: EventEnvelope<MerchantUpdatedData>, em: EntityManager): Promise<void> {
    this.needMerchants();
    const d = event.data;
    this.cache?.wrote(em, merchantKey(event.tenantId, d.merchantId));
    await this.repo.upsertMerchant(
      em,
      event.tenantId,
      { merchantId: d.merchantId, legalName: d.legalName, mcc: d.mcc, city: d.city, status: d.status, stores: d.stores, version: d.version },
      event.id,
    );
  }

  /**
   * The transaction's tenant as last announced (any status), or undefined before onboarding said
   * anything. `tenantId` (the transaction's tenant): named in the statement, and the key of the
   * in-memory copy with `cache: true`. Do not change the record answered: with the cache it is shared.
   */
  async tenant(em: EntityManager, tenantId?: string): Promise<TenantConfigRecord | undefined> {
    if (tenantId === undefined) return this.repo.findTenantConfig(em);
    return (await this.tenantOf(em, tenantId))?.record;
  }

  /**
   * The configuration of the transaction's tenant, which must take payments: a suspended county
   * is refused (`tenant_suspended`); `defaultTenantConfig()` until onboarding has said otherwise.
   * `tenantId` (the transaction's tenant): named in the statement, and the key of the in-memory
   * copy with `cache: true`. Do not change the object answered: with the cache it is shared.
   */
  async tenantConfig(em: EntityManager, tenantId?: string): Promise<TenantConfig> {
    const t =
      tenantId === undefined ? await this.repo.findTenantConfig(em).then((r) => r && { record: r, config: undefined }) : await this.tenantOf(em, tenantId);
    if (t?.record.status === 'suspended') throw new ApiError('tenant_suspended', 'this county is suspended and takes no payments');
    return t ? (t.config ?? plainToInstance(TenantConfig, t.record.config)) : defaultTenantConfig();
  }

  private async tenantOf(em: EntityManager, tenantId: string): Promise<TenantEntry | undefined> {
    const read = async (): Promise<TenantEntry | undefined> => {
      const record = await this.repo.findTenantConfigOf(em, tenantId);
      return record && { record, config: plainToInstance(TenantConfig, record.config) }; // not announced yet: read again next time
    };
    return this.cache ? ((await this.cache.get(tenantKey(tenantId), read, em)) as TenantEntry | undefined) : read();
  }

  /** Refuses a product or channel the tenant has not enabled (`channel_not_enabled`). */
  assertEnabled(config: TenantConfig, product: PaymentProduct, channel?: PaymentChannel): void {
    assertEnabled(config, product, channel);
  }

  /** The merchant, which must exist in this tenant (else `not_found`) and be active (else `merchant_not_active`). */
  async activeMerchant(em: EntityManager, merchantId: string, tenantId?: string): Promise<MerchantView> {
    const m = await this.merchant(em, merchantId, tenantId);
    if (m.status !== 'active')
      throw new ApiError('merchant_not_active', `merchant ${merchantId} is ${m.status}; payments are accepted for active merchants only`, 'merchantId');
    return m;
  }

  /**
   * The merchant, which must exist in this tenant (else `not_found`), whatever its status.
   * `tenantId` (the transaction's tenant): as for `tenantConfig`.
   */
  async merchant(em: EntityManager, merchantId: string, tenantId?: string): Promise<MerchantView> {
    this.needMerchants();
    const m = tenantId === undefined ? await this.repo.findMerchant(em, merchantId) : await this.merchantOf(em, tenantId, merchantId);
    if (!m) throw new ApiError('not_found', `no merchant ${merchantId}`, 'merchantId');
    return m;
  }

  private async merchantOf(em: EntityManager, tenantId: string, merchantId: string): Promise<MerchantView | undefined> {
    const read = (): Promise<MerchantView | undefined> => this.repo.findMerchantOf(em, tenantId, merchantId);
    return this.cache ? ((await this.cache.get(merchantKey(tenantId, merchantId), read, em)) as MerchantView | undefined) : read();
  }

  private needMerchants(): void {
    if (!this.options.merchants) throw new Error('this service keeps no merchants: OnboardingReadModelModule.forRoot({ merchants: true })');
  }
}
