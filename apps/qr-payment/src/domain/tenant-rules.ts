import type { TenantConfig } from '@countypay/contracts';
import type { TenantBarcodeLimits } from './barcode-limits';
import type { CountyBankPayerCodeRule } from './payer-code-router';

/** How QR payment reads a county's configuration (the onboarding read model keeps it). */

/** The county bank app's payer codes have this many digits in all (the tenant config names the prefix only). */
export const COUNTY_BANK_PAYER_CODE_LENGTH = 18;

/** The tenant's barcode limits in the domain's bigint form. */
export function tenantBarcodeLimits(config: Pick<TenantConfig, 'barcodeLimits'>): TenantBarcodeLimits {
  const l = config.barcodeLimits ?? {};
  const big = (v: number | undefined | null): bigint | undefined => (v === undefined || v === null ? undefined : BigInt(v));
  return {
    ...(l.staticFen !== undefined ? { staticFen: big(l.staticFen) } : {}),
    ...(l.dynamicLevelCFen !== undefined ? { levelCFen: big(l.dynamicLevelCFen) } : {}),
    ...(l.dynamicLevelBFen !== undefined ? { levelBFen: big(l.dynamicLevelBFen) } : {}),
    ...(l.dynamicLevelAFen !== undefined ? { levelAFen: big(l.dynamicLevelAFen) } : {}),
  };
}

/** The county bank's payer-code rule, when the tenant has its own app. */
export function countyBankRule(config: Pick<TenantConfig, 'countyBankPayerCodePrefix'>): CountyBankPayerCodeRule | undefined {
  return config.countyBankPayerCodePrefix ? { prefix: config.countyBankPayerCodePrefix, length: COUNTY_BANK_PAYER_CODE_LENGTH } : undefined;
}
