import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RefundState } from '../domain/order-state';

export interface RefundRecord {
  id: string;
  tenantId: string;
  orderId: string;
  outRefundNo: string;
  amountFen: bigint;
  state: RefundState;
  reason: string | null;
  channelRefundNo: string | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

interface RefundRow {
  id: string;
  tenant_id: string;
  order_id: string;
  out_refund_no: string;
  amount_fen: string;
  state: RefundState;
  reason: string | null;
  channel_refund_no: string | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = `id, tenant_id, order_id, out_refund_no, amount_fen::text as amount_fen, state, reason, channel_refund_no, failure_reason, created_at, updated_at, version`;

const toRecord = (r: RefundRow): RefundRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  orderId: r.order_id,
  outRefundNo: r.out_refund_no,
  amountFen: BigInt(r.amount_fen),
  state: r.state,
  reason: r.reason,
  channelRefundNo: r.channel_refund_no,
  failureReason: r.failure_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

/** The only SQL of refunds (inside the caller's tenant transaction). */
@Injectable()
export class RefundsRepository {
  async findByOutRefundNo(em: EntityManager, orderId: string, outRefundNo: string): Promise<RefundRecord | undefined> {
    const rows: RefundRow[] = await em.query(`select ${COLUMNS} from refunds where order_id = $1 and out_refund_no = $2`, [orderId, outRefundNo]);
    return rows[0] && toRecord(rows[0]);
  }

  async findById(em: EntityManager, id: string): Promise<RefundRecord | undefined> {
    const rows: RefundRow[] = await em.query(`select ${COLUMNS} from refunds where id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async listByOrder(em: EntityManager, orderId: string): Promise<RefundRecord[]> {
    const rows: RefundRow[] = await em.query(`select ${COLUMNS} from refunds where order_id = $1 order by created_at, id`, [orderId]);
    return rows.map(toRecord);
  }

  /** Sums of the order's refunds that succeeded and that are still pending. */
  async totals(em: EntityManager, orderId: string): Promise<{ refundedFen: bigint; pendingFen: bigint }> {
    const rows: Array<{ refunded: string; pending: string }> = await em.query(
      `select coalesce(sum(amount_fen) filter (where state = 'succeeded'), 0)::text as refunded,
              coalesce(sum(amount_fen) filter (where state = 'pending'), 0)::text as pending
         from refunds where order_id = $1`,
      [orderId],
    );
    return { refundedFen: BigInt(rows[0]?.refunded ?? '0'), pendingFen: BigInt(rows[0]?.pending ?? '0') };
  }

  async insert(em: EntityManager, r: { id: string; tenantId: string; orderId: string; outRefundNo: string; amountFen: bigint; reason: string | null }): Promise<RefundRecord> {
    const rows: RefundRow[] = await em.query(
      `insert into refunds (id, tenant_id, order_id, out_refund_no, amount_fen, state, reason)
       values ($1, $2, $3, $4, $5, 'pending', $6) returning ${COLUMNS}`,
      [r.id, r.tenantId, r.orderId, r.outRefundNo, r.amountFen.toString(), r.reason],
    );
    return toRecord(rows[0]!);
  }

  /** Conditional state change; undefined when the refund was no longer in `from`. */
  async changeState(
    em: EntityManager,
    id: string,
    from: RefundState,
    to: RefundState,
    c: { channelRefundNo?: string | null; failureReason?: string | null },
  ): Promise<RefundRecord | undefined> {
    const result: [RefundRow[], number] = await em.query(
      `update refunds set state = $3, channel_refund_no = coalesce($4, channel_refund_no), failure_reason = coalesce($5, failure_reason),
         updated_at = now(), version = version + 1
       where id = $1 and state = $2 returning ${COLUMNS}`,
      [id, from, to, c.channelRefundNo ?? null, c.failureReason ?? null],
    );
    const row = result[0]?.[0];
    return row && toRecord(row);
  }
}
