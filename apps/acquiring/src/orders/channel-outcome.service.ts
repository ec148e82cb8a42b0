import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import type { Logger } from '@countypay/observability';
import { LOGGER } from '@countypay/service-kit';
import { orderEventOfChannelStatus, reasonCode, type ChannelPaymentStatus } from '../domain/channel-status';
import { OrderStateService, type ApplyResult } from './order-state.service';
import type { OrderRecord } from './orders.repository';

/** What a channel reported about a payment (a notification or an active query). */
export interface ChannelReport {
  channel: PaymentChannel;
  status: ChannelPaymentStatus;
  channelTradeNo: string;
  amountFen: bigint;
  payerId?: string | null;
  reason?: string;
  at?: Date;
}

export type ReportOutcome = 'applied' | 'noted' | 'ignored_final' | 'amount_mismatch' | 'channel_mismatch' | 'paid_after_close';

/** A success the channel reported for an order already closed (or failed): not applied; the caller opens an exception and refunds. */
export interface PaidAfterClose {
  order: OrderRecord;
  report: ChannelReport;
}

/**
 * Applies what a channel says about a payment, inside the caller's tenant transaction: only
 * `succeeded` and `failed` move the order (through the transition table); a success for an
 * order that is already closed is never applied — it is handed back as `paid_after_close`.
 */
@Injectable()
export class ChannelOutcomeService {
  constructor(
    private readonly state: OrderStateService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async applyIn(em: EntityManager, order: OrderRecord, r: ChannelReport): Promise<{ outcome: ReportOutcome; result?: ApplyResult }> {
    if (order.channel && order.channel !== r.channel && r.status === 'succeeded') {
      // a payment at a channel the payer left (they switched method): money arrived for this order all the same
      return { outcome: 'paid_after_close' };
    }
    if (order.channel && order.channel !== r.channel) return { outcome: 'channel_mismatch' };
    if (r.amountFen !== order.amountFen) {
      this.logger.error(
        { orderId: order.id, channel: r.channel, reported: r.amountFen.toString(), amountFen: order.amountFen.toString() },
        'channel amount differs from the order',
      );
      return { outcome: 'amount_mismatch' };
    }
    const event = orderEventOfChannelStatus(r.status);
    if (!event) return { outcome: 'noted' };
    if (event === 'payment_succeeded' && (order.state === 'closed' || order.state === 'failed')) return { outcome: 'paid_after_close' };
    const result = await this.state.applyIn(em, order.id, event, {
      channel: r.channel,
      payerId: r.payerId ?? null,
      channelTradeNo: r.channelTradeNo,
      ...(event === 'payment_succeeded' ? { paidAt: r.at ?? new Date() } : {}),
      ...(event === 'payment_failed' ? { failureReason: reasonCode(r.reason, 'channel_declined') } : {}),
    });
    return { outcome: result.applied ? 'applied' : 'ignored_final', result };
  }
}
