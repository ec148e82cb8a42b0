import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import type { PaymentChannel } from '@countypay/contracts';
import { AcquiringConfig } from '../config/acquiring.config';
import type { ChannelPaymentStatus } from '../domain/channel-status';
import type { OnlineMethod } from '../domain/payment-methods';

export interface OnlineOrderRequest {
  tenantId: string;
  orderId: string;
  merchantId: string;
  amountFen: number;
  method: OnlineMethod;
  notifyUrl?: string;
  description?: string;
  payerId?: string;
  expiresAt?: string;
}

export interface OnlineOrderAnswer {
  status: ChannelPaymentStatus;
  channelTradeNo: string;
  payParams?: Record<string, string>;
  redirectUrl?: string;
  qrPayload?: string;
}

export interface ChannelQueryAnswer {
  status: ChannelPaymentStatus;
  channelTradeNo: string;
  amountFen: number;
  refundedFen?: number;
  reason?: string;
  payerId?: string;
}

export interface ChannelRefundAnswer {
  status: 'succeeded' | 'failed';
  channelRefundNo: string;
  reason?: string;
}

/** The channel did not answer in time (or answered 504): the outcome of the call is unknown. */
export class ChannelTimeoutError extends Error {
  constructor(readonly what: string) {
    super(`channel call timed out: ${what}`);
    this.name = 'ChannelTimeoutError';
  }
}

/** The channel answered with an error other than a timeout. */
export class ChannelCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`channel call failed: ${what} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'ChannelCallError';
  }
}

/** HTTP client of the online payment channels (the channel sandbox locally). */
@Injectable()
export class AcquiringChannelClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly config: AcquiringConfig,
  ) {}

  /** 统一下单: the channel's prepay order for the chosen method (repeating it answers the same order). */
  createOnlineOrder(channel: PaymentChannel, body: OnlineOrderRequest): Promise<OnlineOrderAnswer> {
    return this.call<OnlineOrderAnswer>('POST', `/channels/${channel}/online/orders`, body);
  }

  /** undefined when the channel does not know the payment (404) */
  async query(channel: PaymentChannel, tenantId: string, orderId: string): Promise<ChannelQueryAnswer | undefined> {
    try {
      return await this.call<ChannelQueryAnswer>(
        'GET',
        `/channels/${channel}/payments/${encodeURIComponent(orderId)}?tenantId=${encodeURIComponent(tenantId)}`,
      );
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** 关单; a 409 means the channel's order is already paid (or failed) and cannot be closed. */
  close(channel: PaymentChannel, tenantId: string, orderId: string): Promise<{ status: ChannelPaymentStatus }> {
    return this.call('POST', `/channels/${channel}/payments/${encodeURIComponent(orderId)}/close`, { tenantId });
  }

  refund(channel: PaymentChannel, body: { tenantId: string; orderId: string; refundId: string; amountFen: number }): Promise<ChannelRefundAnswer> {
    return this.call<ChannelRefundAnswer>('POST', `/channels/${channel}/online/refunds`, body);
  }

  /** The refund as the channel knows it; undefined when it never received it. */
  async queryRefund(channel: PaymentChannel, tenantId: string, refundId: string): Promise<ChannelRefundAnswer | undefined> {
    try {
      return await this.call<ChannelRefundAnswer>(
        'GET',
        `/channels/${channel}/online/refunds/${encodeURIComponent(refundId)}?tenantId=${encodeURIComponent(tenantId)}`,
      );
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** 四要素: the county core banking checks card number, holder name, ID number and reserved mobile. */
  verifyCard(tenantId: string, card: { cardNo: string; holderName: string; idNumber: string; mobile: string }): Promise<{ matched: boolean; reason?: string }> {
    return this.call('POST', `/core/${tenantId}/cards/verify`, card);
  }

  /** The county bank's SMS gateway. */
  sendSms(tenantId: string, mobile: string, text: string): Promise<{ sent: true }> {
    return this.call('POST', `/sms/${tenantId}/messages`, { mobile, text });
  }

  /** 协议支付: debits the bound card's deposit account at the county bank. */
  quickPay(body: {
    tenantId: string;
    orderId: string;
    merchantId: string;
    amountFen: number;
    cardNo: string;
    notifyUrl?: string;
  }): Promise<ChannelQueryAnswer> {
    return this.call<ChannelQueryAnswer>('POST', `/channels/county_bank/online/quickpay`, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.urls.url('channel-sandbox')}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.config.ACQ_CHANNEL_TIMEOUT_MS),
      });
    } catch (e) {
      throw Object.assign(new ChannelTimeoutError(what), { cause: e });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 504) throw new ChannelTimeoutError(what);
    if (!res.ok) throw new ChannelCallError(what, res.status, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ChannelCallError(what, res.status, `not JSON: ${text.slice(0, 100)}`);
    }
  }
}
