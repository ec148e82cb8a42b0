import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, RefundData, RefundFailedV1, RefundSucceededV1, type PaymentChannel } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { annotateActiveSpan, type Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { refundable, transitionRefund, type RefundEvent } from '../domain/order-state';
import { reasonCode } from '../domain/payment-routing';
import { ChannelCallError, ChannelClient, ChannelTimeoutError } from '../channel/channel.client';
import { CreditPaymentService } from '../orders/credit-payment.service';
import type { OrderScope } from '../orders/order-scope';
import { OrdersRepository, type OrderRecord } from '../orders/orders.repository';
import type { CreateQrRefundRequest, QrRefund } from './dto/refunds.dto';
import { refundView } from './refund-view';
import { RefundsRepository, type RefundRecord } from './refunds.repository';

/**
 * Refunds of a paid order: partial, several, never more than paid minus refunded minus
 * pending (`refundable`, checked with the order row locked so concurrent refunds cannot both
 * pass). Each refund has its own state; a final one writes its event in the same transaction.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly channels: ChannelClient,
    private readonly credit: CreditPaymentService,
    private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(scope: OrderScope, orderId: string, dto: CreateQrRefundRequest): Promise<QrRefund> {
    const amountFen = BigInt(dto.amountFen);
    const started = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = await this.orders.findById(em, orderId, { lock: true });
      if (!order || (!scope.seesAllApps && order.appId !== scope.appId)) throw new ApiError('not_found', `no payment order ${orderId}`);
      annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
      const existing = await this.refunds.findByOutRefundNo(em, orderId, dto.outRefundNo);
      if (existing) {
        if (existing.amountFen !== amountFen)
          throw new ApiError(
            'conflict',
            `refund '${dto.outRefundNo}' already exists with ${existing.amountFen} fen; a refund number names one refund`,
            'outRefundNo',
          );
        return { refund: existing, order, isNew: false };
      }
      if (order.state !== 'succeeded' || !order.channel)
        throw new ApiError('order_not_refundable', `order ${orderId} is ${order.state}; only a succeeded payment can be refunded`);
      const { refundedFen, pendingFen } = await this.refunds.totals(em, orderId);
      const decision = refundable(order.amountFen, refundedFen, pendingFen, amountFen);
      if (!decision.ok) throw new ApiError(decision.code, decision.message, 'amountFen');
      const refund = await this.refunds.insert(em, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        orderId,
        outRefundNo: dto.outRefundNo,
        amountFen,
        reason: dto.reason ?? null,
      });
      return { refund, order, isNew: true };
    });
    if (!started.isNew || started.refund.state !== 'pending') return refundView(started.refund);
    return refundView(await this.execute(started.order, started.refund));
  }

  async list(scope: OrderScope, orderId: string): Promise<{ data: QrRefund[] }> {
    const rows = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = await this.orders.findById(em, orderId);
      if (!order || (!scope.seesAllApps && order.appId !== scope.appId)) throw new ApiError('not_found', `no payment order ${orderId}`);
      return this.refunds.listByOrder(em, orderId);
    });
    return { data: rows.map(refundView) };
  }

  /** The channel call; a timeout leaves the refund pending (it still counts against the refundable amount). */
  private async execute(order: OrderRecord, refund: RefundRecord): Promise<RefundRecord> {
    const channel = order.channel as PaymentChannel;
    if (channel === 'county_credit') {
      // the payer's credit line: the drawdown is refunded at credit (ADR 0016)
      const r = await this.credit.refund(order, refund);
      if (r.status === 'unknown') return refund;
      return r.status === 'succeeded'
        ? this.apply(order, refund, 'refund_succeeded', { channelRefundNo: r.creditRefundId })
        : this.apply(order, refund, 'refund_failed', { failureReason: reasonCode(r.reason, 'credit_refused') });
    }
    try {
      const answer = await this.channels.refund(channel, {
        tenantId: order.tenantId,
        orderId: order.id,
        refundId: refund.id,
        amountFen: fenToJson(refund.amountFen),
      });
      return await this.apply(order, refund, answer.status === 'succeeded' ? 'refund_succeeded' : 'refund_failed', {
        channelRefundNo: answer.channelRefundNo ?? null,
        ...(answer.status === 'failed' ? { failureReason: reasonCode(answer.reason, 'channel_declined') } : {}),
      });
    } catch (err) {
      if (err instanceof ChannelCallError && err.status >= 400 && err.status < 500)
        return this.apply(order, refund, 'refund_failed', { failureReason: 'channel_rejected' });
      if (err instanceof ChannelTimeoutError || err instanceof ChannelCallError) {
        this.logger.warn({ refundId: refund.id, orderId: order.id, err }, 'refund outcome unknown; left pending');
        return refund;
      }
      throw err;
    }
  }

  private async apply(
    order: OrderRecord,
    refund: RefundRecord,
    event: RefundEvent,
    c: { channelRefundNo?: string | null; failureReason?: string | null },
  ): Promise<RefundRecord> {
    const result = await inTenantTransaction(this.ds, order.tenantId, async (em) => {
      const current = await this.refunds.findById(em, refund.id);
      if (!current) throw new Error(`refund ${refund.id} vanished`);
      const next = transitionRefund(current.state, event);
      if (!next.ok) return { refund: current, applied: false };
      const updated = await this.refunds.changeState(em, refund.id, current.state, next.state, c);
      if (!updated) return { refund: (await this.refunds.findById(em, refund.id)) ?? current, applied: false };
      const data = Object.assign(new RefundData(), {
        refundId: updated.id,
        outRefundNo: updated.outRefundNo,
        orderId: order.id,
        merchantId: order.merchantId,
        ...(order.appId ? { partnerAppId: order.appId } : {}),
        product: 'qr' as const,
        channel: order.channel as PaymentChannel,
        amountFen: fenToJson(updated.amountFen),
        currency: 'CNY' as const,
        at: updated.updatedAt.toISOString(),
        ...(updated.failureReason ? { reason: updated.failureReason } : {}),
      });
      await addToOutbox(em, updated.state === 'succeeded' ? RefundSucceededV1 : RefundFailedV1, data, { tenantId: order.tenantId });
      return { refund: updated, applied: true };
    });
    if (result.applied) this.relay.wake();
    return result.refund;
  }
}
