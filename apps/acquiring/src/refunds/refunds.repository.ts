import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import { col, many, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';
import type { RefundState } from '../domain/order-state';

const REFUND = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  orderId: col.uuid(),
  appId: col.text(),
  channel: col.text<PaymentChannel>(),
  outRefundNo: col.text(),
  amountFen: col.bigint(),
  state: col.text<RefundState>(),
  reason: col.text().nullable(),
  automatic: col.boolean(),
  channelRefundNo: col.text().nullable(),
  failureReason: col.text().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
  version: col.int(),
});
export type RefundRecord = RowType<typeof REFUND>;

const SUMS = rowOf({ count: col.int(), committedFen: col.bigint() });
const REF = rowOf({ id: col.uuid(), tenantId: col.text() });

export interface NewRefund {
  id: string;
  tenantId: string;
  orderId: string;
  appId: string;
  channel: PaymentChannel;
  outRefundNo: string;
  amountFen: bigint;
  reason: string | null;
  automatic: boolean;
}

/** The only SQL of refunds. */
@Injectable()
export class RefundsRepository {
  /** undefined when (tenant, order, outRefundNo) is taken */
  async insert(em: EntityManager, r: NewRefund): Promise<RefundRecord | undefined> {
    const [row] = await updateReturning(
      em,
      REFUND,
      `insert into acq_refunds (id, tenant_id, order_id, app_id, channel, out_refund_no, amount_fen, state, reason, automatic)
       values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
       on conflict (tenant_id, order_id, out_refund_no) do nothing
       returning ${REFUND.columns()}`,
      [r.id, r.tenantId, r.orderId, r.appId, r.channel, r.outRefundNo, r.amountFen, r.reason, r.automatic],
    );
    return row;
  }

  findById(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from acq_refunds r where r.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  findByOutRefundNo(em: EntityManager, orderId: string, outRefundNo: string): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from acq_refunds r where r.order_id = $1 and r.out_refund_no = $2`, [orderId, outRefundNo]);
  }

  listForOrder(em: EntityManager, orderId: string): Promise<RefundRecord[]> {
    return many(em, REFUND, `select ${REFUND.columns('r')} from acq_refunds r where r.order_id = $1 order by r.created_at, r.id`, [orderId]);
  }

  /** The partner's refunds of an order (automatic exception refunds are not the order's): how many, and pending + succeeded fen. */
  async committed(em: EntityManager, orderId: string): Promise<{ count: number; committedFen: bigint }> {
    const r = await one(
      em,
      SUMS,
      `select count(*)::int as count, coalesce(sum(r.amount_fen) filter (where r.state in ('pending', 'succeeded')), 0)::bigint as committed_fen
         from acq_refunds r where r.order_id = $1 and not r.automatic`,
      [orderId],
    );
    return r ?? { count: 0, committedFen: 0n };
  }

  /** pending → succeeded | failed, once (conditional). */
  async finish(
    em: EntityManager,
    id: string,
    to: 'succeeded' | 'failed',
    c: { channelRefundNo?: string | null; failureReason?: string | null },
  ): Promise<RefundRecord | undefined> {
    const [row] = await updateReturning(
      em,
      REFUND,
      `update acq_refunds r set state = $2, channel_refund_no = coalesce($3, r.channel_refund_no), failure_reason = coalesce($4, r.failure_reason),
         updated_at = now(), version = r.version + 1
       where r.id = $1 and r.state = 'pending'
       returning ${REFUND.columns('r')}`,
      [id, to, c.channelRefundNo ?? null, c.failureReason ?? null],
    );
    return row;
  }

  /** Refunds still pending since before `before`, across tenants (province scope): resolved by querying the channel. */
  findStalePending(em: EntityManager, before: Date, limit: number): Promise<Array<RowType<typeof REF>>> {
    return many(em, REF, `select r.id, r.tenant_id from acq_refunds r where r.state = 'pending' and r.updated_at <= $1 order by r.updated_at limit $2`, [
      before,
      limit,
    ]);
  }
}
