import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { callChannel, ChannelCallError, ChannelTimeoutError } from '@countypay/payment-intake';
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

// the errors of a channel call are the shared ones (payment-intake's channel-http), re-exported for this service's callers
export { ChannelCallError, ChannelTimeoutError };

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

  private call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    return callChannel<T>(this.urls.url('channel-sandbox'), this.config.QR_CHANNEL_TIMEOUT_MS, method, path, body);
  }
}
