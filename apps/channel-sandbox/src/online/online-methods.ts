import { createHash } from 'node:crypto';
import type { Channel } from '../domain/channels';

/** The online methods the sandbox's wallets and UnionPay take, and the channel of each. */
export const ONLINE_METHODS = ['wechat_jsapi', 'wechat_h5', 'wechat_native', 'alipay_wap', 'alipay_page', 'unionpay_online'] as const;
export type OnlineMethod = (typeof ONLINE_METHODS)[number];

const CHANNEL_OF: Record<OnlineMethod, Channel> = {
  wechat_jsapi: 'wechat',
  wechat_h5: 'wechat',
  wechat_native: 'wechat',
  alipay_wap: 'alipay',
  alipay_page: 'alipay',
  unionpay_online: 'unionpay',
};

export function channelOfOnlineMethod(method: OnlineMethod): Channel {
  return CHANNEL_OF[method];
}

/** What a cashier gets for a method: JSAPI pay parameters, a page to redirect to, or a QR payload (Native). */
export interface OnlineInstruction {
  payParams?: Record<string, string>;
  redirectUrl?: string;
  qrPayload?: string;
}

/**
 * The method's answer, as the real channels shape it: WeChat JSAPI's `getBrandWCPayRequest`
 * parameters (prepay_id), WeChat H5's `mweb_url`, Native's `code_url`, Alipay's page URL and
 * UnionPay's front-end page — the pages are the sandbox's simulated checkout (`checkoutBase`).
 */
export function instructionFor(
  method: OnlineMethod,
  o: { orderId: string; tenantId: string; channelTradeNo: string; checkoutBase: string },
): OnlineInstruction {
  const token = createHash('sha256').update(`${o.tenantId}|${o.orderId}|${o.channelTradeNo}`).digest('base64url').slice(0, 16);
  const page = `${o.checkoutBase}/online/checkout/${CHANNEL_OF[method]}/${o.orderId}?tenantId=${o.tenantId}&method=${method}`;
  switch (method) {
    case 'wechat_jsapi': {
      const pkg = `prepay_id=wx${o.channelTradeNo.slice(-20)}`;
      return {
        payParams: {
          appId: 'wxd678efh567hg6787',
          timeStamp: String(Math.floor(Date.now() / 1000)),
          nonceStr: token,
          package: pkg,
          signType: 'RSA',
          paySign: createHash('sha256').update(`${pkg}|${token}`).digest('base64'),
        },
        redirectUrl: page,
      };
    }
    case 'wechat_native':
      return { qrPayload: `weixin://wxpay/bizpayurl?pr=${token}`, redirectUrl: page };
    case 'wechat_h5':
    case 'alipay_wap':
    case 'alipay_page':
    case 'unionpay_online':
      return { redirectUrl: page };
  }
}
