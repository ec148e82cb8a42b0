import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { EntityManager } from 'typeorm';
import {
  ApiError,
  defaultTenantConfig,
  TenantConfig,
  type EventEnvelope,
  type MerchantUpdatedData,
  type PaymentChannel,
  type PaymentProduct,
  type TenantUpdatedData,
} from '@countypay/contracts';
import type { TenantBarcodeLimits } from '../domain/barcode-limits';
import type { CountyBankPayerCodeRule } from '../domain/payer-code-router';
import { CHANNEL_NAMES } from '../domain/payment-routing';
import { ReadModelRepository, type MerchantView } from './read-model.repository';

/** The county bank app's payer codes have this many digits in all (the tenant config names the prefix only). */
export const COUNTY_BANK_PAYER_CODE_LENGTH = 18;

/** The merchant and tenant read models: kept from onboarding events, checked before every payment. */
@Injectable()
export class ReadModelService {
  constructor(private readonly repo: ReadModelRepository) {}

  handleMerchantUpdated(event: EventEnvelope<MerchantUpdatedData>, em: EntityManager): Promise<void> {
    const d = event.data;
    return this.repo.upsertMerchant(em, event.tenantId, {
      merchantId: d.merchantId,
      legalName: d.legalName,
      mcc: d.mcc,
      city: d.city,
      status: d.status,
      stores: d.stores,
      version: d.version,
    });
  }

  handleTenantUpdated(event: EventEnvelope<TenantUpdatedData>, em: EntityManager): Promise<void> {
    const d = event.data;
    return this.repo.upsertTenantConfig(em, event.tenantId, { status: d.status, config: d.config, version: d.version });
  }

  /**
   * The configuration of an active tenant; `defaultTenantConfig()` until onboarding has told
   * us otherwise. A suspended county takes no payments (`tenant_suspended`).
   */
  async tenantConfig(em: EntityManager): Promise<TenantConfig> {
    const view = await this.repo.findTenantConfig(em);
    if (view?.status === 'suspended') throw new ApiError('tenant_suspended', 'this county is suspended and takes no payments');
    return view ? plainToInstance(TenantConfig, view.config) : defaultTenantConfig();
  }

  /** The merchant, which must exist in this tenant (else 404) and be active (else merchant_not_active). */
  async activeMerchant(em: EntityManager, merchantId: string): Promise<MerchantView> {
    const m = await this.repo.findMerchant(em, merchantId);
    if (!m) throw new ApiError('not_found', `no merchant ${merchantId}`, 'merchantId');
    if (m.status !== 'active')
      throw new ApiError('merchant_not_active', `merchant ${merchantId} is ${m.status}; payments are accepted for active merchants only`, 'merchantId');
    return m;
  }

  async merchant(em: EntityManager, merchantId: string): Promise<MerchantView> {
    const m = await this.repo.findMerchant(em, merchantId);
    if (!m) throw new ApiError('not_found', `no merchant ${merchantId}`, 'merchantId');
    return m;
  }
}

/** Refuses a product or channel the tenant has not enabled. */
export function assertEnabled(config: TenantConfig, product: PaymentProduct, channel?: PaymentChannel): void {
  if (!config.enabledProducts.includes(product))
    throw new ApiError('channel_not_enabled', `the ${product} product is not enabled for this county`);
  if (channel && !config.enabledChannels.includes(channel))
    throw new ApiError(
      'channel_not_enabled',
      `${CHANNEL_NAMES[channel]} (${channel}) is not enabled for this county; enabled: ${config.enabledChannels.join(', ') || 'none'}`,
    );
}

/** The tenant's barcode limits in the domain's bigint form. */
export function tenantBarcodeLimits(config: TenantConfig): TenantBarcodeLimits {
  const l = config.barcodeLimits ?? {};
  const big = (v: number | undefined): bigint | undefined => (v === undefined || v === null ? undefined : BigInt(v));
  return {
    ...(l.staticFen !== undefined ? { staticFen: big(l.staticFen) } : {}),
    ...(l.dynamicLevelCFen !== undefined ? { levelCFen: big(l.dynamicLevelCFen) } : {}),
    ...(l.dynamicLevelBFen !== undefined ? { levelBFen: big(l.dynamicLevelBFen) } : {}),
    ...(l.dynamicLevelAFen !== undefined ? { levelAFen: big(l.dynamicLevelAFen) } : {}),
  };
}

/** The county bank's payer-code rule, when the tenant has its own app. */
export function countyBankRule(config: TenantConfig): CountyBankPayerCodeRule | undefined {
  return config.countyBankPayerCodePrefix ? { prefix: config.countyBankPayerCodePrefix, length: COUNTY_BANK_PAYER_CODE_LENGTH } : undefined;
}
