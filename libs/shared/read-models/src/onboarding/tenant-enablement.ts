import { ApiError, type PaymentChannel, type PaymentProduct, type TenantConfig } from '@countypay/contracts';

/**
 * Refuses a product, or a channel of it, the tenant has not enabled (`channel_not_enabled`, 422):
 * every payment product checks this before it takes a payment. `county_credit` (the payer's
 * county credit line) is enabled by the county's `credit` product, not by `enabledChannels`.
 */
export function assertEnabled(config: Pick<TenantConfig, 'enabledProducts' | 'enabledChannels'>, product: PaymentProduct, channel?: PaymentChannel): void {
  if (!config.enabledProducts.includes(product)) throw new ApiError('channel_not_enabled', `the ${product} product is not enabled for this county`);
  // the payer's county credit line: a payment method wherever the county offers credit payment (ADR 0016)
  if (channel === 'county_credit') {
    if (!config.enabledProducts.includes('credit')) throw new ApiError('channel_not_enabled', 'credit payment is not enabled for this county');
    return;
  }
  if (channel !== undefined && !config.enabledChannels.includes(channel))
    throw new ApiError('channel_not_enabled', `the ${channel} channel is not enabled for this county; enabled: ${config.enabledChannels.join(', ') || 'none'}`);
}
