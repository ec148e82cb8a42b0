import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RefundData, RefundFailedV1, RefundSucceededV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { AcquiringChannelClient, ChannelCallError, ChannelTimeoutError, type ChannelRefundAnswer } from '../channel/channel.client';
import { reasonCode } from '../domain/channel-status';
import { ExceptionsRepository } from '../exceptions/exceptions.repository';
import { OrdersRepository } from '../orders/orders.repository';
import { Escrow } from '../sharing/escrow';
import { RefundsRepository, type RefundRecord } from './refunds.repository';

/**
 * Sends a pending refund to its channel and records the channel's answer: the refund's final
 * state, the order's refunded amount and sub-state, and (for a partner's refund) the
 * `refund.succeeded`/`refund.failed` event — in one transaction. A call that timed out is
 * resolved by querying the channel (and re-sending the same refund id, which the channel
 * applies once), never left pending: here at once, and by the refund sweep after that.
 */
@Injectable()
export class RefundExecutor {
  constructor(
    private readonly ds: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly orders: OrdersRepository,
    private readonly exceptions: ExceptionsRepository,
    private readonly channels: AcquiringChannelClient,
    private readonly relay: OutboxRelay,
    private readonly escrow: Escrow,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Sends the refund (or resolves it by query after a timeout); the refund afterwards (still pending only if the channel cannot be reached). */
  async execute(tenantId: string, refundId: string): Promise<RefundRecord> {
    const refund = await inTenantTransaction(this.ds, tenantId, (em) => this.refunds.findById(em, refundId));
    if (!refund) throw new Error(`no refund ${refundId}`);
    if (refund.state !== 'pending') return refund;
    let answer: ChannelRefundAnswer | undefined;
    try {
      answer = await this.channels.refund(refund.channel, { tenantId, orderId: refund.orderId, refundId: refund.id, amountFen: Number(refund.amountFen) });
    } catch (e) {
      if (!(e instanceof ChannelTimeoutError || (e instanceof ChannelCallError && e.status >= 500))) throw e;
      this.logger.warn({ refundId, orderId: refund.orderId, channel: refund.channel }, 'refund call timed out; querying the channel');
      return this.resolve(tenantId, refundId);
    }
    return this.record(tenantId, refund.id, answer);
  }

  /** A pending refund whose outcome is unknown: ask the channel; if it never got it, send it again (same id: applied once). */
  async resolve(tenantId: string, refundId: string): Promise<RefundRecord> {
    const refund = await inTenantTransaction(this.ds, tenantId, (em) => this.refunds.findById(em, refundId));
    if (!refund) throw new Error(`no refund ${refundId}`);
    if (refund.state !== 'pending') return refund;
    try {
      const known = await this.channels.queryRefund(refund.channel, tenantId, refund.id);
      const answer =
        known ?? (await this.channels.refund(refund.channel, { tenantId, orderId: refund.orderId, refundId: refund.id, amountFen: Number(refund.amountFen) }));
      return await this.record(tenantId, refund.id, answer);
    } catch (e) {
      if (e instanceof ChannelTimeoutError || (e instanceof ChannelCallError && e.status >= 500)) {
        this.logger.warn({ refundId, orderId: refund.orderId }, 'refund still unresolved: the channel did not answer; the sweep retries');
        return refund;
      }
      throw e;
    }
  }

  private async record(tenantId: string, refundId: string, answer: ChannelRefundAnswer): Promise<RefundRecord> {
    const done = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const refund = await this.refunds.findById(em, refundId, { lock: true });
      if (!refund) throw new Error(`no refund ${refundId}`);
      if (refund.state !== 'pending') return { refund, wake: false };
      const to = answer.status === 'succeeded' ? 'succeeded' : 'failed';
      const finished = await this.refunds.finish(em, refund.id, to, {
        channelRefundNo: answer.channelRefundNo,
        ...(to === 'failed' ? { failureReason: reasonCode(answer.reason, 'channel_declined') } : {}),
      });
      if (!finished) return { refund, wake: false };
      if (finished.automatic) {
        await this.exceptions.resolveByRefund(em, finished.id, to === 'succeeded' ? 'refunded' : 'refund_failed');
        return { refund: finished, wake: false };
      }
      await this.announce(em, finished);
      return { refund: finished, wake: true };
    });
    if (done.wake) this.relay.wake();
    return done.refund;
  }

  /** A partner's refund: the order's refunded amount and its event, in the caller's transaction. */
  private async announce(em: EntityManager, r: RefundRecord): Promise<void> {
    const order = await this.orders.findById(em, r.orderId, { lock: true });
    if (!order) throw new Error(`refund ${r.id} of a missing order ${r.orderId}`);
    if (r.state === 'succeeded' && !(await this.orders.addRefunded(em, order.id, r.amountFen)))
      throw new Error(`refund ${r.id} of ${r.amountFen} fen would exceed order ${order.id}`); // unreachable: decided before the call
    // profit sharing: the escrow first, then 分账回退 of recent splits (their split.reversed events before this refund's), then the merchant's payable
    const escrowFen = r.state === 'succeeded' && order.profitSharing ? await this.escrow.drawForRefund(em, order.id, r.id, r.amountFen, new Date()) : 0n;
    const data = Object.assign(new RefundData(), {
      orderId: order.id,
      merchantId: order.merchantId,
      ...(order.appId ? { partnerAppId: order.appId } : {}),
      product: 'acquiring' as const,
      amountFen: fenToJson(r.amountFen),
      currency: 'CNY' as const,
      channel: r.channel,
      refundId: r.id,
      outRefundNo: r.outRefundNo,
      at: r.updatedAt.toISOString(),
      ...(r.state === 'failed' ? { reason: r.failureReason ?? 'channel_declined' } : {}),
      ...(escrowFen > 0n ? { escrowFen: fenToJson(escrowFen) } : {}),
    });
    await addToOutbox(em, r.state === 'succeeded' ? RefundSucceededV1 : RefundFailedV1, data, { tenantId: r.tenantId });
  }
}
