import type { MerchantAccountTemplate, MpmFields } from './mpm-fields';
import type { TlvEntry } from './tlv';

/**
 * countypay's merchant account information template.
 *
 * Carried in the first template slot, tag 26 (any of 26–51 is accepted on read), as
 * nested TLV; the whole template must fit in 99 characters:
 *
 * | sub-tag | content                        | format                                        |
 * |---------|--------------------------------|-----------------------------------------------|
 * | 00      | globally unique identifier     | `cn.countypay` (reverse domain name)          |
 * | 01      | merchant id                    | 1–32 of `[A-Za-z0-9_-]`, mandatory            |
 * | 02      | resolve URL (static codes)     | `https://…`, printable ASCII, optional        |
 * | 03      | tenant code (county entity)    | 1–12 of `[A-Za-z0-9]`, mandatory              |
 * | 04      | store id                       | 1–32 of `[A-Za-z0-9_-]`, optional             |
 *
 * The tenant code is in the code itself because every lookup runs under PostgreSQL
 * row-level security with the tenant set first: the payment service must know the
 * tenant before it can look the merchant up. Any other sub-tag under `cn.countypay`
 * is rejected. The budget is tight: with a 20-character merchant id and a 6-character
 * tenant code, the resolve URL has 45 characters, so make it a short code URL
 * (`https://q.countypay.cn/s/AB12CD34`), never one with query parameters.
 *
 * Dynamic (per-order) codes carry the payment order's short reference in tag 62
 * sub-tag 05 (reference label) and the terminal in 62/07 (terminal label).
 */
export const COUNTYPAY_GUID = 'cn.countypay';
export const COUNTYPAY_TEMPLATE_TAG = '26';

export interface CountypayMerchantAccount {
  readonly merchantId: string;
  readonly tenantCode: string;
  readonly resolveUrl?: string;
  readonly storeId?: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const TENANT_PATTERN = /^[A-Za-z0-9]{1,12}$/;
const URL_PATTERN = /^https:\/\/[\x21-\x7e]+$/;
const KNOWN_SUBTAGS = new Set(['01', '02', '03', '04']);

/** Build the countypay template (tag 26 unless told otherwise). Validation happens in `encodeMpm`. */
export function countypayMerchantAccount(account: CountypayMerchantAccount, tag: string = COUNTYPAY_TEMPLATE_TAG): MerchantAccountTemplate {
  const subfields: TlvEntry[] = [{ tag: '01', value: account.merchantId }];
  if (account.resolveUrl !== undefined) subfields.push({ tag: '02', value: account.resolveUrl });
  subfields.push({ tag: '03', value: account.tenantCode });
  if (account.storeId !== undefined) subfields.push({ tag: '04', value: account.storeId });
  return { tag, globallyUniqueId: COUNTYPAY_GUID, subfields };
}

/** The countypay account of a decoded payload, or undefined if it has no `cn.countypay` template. */
export function readCountypayMerchantAccount(fields: Pick<MpmFields, 'merchantAccounts'>): CountypayMerchantAccount | undefined {
  const template = fields.merchantAccounts.find((t) => t.globallyUniqueId === COUNTYPAY_GUID);
  if (!template) return undefined;
  const get = (sub: string): string | undefined => template.subfields.find((s) => s.tag === sub)?.value;
  const merchantId = get('01');
  const tenantCode = get('03');
  if (merchantId === undefined || tenantCode === undefined) return undefined;
  const resolveUrl = get('02');
  const storeId = get('04');
  return {
    merchantId,
    tenantCode,
    ...(resolveUrl !== undefined ? { resolveUrl } : {}),
    ...(storeId !== undefined ? { storeId } : {}),
  };
}

/** Problems with a `cn.countypay` template's sub-tags, as sentences (empty when valid). */
export function countypayTemplateProblems(template: MerchantAccountTemplate): string[] {
  const problems: string[] = [];
  const byTag = new Map(template.subfields.map((s) => [s.tag, s.value]));
  const merchantId = byTag.get('01');
  if (merchantId === undefined) problems.push('sub-tag 01 (merchant id) is mandatory');
  else if (!ID_PATTERN.test(merchantId)) problems.push(`sub-tag 01 (merchant id) must be 1–32 of A-Z a-z 0-9 _ -, got '${merchantId}'`);
  const url = byTag.get('02');
  if (url !== undefined && !URL_PATTERN.test(url))
    problems.push(`sub-tag 02 (resolve URL) must be an https:// URL in printable ASCII without spaces, got '${url}'`);
  const tenantCode = byTag.get('03');
  if (tenantCode === undefined) problems.push('sub-tag 03 (tenant code) is mandatory');
  else if (!TENANT_PATTERN.test(tenantCode)) problems.push(`sub-tag 03 (tenant code) must be 1–12 of A-Z a-z 0-9, got '${tenantCode}'`);
  const storeId = byTag.get('04');
  if (storeId !== undefined && !ID_PATTERN.test(storeId)) problems.push(`sub-tag 04 (store id) must be 1–32 of A-Z a-z 0-9 _ -, got '${storeId}'`);
  for (const sub of byTag.keys()) {
    if (!KNOWN_SUBTAGS.has(sub)) problems.push(`sub-tag ${sub} is not defined for ${COUNTYPAY_GUID} (allowed: 01–04)`);
  }
  return problems;
}
