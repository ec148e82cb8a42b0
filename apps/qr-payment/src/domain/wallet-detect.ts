/**
 * Which wallet opened the static code's resolve URL, from the HTTP User-Agent. Decides
 * whether the resolve page starts a WeChat Pay JSAPI, Alipay, UnionPay (Cloud QuickPass)
 * or county bank app payment, or shows a "please scan with your wallet" page.
 *
 * Order of checks: the tenant's own app first (its web view may also mention UnionPay
 * because it embeds the UnionPay SDK), then WeChat, Alipay, UnionPay. Matching is
 * case-insensitive on whole tokens.
 */
export type DetectedWallet = 'wechat' | 'alipay' | 'unionpay' | 'county_bank' | 'unknown';

export const DEFAULT_COUNTY_BANK_UA_TOKEN = 'CountyBankApp';

export interface WalletDetectOptions {
  /** The UA token of the tenant's own app (letters, digits, '.', '_', '-'). Default `CountyBankApp`. */
  readonly countyBankUaToken?: string;
}

const TOKEN_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A whole UA token: preceded by start/space/'('/';'/'/' and followed by '/', space, ')', ';' or end. */
const tokenRegex = (token: string): RegExp => new RegExp(`(?:^|[\\s(;/])${escape(token)}(?=$|[\\s/);])`, 'i');

const WECHAT = tokenRegex('MicroMessenger');
const ALIPAY = tokenRegex('AlipayClient');
const UNIONPAY = [tokenRegex('UnionPay'), tokenRegex('CloudPay'), /com\.unionpay(?:\.|\b)/i];

export function detectWallet(userAgent: string | undefined | null, options: WalletDetectOptions = {}): DetectedWallet {
  const countyToken = options.countyBankUaToken ?? DEFAULT_COUNTY_BANK_UA_TOKEN;
  if (!TOKEN_PATTERN.test(countyToken)) throw new RangeError(`county bank UA token must be 3–64 of A-Z a-z 0-9 . _ -, got '${countyToken}'`);
  if (typeof userAgent !== 'string' || userAgent.length === 0) return 'unknown';
  const ua = userAgent.slice(0, 2048); // a UA is a header: bound the work
  if (tokenRegex(countyToken).test(ua)) return 'county_bank';
  if (WECHAT.test(ua)) return 'wechat';
  if (ALIPAY.test(ua)) return 'alipay';
  if (UNIONPAY.some((r) => r.test(ua))) return 'unionpay';
  return 'unknown';
}
