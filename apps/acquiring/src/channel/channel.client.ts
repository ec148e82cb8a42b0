import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { callChannel, ChannelCallError, ChannelTimeoutError } from '@countypay/payment-intake';
import type { PaymentChannel } from '@countypay/contracts';
import { AcquiringConfig } from '../config/acquiring.config';
import { CreditChannel } from '../credit/credit-channel';
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

/** A quick-pay agreement as the county bank holds it. */
export interface BankAgreementAnswer {
  agreementId: string;
  status: 'active' | 'revoked';
}

// the errors of a channel call are the shared ones (payment-intake's channel-http), re-exported for this service's callers
export { ChannelCallError, ChannelTimeoutError };

/** HTTP client of the online payment channels (the channel sandbox locally). */
@Injectable()
export class AcquiringChannelClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly config: AcquiringConfig,
    private readonly credit: CreditChannel,
  ) {}

  /** 统一下单: the channel's prepay order for the chosen method (repeating it answers the same order). */
  createOnlineOrder(channel: PaymentChannel, body: OnlineOrderRequest): Promise<OnlineOrderAnswer> {
    return this.call<OnlineOrderAnswer>('POST', `/channels/${channel}/online/orders`, body);
  }

  /** undefined when the channel does not know the payment (404) */
  async query(channel: PaymentChannel, tenantId: string, orderId: string): Promise<ChannelQueryAnswer | undefined> {
    if (channel === 'county_credit') return this.credit.query(tenantId, orderId);
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
    // county credit: the hold is released (a captured one answers 409 like a paid channel order)
    if (channel === 'county_credit') return this.credit.close(tenantId, orderId);
    return this.call('POST', `/channels/${channel}/payments/${encodeURIComponent(orderId)}/close`, { tenantId });
  }

  refund(channel: PaymentChannel, body: { tenantId: string; orderId: string; refundId: string; amountFen: number }): Promise<ChannelRefundAnswer> {
    // county credit: the order's drawdown is refunded at credit
    if (channel === 'county_credit') return this.credit.refund(body.tenantId, body.orderId, body.refundId, body.amountFen);
    return this.call<ChannelRefundAnswer>('POST', `/channels/${channel}/online/refunds`, body);
  }

  /** The refund as the channel knows it; undefined when it never received it. */
  async queryRefund(channel: PaymentChannel, tenantId: string, refundId: string): Promise<ChannelRefundAnswer | undefined> {
    // county credit has no separate query: the refund is sent again (the same refund id is applied once)
    if (channel === 'county_credit') return undefined;
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

  /** 协议支付: debits the bound card's deposit account at the county bank (which refuses a revoked or unknown agreement). */
  quickPay(body: {
    tenantId: string;
    orderId: string;
    merchantId: string;
    amountFen: number;
    cardNo: string;
    agreementId?: string;
    notifyUrl?: string;
  }): Promise<ChannelQueryAnswer> {
    return this.call<ChannelQueryAnswer>('POST', `/channels/county_bank/online/quickpay`, body);
  }

  /** 签约: the county bank records the agreement for the card (idempotent). */
  signAgreement(body: { tenantId: string; agreementId: string; cardNo: string }): Promise<BankAgreementAnswer> {
    return this.call<BankAgreementAnswer>('POST', '/channels/county_bank/online/agreements', body);
  }

  /** 解约 at the county bank (idempotent); undefined when the bank never signed the agreement (404). */
  async revokeAgreement(tenantId: string, agreementId: string): Promise<BankAgreementAnswer | undefined> {
    try {
      return await this.call<BankAgreementAnswer>('POST', `/channels/county_bank/online/agreements/${encodeURIComponent(agreementId)}/revoke`, { tenantId });
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** The agreement as the county bank holds it; undefined when it never signed it. */
  async queryAgreement(tenantId: string, agreementId: string): Promise<BankAgreementAnswer | undefined> {
    try {
      return await this.call<BankAgreementAnswer>(
        'GET',
        `/channels/county_bank/online/agreements/${encodeURIComponent(agreementId)}?tenantId=${encodeURIComponent(tenantId)}`,
      );
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return undefined;
      throw e;
    }
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    return callChannel<T>(this.urls.url('channel-sandbox'), this.config.ACQ_CHANNEL_TIMEOUT_MS, method, path, body);
  }
}
