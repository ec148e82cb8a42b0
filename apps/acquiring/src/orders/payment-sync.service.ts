import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { AcquiringChannelClient, ChannelCallError, ChannelTimeoutError } from '../channel/channel.client';
import type { CloseReason } from '../domain/order-state';
import { ChannelOutcomeService, type ChannelReport, type ReportOutcome } from './channel-outcome.service';
import { OrderStateService } from './order-state.service';
import { OrdersRepository, type OrderRecord } from './orders.repository';
import { PaidAfterCloseHandler } from './paid-after-close.handler';
import { RefundsRepository } from '../refunds/refunds.repository';

/**
 * Keeps an order in step with its channel: applies a channel's report (answer, notification or
 * active query), closes at the channel before closing here (a channel that says paid wins), and
 * queries a payment that is taking long (补单). A success for an order that is already closed is
 * never applied: it becomes an exception item and is refunded automatically — unless settlement's
 * reconciliation asks for the order to be made up (补单, the county's choice): see {@link makeUp}.
 */
@Injectable()
export class PaymentSyncService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly outcome: ChannelOutcomeService,
    private readonly state: OrderStateService,
    private readonly channels: AcquiringChannelClient,
    private readonly paidAfterClose: PaidAfterCloseHandler,
    private readonly refunds: RefundsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Applies what the channel reported; the order afterwards. */
  async report(tenantId: string, orderId: string, r: ChannelReport): Promise<OrderRecord> {
    return (await this.reportWithOutcome(tenantId, orderId, r)).order;
  }

  async reportWithOutcome(tenantId: string, orderId: string, r: ChannelReport): Promise<{ order: OrderRecord; outcome: ReportOutcome }> {
    const done = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const order = await this.repo.findById(em, orderId, { lock: true });
      if (!order) throw new ApiError('not_found', `no acquiring order ${orderId}`);
      const { outcome, result } = await this.outcome.applyIn(em, order, r);
      if (outcome === 'paid_after_close') await this.paidAfterClose.open(em, order, r);
      if (outcome === 'noted' && order.state === 'paying' && !order.channelTradeNo && order.channel === r.channel) {
        const noted = await this.repo.changeState(em, order.id, 'paying', 'paying', { channelTradeNo: r.channelTradeNo });
        return { order: noted ?? order, outcome, applied: false };
      }
      return { order: result?.order ?? order, outcome, applied: result?.applied ?? false };
    });
    if (done.applied) this.state.wake();
    if (done.outcome === 'paid_after_close') await this.paidAfterClose.refundPending(tenantId, orderId);
    return { order: done.order, outcome: done.outcome };
  }

  /**
   * 补单: settlement's reconciliation found that the channel took the money of an order closed
   * here, and the county makes such orders up. The channel is asked again (its word, not the
   * caller's, moves money); if it says paid, for the order's amount, with nothing given back and no
   * automatic refund of ours under way, the order moves `closed → succeeded` (made up, the channel's
   * trade number recorded) through the one state path, whose outbox writes `payment.succeeded` in
   * the same transaction: settlement posts it as any payment (fee included), the gateway sends the
   * partner's webhook. Idempotent: an order already made up answers as it is.
   */
  async makeUp(tenantId: string, orderId: string): Promise<OrderRecord> {
    const order = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, orderId));
    if (!order) throw new ApiError('not_found', `no acquiring order ${orderId}`, 'orderId');
    if (order.state === 'succeeded' && order.madeUpAt) return order;
    if (order.state !== 'closed' || !order.channel || order.channel === 'county_credit')
      throw new ApiError('invalid_state_transition', `a ${order.state} order is not made up: only a closed order paid at a channel is`, 'orderId');
    const q = await this.channels.query(order.channel, tenantId, orderId);
    if (q?.status !== 'succeeded') throw new ApiError('invalid_state_transition', `the ${order.channel} channel does not say the order was paid`, 'orderId');
    if (BigInt(q.amountFen) !== order.amountFen || BigInt(q.refundedFen ?? 0) !== 0n)
      throw new ApiError('invalid_state_transition', `the ${order.channel} channel's payment is not the order's amount, or was given back in part`, 'orderId');
    const channel = order.channel;
    const r = await inTenantTransaction(this.ds, tenantId, async (em) => {
      // the payment service's own handling of a late success already refunds it: never both
      if ((await this.refunds.listForOrder(em, orderId)).some((x) => x.automatic && x.state !== 'failed'))
        throw new ApiError('invalid_state_transition', 'the late payment is being refunded automatically: it cannot be made up', 'orderId');
      const now = new Date();
      return this.state.applyIn(em, orderId, 'make_up', { channel, channelTradeNo: q.channelTradeNo, payerId: q.payerId ?? null, paidAt: now, madeUpAt: now });
    });
    if (r.applied) {
      this.state.wake();
      this.logger.info({ orderId, channel }, 'closed order made up (补单): the late success is accepted');
      return r.order;
    }
    if (r.order.state === 'succeeded' && r.order.madeUpAt) return r.order; // a concurrent make-up won
    throw new ApiError('conflict', `order ${orderId} changed meanwhile; read it again`, 'orderId');
  }

  /** Asks the channel about a payment in progress (补单) and applies the answer. */
  async requery(order: OrderRecord): Promise<OrderRecord> {
    if (!order.channel) return order;
    const q = await this.channels.query(order.channel, order.tenantId, order.id);
    if (!q) return order;
    return this.report(order.tenantId, order.id, {
      channel: order.channel,
      status: q.status,
      channelTradeNo: q.channelTradeNo,
      amountFen: BigInt(q.amountFen),
      payerId: q.payerId ?? null,
      ...(q.reason ? { reason: q.reason } : {}),
    });
  }

  /**
   * Closes the channel's order of a payment in progress (关单). If the channel says it cannot —
   * the payer paid (or failed) meanwhile — its status is queried and applied instead.
   */
  async closeAtChannel(order: OrderRecord): Promise<OrderRecord> {
    if (order.state !== 'paying' || !order.channel) return order;
    try {
      await this.channels.close(order.channel, order.tenantId, order.id);
      return order;
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return order; // the channel never got it
      if (e instanceof ChannelCallError && e.status === 409) return this.requery(order);
      if (e instanceof ChannelTimeoutError) throw new ApiError('channel_timeout', `the ${order.channel} channel did not answer the close in time; try again`);
      throw e;
    }
  }

  /** Closes the order (partner close or expiry), the channel's order first; the order afterwards (maybe paid instead). */
  async closeOrder(order: OrderRecord, event: 'close' | 'expire', reason: CloseReason): Promise<OrderRecord> {
    const afterChannel = await this.closeAtChannel(order);
    if (afterChannel.state !== 'created' && afterChannel.state !== 'paying') return afterChannel;
    const r = await this.state.apply(order.tenantId, order.id, event, { closeReason: reason });
    if (!r.applied && r.order.state === 'paying') {
      this.logger.warn({ orderId: order.id }, 'order changed while closing; will retry');
    }
    return r.order;
  }
}
