import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { fenToJson } from '@countypay/money';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { decideRefund } from '../domain/refund-rules';
import type { OrderScope } from '../orders/order-scope';
import { OrdersRepository, type OrderRecord } from '../orders/orders.repository';
import type { AcquiringRefund, CreateAcquiringRefundRequest } from './dto/refunds.dto';
import { RefundExecutor } from './refund-executor.service';
import { RefundsRepository, type RefundRecord } from './refunds.repository';

export function refundView(r: RefundRecord): AcquiringRefund {
  return {
    id: r.id,
    orderId: r.orderId,
    outRefundNo: r.outRefundNo,
    amountFen: fenToJson(r.amountFen),
    status: r.state,
    reason: r.reason,
    channelRefundNo: r.channelRefundNo,
    failureReason: r.failureReason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * Partners' refunds of paid online orders: partial and several (at most 50), within 365 days,
 * never above what was paid (pending ones count), idempotent on the partner's refund number.
 * The order is locked while a refund is decided, so concurrent refunds of one order are
 * decided one after the other.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly executor: RefundExecutor,
  ) {}

  async create(scope: OrderScope, orderId: string, dto: CreateAcquiringRefundRequest): Promise<{ refund: AcquiringRefund; created: boolean }> {
    const amount = BigInt(dto.amountFen);
    const decided = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = this.visible(scope, await this.orders.findById(em, orderId, { lock: true }), orderId);
      annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
      const existing = await this.refunds.findByOutRefundNo(em, order.id, dto.outRefundNo);
      if (existing) {
        if (existing.amountFen !== amount || existing.automatic)
          throw new ApiError(
            'conflict',
            `refund '${dto.outRefundNo}' of this order was already asked for ${existing.amountFen} fen; use a new refund number`,
            'outRefundNo',
          );
        return { refund: existing, created: false };
      }
      const committed = await this.refunds.committed(em, order.id);
      const d = decideRefund({
        orderState: order.state,
        paidFen: order.amountFen,
        committedFen: committed.committedFen,
        refundCount: committed.count,
        paidAt: order.paidAt,
        now: new Date(),
        requestFen: amount,
      });
      if (!d.ok) throw new ApiError(d.code, d.message, d.code === 'order_not_refundable' || d.code === 'refund_window_expired' ? undefined : 'amountFen');
      if (!order.channel) throw new Error(`succeeded order ${order.id} without a channel`);
      const inserted = await this.refunds.insert(em, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        orderId: order.id,
        appId: order.appId,
        channel: order.channel,
        outRefundNo: dto.outRefundNo,
        amountFen: amount,
        reason: dto.reason ?? null,
        automatic: false,
      });
      if (!inserted) throw new ApiError('conflict', `refund '${dto.outRefundNo}' was created concurrently; retry`, 'outRefundNo');
      return { refund: inserted, created: true };
    });
    const refund = decided.refund.state === 'pending' ? await this.executor.execute(scope.tenantId, decided.refund.id) : decided.refund;
    return { refund: refundView(refund), created: decided.created };
  }

  async list(scope: OrderScope, orderId: string): Promise<{ data: AcquiringRefund[] }> {
    const rows = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const order = this.visible(scope, await this.orders.findById(em, orderId), orderId);
      return (await this.refunds.listForOrder(em, order.id)).filter((r) => !r.automatic);
    });
    return { data: rows.map(refundView) };
  }

  /** 退款查询: a refund still pending is resolved by querying the channel first. */
  async get(scope: OrderScope, refundId: string): Promise<AcquiringRefund> {
    const r = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const refund = await this.refunds.findById(em, refundId);
      if (!refund || refund.automatic || (!scope.seesAllApps && refund.appId !== scope.appId)) throw new ApiError('not_found', `no refund ${refundId}`);
      return refund;
    });
    return refundView(r.state === 'pending' ? await this.executor.resolve(scope.tenantId, r.id) : r);
  }

  private visible(scope: OrderScope, order: OrderRecord | undefined, id: string): OrderRecord {
    if (!order || (!scope.seesAllApps && order.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${id}`);
    return order;
  }
}
