import type { PaymentChannel } from '@countypay/contracts';
import type { OrderMethod } from './payment-methods';

/** Where the payer opened the cashier: inside WeChat, a mobile browser, or a desktop browser. */
export type PayerEnvironment = 'wechat' | 'mobile' | 'desktop';

export function environmentOf(userAgent: string | undefined): PayerEnvironment {
  const ua = userAgent ?? '';
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  if (/Mobile|Android|iPhone|iPad/i.test(ua)) return 'mobile';
  return 'desktop';
}

/**
 * The methods the hosted cashier offers: only the channels the county enabled, each in the form
 * that works where the payer is (WeChat JSAPI inside WeChat, H5 in other mobile browsers, Native
 * QR on a desktop; Alipay wap on mobile, page on desktop; UnionPay online everywhere), then the
 * county bank's card quick pay (channel county_bank) and county credit payment (channel
 * county_credit, offered wherever the county enabled its credit product), which the cashier runs
 * in its own page steps.
 */
export function cashierMethods(enabled: readonly PaymentChannel[], env: PayerEnvironment, opts: { credit?: boolean } = {}): OrderMethod[] {
  const out: OrderMethod[] = [];
  if (enabled.includes('wechat')) out.push(env === 'wechat' ? 'wechat_jsapi' : env === 'mobile' ? 'wechat_h5' : 'wechat_native');
  if (enabled.includes('alipay') && env !== 'wechat') out.push(env === 'mobile' ? 'alipay_wap' : 'alipay_page');
  if (enabled.includes('unionpay')) out.push('unionpay_online');
  if (enabled.includes('county_bank')) out.push('card_quickpay');
  if (opts.credit) out.push('county_credit');
  return out;
}
