import type { PaymentChannel } from '@countypay/contracts';

/**
 * The online payment methods a cashier offers and the channel each goes through. The payer
 * picks the method at pay time; the order is created without one.
 */
export const ONLINE_METHODS = ['wechat_jsapi', 'wechat_h5', 'wechat_native', 'alipay_wap', 'alipay_page', 'unionpay_online'] as const;
export type OnlineMethod = (typeof ONLINE_METHODS)[number];

export function channelOfMethod(method: OnlineMethod): PaymentChannel {
  switch (method) {
    case 'wechat_jsapi':
    case 'wechat_h5':
    case 'wechat_native':
      return 'wechat';
    case 'alipay_wap':
    case 'alipay_page':
      return 'alipay';
    case 'unionpay_online':
      return 'unionpay';
    default: {
      const never: never = method;
      throw new Error(`unknown method ${String(never)}`);
    }
  }
}

/**
 * Every method an order can be paid with: the online ones, the county bank's card quick pay (协议支付)
 * and county credit payment (信用付: a hold on the payer's credit line, captured into a drawdown).
 */
export const ORDER_METHODS = [...ONLINE_METHODS, 'card_quickpay', 'county_credit'] as const;
export type OrderMethod = (typeof ORDER_METHODS)[number];

/**
 * What the cashier does with a method's answer: call the wallet's JS bridge, redirect, or show a
 * QR code; `none` when the answer is already the result (county credit: held and captured at once).
 */
export type CashierAction = 'js_bridge' | 'redirect' | 'qr_code' | 'none';

export function cashierActionOf(method: OnlineMethod): CashierAction {
  switch (method) {
    case 'wechat_jsapi':
      return 'js_bridge';
    case 'wechat_native':
      return 'qr_code';
    case 'wechat_h5':
    case 'alipay_wap':
    case 'alipay_page':
    case 'unionpay_online':
      return 'redirect';
    default: {
      const never: never = method;
      throw new Error(`unknown method ${String(never)}`);
    }
  }
}

/** Expiry bounds of an order: 1 minute to 15 days. */
export const MIN_EXPIRY_SECONDS = 60;
export const MAX_EXPIRY_SECONDS = 15 * 24 * 3600;
