import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import type { PaymentChannel } from '@countypay/contracts';
import type { ChannelPaymentStatus } from '../domain/payment-routing';
import { QrPaymentConfig } from '../config/qr-payment.config';

export type ChannelPaymentKind = 'payer_code' | 'qr_static' | 'qr_dynamic';

export interface ChannelPayRequest {
  tenantId: string;
  orderId: string;
  merchantId: string;
  amountFen: number;
  kind: ChannelPaymentKind;
  payerCode?: string;
  payerId?: string;
  notifyUrl?: string;
  description?: string;
}

export interface ChannelPayAnswer {
  status: 'succeeded' | 'failed' | 'user_paying';
  channelTradeNo: string;
  reason?: string;
  payerId?: string;
}

export interface ChannelQueryAnswer {
  status: ChannelPaymentStatus;
  channelTradeNo: string;
  amountFen: number;
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

/** HTTP client of the payment channels (the channel sandbox locally). */
@Injectable()
export class ChannelClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly config: QrPaymentConfig,
  ) {}

  pay(channel: PaymentChannel, body: ChannelPayRequest): Promise<ChannelPayAnswer> {
    return this.call<ChannelPayAnswer>('POST', `/channels/${channel}/payments`, body);
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

  reverse(channel: PaymentChannel, tenantId: string, orderId: string): Promise<{ status: string }> {
    return this.call('POST', `/channels/${channel}/payments/${encodeURIComponent(orderId)}/reverse`, { tenantId });
  }

  close(channel: PaymentChannel, tenantId: string, orderId: string): Promise<{ status: string }> {
    return this.call('POST', `/channels/${channel}/payments/${encodeURIComponent(orderId)}/close`, { tenantId });
  }

  refund(channel: PaymentChannel, body: { tenantId: string; orderId: string; refundId: string; amountFen: number }): Promise<ChannelRefundAnswer> {
    return this.call<ChannelRefundAnswer>('POST', `/channels/${channel}/refunds`, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.urls.url('channel-sandbox')}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.config.QR_CHANNEL_TIMEOUT_MS),
      });
    } catch (e) {
      // aborted by our timeout, connection reset…: we cannot know whether the channel acted
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
