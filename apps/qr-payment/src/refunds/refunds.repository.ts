import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, many, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';
import type { RefundState } from '../domain/order-state';

const REFUND = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  orderId: col.uuid(),
  outRefundNo: col.text(),
  amountFen: col.bigint(),
  state: col.text<RefundState>(),
  reason: col.text().nullable(),
  channelRefundNo: col.text().nullable(),
  failureReason: col.text().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
  version: col.int(),
});
export type RefundRecord = RowType<typeof REFUND>;

const TOTALS = rowOf({ refunded: col.bigint(), pending: col.bigint() });

/** The only SQL of refunds (inside the caller's tenant transaction). */
@Injectable()
export class RefundsRepository {
  findByOutRefundNo(em: EntityManager, orderId: string, outRefundNo: string): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from refunds r where r.order_id = $1 and r.out_refund_no = $2`, [orderId, outRefundNo]);
  }

  findById(em: EntityManager, id: string): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from refunds r where r.id = $1`, [id]);
  }

  /** Every refund of the order, oldest first (an order has few: each is at least 1 fen of what was paid). */
  listByOrder(em: EntityManager, orderId: string): Promise<RefundRecord[]> {
    return many(em, REFUND, `select ${REFUND.columns('r')} from refunds r where r.order_id = $1 order by r.created_at, r.id`, [orderId]);
  }

  /** Sums of the order's refunds that succeeded and that are still pending. */
  async totals(em: EntityManager, orderId: string): Promise<{ refundedFen: bigint; pendingFen: bigint }> {
    const t = await one(
      em,
      TOTALS,
      `select coalesce(sum(r.amount_fen) filter (where r.state = 'succeeded'), 0)::bigint as refunded,
              coalesce(sum(r.amount_fen) filter (where r.state = 'pending'), 0)::bigint as pending
         from refunds r where r.order_id = $1`,
      [orderId],
    );
    return { refundedFen: t?.refunded ?? 0n, pendingFen: t?.pending ?? 0n };
  }

  async insert(
    em: EntityManager,
    r: { id: string; tenantId: string; orderId: string; outRefundNo: string; amountFen: bigint; reason: string | null },
  ): Promise<RefundRecord> {
    const [inserted] = await updateReturning(
      em,
      REFUND,
      `insert into refunds (id, tenant_id, order_id, out_refund_no, amount_fen, state, reason)
       values ($1, $2, $3, $4, $5, 'pending', $6) returning ${REFUND.columns()}`,
      [r.id, r.tenantId, r.orderId, r.outRefundNo, r.amountFen, r.reason],
    );
    if (!inserted) throw new Error(`refund ${r.id} was not inserted`);
    return inserted;
  }

  /** Conditional state change; undefined when the refund was no longer in `from`. */
  async changeState(
    em: EntityManager,
    id: string,
    from: RefundState,
    to: RefundState,
    c: { channelRefundNo?: string | null; failureReason?: string | null },
  ): Promise<RefundRecord | undefined> {
    const [moved] = await updateReturning(
      em,
      REFUND,
      `update refunds r set state = $3, channel_refund_no = coalesce($4, r.channel_refund_no), failure_reason = coalesce($5, r.failure_reason),
         updated_at = now(), version = r.version + 1
       where r.id = $1 and r.state = $2 returning ${REFUND.columns('r')}`,
      [id, from, to, c.channelRefundNo ?? null, c.failureReason ?? null],
    );
    return moved;
  }
}
