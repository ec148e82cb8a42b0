import { countypayMerchantAccount, encodeMpm, type MpmFields } from '@countypay/emvco';
import { compactUuid } from '../domain/payment-routing';

/**
 * EMVCo MPM payloads of countypay codes. Ids go in compact form (22 characters of base64url,
 * see `compactUuid`) so that merchant, store, tenant and resolve URL fit the 99-character
 * merchant account template; names are cut to the EMVCo maxima (name 25, city 15).
 */
export interface PayloadMerchant {
  readonly merchantId: string;
  readonly legalName: string;
  readonly mcc: string;
  readonly city: string;
}

const cut = (text: string, max: number): string =>
  Array.from(text.trim() || '-')
    .slice(0, max)
    .join('');
/** The template is at most 99 characters: 4 per sub-field header plus the values. */
const TEMPLATE_MAX = 99;

function templateLength(parts: ReadonlyArray<string | undefined>): number {
  return parts.reduce((n, v) => (v === undefined ? n : n + 4 + Array.from(v).length), 0);
}

/** Dynamic (per-order) code: point of initiation 12, the amount, the order reference as bill number. */
export function dynamicOrderPayload(p: { tenantId: string; merchant: PayloadMerchant; storeId?: string | null; orderId: string; amountFen: bigint }): string {
  const ref = compactUuid(p.orderId);
  const fields: MpmFields = {
    pointOfInitiation: 'dynamic',
    merchantAccounts: [
      countypayMerchantAccount({
        merchantId: compactUuid(p.merchant.merchantId),
        tenantCode: p.tenantId,
        ...(p.storeId ? { storeId: compactUuid(p.storeId) } : {}),
      }),
    ],
    merchantCategoryCode: p.merchant.mcc,
    transactionCurrency: '156',
    countryCode: 'CN',
    amountFen: p.amountFen,
    merchantName: cut(p.merchant.legalName, 25),
    merchantCity: cut(p.merchant.city, 15),
    additionalData: { billNumber: ref, referenceLabel: ref },
  };
  return encodeMpm(fields);
}

/**
 * Static (sticker) code: point of initiation 11, no amount, the resolve URL in the template
 * when it fits beside the ids (the ids are in sub-tags 01/03/04 either way, so a resolver
 * can always rebuild `<base>/qr/r/<tenant>/<merchant>[/<store>]`).
 */
export function staticCodePayload(p: { tenantId: string; merchant: PayloadMerchant; storeId?: string | null; resolveBaseUrl: string }): {
  payload: string;
  resolveUrlInPayload: boolean;
} {
  const merchantId = compactUuid(p.merchant.merchantId);
  const storeId = p.storeId ? compactUuid(p.storeId) : undefined;
  const withUrl = templateLength(['cn.countypay', merchantId, p.resolveBaseUrl, p.tenantId, storeId]) <= TEMPLATE_MAX;
  const payload = encodeMpm({
    pointOfInitiation: 'static',
    merchantAccounts: [
      countypayMerchantAccount({
        merchantId,
        tenantCode: p.tenantId,
        ...(withUrl ? { resolveUrl: p.resolveBaseUrl } : {}),
        ...(storeId ? { storeId } : {}),
      }),
    ],
    merchantCategoryCode: p.merchant.mcc,
    transactionCurrency: '156',
    countryCode: 'CN',
    merchantName: cut(p.merchant.legalName, 25),
    merchantCity: cut(p.merchant.city, 15),
  });
  return { payload, resolveUrlInPayload: withUrl };
}
