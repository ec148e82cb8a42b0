import type { PaymentChannel } from '@countypay/contracts';
import type { OnlineMethod } from './payment-methods';

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
 * QR on a desktop; Alipay wap on mobile, page on desktop; UnionPay online everywhere).
 */
export function cashierMethods(enabled: readonly PaymentChannel[], env: PayerEnvironment): OnlineMethod[] {
  const out: OnlineMethod[] = [];
  if (enabled.includes('wechat')) out.push(env === 'wechat' ? 'wechat_jsapi' : env === 'mobile' ? 'wechat_h5' : 'wechat_native');
  if (enabled.includes('alipay') && env !== 'wechat') out.push(env === 'mobile' ? 'alipay_wap' : 'alipay_page');
  if (enabled.includes('unionpay')) out.push('unionpay_online');
  return out;
}
