import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { EntityManager } from 'typeorm';
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
import { OnboardingReadModelRepository, type MerchantView, type TenantConfigRecord } from './onboarding-read-model.repository';
import type { OnboardingReadModelOptions } from './onboarding-read-model.tables';
import { assertEnabled } from './tenant-enablement';

export const ONBOARDING_READ_MODEL_OPTIONS = Symbol('ONBOARDING_READ_MODEL_OPTIONS');

/**
 * A service's local copy of what onboarding announces — tenant configurations and (optionally)
 * merchants — kept from `onboarding.*` events and read inside the service's own tenant
 * transactions (DESIGN: no service reads another's tables). It is the `TenantPort` of
 * `@countypay/payment-intake`: `tenantConfig`, `assertEnabled`, `activeMerchant`.
 */
@Injectable()
export class OnboardingReadModel {
  constructor(
    private readonly repo: OnboardingReadModelRepository,
    @Inject(ONBOARDING_READ_MODEL_OPTIONS) private readonly options: OnboardingReadModelOptions,
  ) {}

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
    await this.repo.upsertMerchant(
      em,
      event.tenantId,
      { merchantId: d.merchantId, legalName: d.legalName, mcc: d.mcc, city: d.city, status: d.status, stores: d.stores, version: d.version },
      event.id,
    );
  }

  /** The transaction's tenant as last announced (any status), or undefined before onboarding said anything. */
  tenant(em: EntityManager): Promise<TenantConfigRecord | undefined> {
    return this.repo.findTenantConfig(em);
  }

  /**
   * The configuration of the transaction's tenant, which must take payments: a suspended county
   * is refused (`tenant_suspended`); `defaultTenantConfig()` until onboarding has said otherwise.
   */
  async tenantConfig(em: EntityManager): Promise<TenantConfig> {
    const t = await this.repo.findTenantConfig(em);
    if (t?.status === 'suspended') throw new ApiError('tenant_suspended', 'this county is suspended and takes no payments');
    return t ? plainToInstance(TenantConfig, t.config) : defaultTenantConfig();
  }

  /** Refuses a product or channel the tenant has not enabled (`channel_not_enabled`). */
  assertEnabled(config: TenantConfig, product: PaymentProduct, channel?: PaymentChannel): void {
    assertEnabled(config, product, channel);
  }

  /** The merchant, which must exist in this tenant (else `not_found`) and be active (else `merchant_not_active`). */
  async activeMerchant(em: EntityManager, merchantId: string): Promise<MerchantView> {
    const m = await this.merchant(em, merchantId);
    if (m.status !== 'active')
      throw new ApiError('merchant_not_active', `merchant ${merchantId} is ${m.status}; payments are accepted for active merchants only`, 'merchantId');
    return m;
  }

  /** The merchant, which must exist in this tenant (else `not_found`), whatever its status. */
  async merchant(em: EntityManager, merchantId: string): Promise<MerchantView> {
    this.needMerchants();
    const m = await this.repo.findMerchant(em, merchantId);
    if (!m) throw new ApiError('not_found', `no merchant ${merchantId}`, 'merchantId');
    return m;
  }

  private needMerchants(): void {
    if (!this.options.merchants) throw new Error('this service keeps no merchants: OnboardingReadModelModule.forRoot({ merchants: true })');
  }
}
