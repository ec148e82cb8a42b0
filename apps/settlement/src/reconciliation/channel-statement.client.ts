import { Injectable } from '@nestjs/common';
import { ApiError, type PaymentChannel } from '@countypay/contracts';
import { ServiceUrlsConfig } from '@countypay/config';
import { SettlementConfig } from '../config/settlement.config';

/** The channel's answer to a payment query (查询订单). */
export interface ChannelPaymentAnswer {
  status: 'user_paying' | 'succeeded' | 'failed' | 'reversed' | 'closed';
  channelTradeNo: string;
  amountFen: number;
  /** what the channel has given back of it so far (refunds) */
  refundedFen?: number;
}

export interface ChannelRefundAnswer {
  status: 'succeeded' | 'failed';
  channelRefundNo: string;
  reason?: string;
}

/** The channel's answer to a refund query (退款查询). */
export interface ChannelRefundQueryAnswer {
  status: 'succeeded' | 'failed';
  channelRefundNo: string;
  amountFen: number;
  reason?: string;
}

/**
 * HTTP client of the channels' reconciliation interfaces (the channel sandbox locally): the daily
 * statement file in the channel's own format, the payment and refund queries, and the refund a late success
 * is sent back with. A channel that does not answer is `statement_unavailable` (502).
 */
@Injectable()
export class ChannelStatementClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly config: SettlementConfig,
  ) {}

  private base(): string {
    return this.urls.url('channel-sandbox');
  }

  /** The statement file's bytes, or undefined when the channel has none for that day (404). */
  async statement(channel: PaymentChannel, tenantId: string, date: string): Promise<Buffer> {
    const res = await this.fetch(`/statements/${channel}/${tenantId}/${date}/file`, { method: 'GET' }, `${channel} statement of ${date}`);
    if (!res.ok) throw new ApiError('statement_unavailable', `the ${channel} statement of ${date} could not be fetched (HTTP ${res.status})`, 'channel');
    return Buffer.from(await res.arrayBuffer());
  }

  /** The channel's record of a payment, or undefined when it has none. */
  async queryPayment(channel: PaymentChannel, tenantId: string, orderId: string): Promise<ChannelPaymentAnswer | undefined> {
    const res = await this.fetch(`/channels/${channel}/payments/${orderId}?tenantId=${tenantId}`, { method: 'GET' }, `${channel} payment query`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new ApiError('statement_unavailable', `the ${channel} payment query answered HTTP ${res.status}`, 'channel');
    return (await res.json()) as ChannelPaymentAnswer;
  }

  /** The channel's record of a refund, or undefined when it has none. */
  async queryRefund(channel: PaymentChannel, tenantId: string, refundId: string): Promise<ChannelRefundQueryAnswer | undefined> {
    const res = await this.fetch(
      `/channels/${channel}/refunds/${encodeURIComponent(refundId)}?tenantId=${tenantId}`,
      { method: 'GET' },
      `${channel} refund query`,
    );
    if (res.status === 404) return undefined;
    if (!res.ok) throw new ApiError('statement_unavailable', `the ${channel} refund query answered HTTP ${res.status}`, 'channel');
    return (await res.json()) as ChannelRefundQueryAnswer;
  }

  /** Refunds a payment in full through the channel, once per refund id (a repeat answers the first result). */
  async refund(channel: PaymentChannel, tenantId: string, orderId: string, refundId: string, amountFen: bigint): Promise<ChannelRefundAnswer> {
    const res = await this.fetch(
      `/channels/${channel}/refunds`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId, orderId, refundId, amountFen: Number(amountFen) }) },
      `${channel} refund`,
    );
    if (!res.ok) throw new ApiError('channel_error', `the ${channel} refund answered HTTP ${res.status}`, 'channel');
    return (await res.json()) as ChannelRefundAnswer;
  }

  private async fetch(path: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(`${this.base()}${path}`, { ...init, signal: AbortSignal.timeout(this.config.SETTLEMENT_PAYOUT_TIMEOUT_MS) });
    } catch {
      throw new ApiError('statement_unavailable', `${what}: the channel did not answer`, 'channel');
    }
  }
}
