import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Behaviour } from '../domain/behaviour';
import type { Channel } from '../domain/channels';
import type { PaymentStatus } from '../domain/payment-state';
import type { StatementLineType } from '../domain/statement';

/** TypeORM answers an UPDATE … RETURNING with `[rows, affected]` on PostgreSQL: the rows. */
async function updateReturning<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await em.query(sql, params)) as [T[], number];
  return rows;
}

export type PaymentKind = 'payer_code' | 'qr_static' | 'qr_dynamic' | 'online';

export interface PaymentRow {
  tenantId: string;
  channel: Channel;
  orderId: string;
  channelTradeNo: string;
  merchantId: string;
  amountFen: bigint;
  refundedFen: bigint;
  kind: PaymentKind;
  payerId: string;
  notifyUrl: string | null;
  behaviour: Behaviour;
  status: PaymentStatus;
  reason: string | null;
  queryCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPayment {
  tenantId: string;
  channel: Channel;
  orderId: string;
  channelTradeNo: string;
  merchantId: string;
  amountFen: bigint;
  kind: PaymentKind;
  payerCode?: string;
  payerId: string;
  notifyUrl?: string;
  description?: string;
  behaviour: Behaviour;
}

export interface RefundRow {
  refundId: string;
  orderId: string;
  channelRefundNo: string;
  amountFen: bigint;
  status: 'processing' | 'succeeded' | 'failed';
  reason: string | null;
}

export interface PaymentKey {
  channel: Channel;
  orderId: string;
}

interface RawPayment {
  tenant_id: string;
  channel: Channel;
  order_id: string;
  channel_trade_no: string;
  merchant_id: string;
  amount_fen: string;
  refunded_fen: string;
  kind: PaymentKind;
  payer_id: string;
  notify_url: string | null;
  behaviour: Behaviour;
  status: PaymentStatus;
  reason: string | null;
  query_count: number;
  created_at: Date;
  updated_at: Date;
}

interface RawRefund {
  refund_id: string;
  order_id: string;
  channel_refund_no: string;
  amount_fen: string;
  status: RefundRow['status'];
  reason: string | null;
}

const PAYMENT_COLUMNS = `tenant_id, channel, order_id, channel_trade_no, merchant_id, amount_fen, refunded_fen, kind, payer_id, notify_url,
  behaviour, status, reason, query_count, created_at, updated_at`;

const payment = (r: RawPayment): PaymentRow => ({
  tenantId: r.tenant_id,
  channel: r.channel,
  orderId: r.order_id,
  channelTradeNo: r.channel_trade_no,
  merchantId: r.merchant_id,
  amountFen: BigInt(r.amount_fen),
  refundedFen: BigInt(r.refunded_fen),
  kind: r.kind,
  payerId: r.payer_id,
  notifyUrl: r.notify_url,
  behaviour: r.behaviour,
  status: r.status,
  reason: r.reason,
  queryCount: r.query_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const refund = (r: RawRefund): RefundRow => ({
  refundId: r.refund_id,
  orderId: r.order_id,
  channelRefundNo: r.channel_refund_no,
  amountFen: BigInt(r.amount_fen),
  status: r.status,
  reason: r.reason,
});

/** The simulated channels' orders, refunds and statement lines. RLS scopes every query to the transaction's tenant. */
@Injectable()
export class PaymentsRepository {
  /**
   * Inserts a new order in `status` (`user_paying`, or the outcome the channel decides at once:
   * `succeeded` / `failed` with its reason) in the caller's transaction; undefined when the order id
   * is already taken. A payment inserted `succeeded` gets its statement line in the same statement
   * (issue 14: a payment the channel settles at once is one statement, not insert, read, update and
   * statement line). The statement is `sandbox_take_payment` (migration 1768420000000), which binds
   * the transaction's own tenant again.
   */
  insert(
    em: EntityManager,
    p: NewPayment,
    outcome: { status: PaymentStatus; reason: string | null } = { status: 'user_paying', reason: null },
  ): Promise<PaymentRow | undefined> {
    return this.takePayment(em, p, outcome);
  }

  /**
   * A new payment of a wallet channel as ONE statement, its own transaction (`sandbox_take_payment`,
   * migration 1768420000000): `insert` with the tenant bound by the function. Undefined when the order
   * id is already taken (a repeat).
   */
  take(ds: DataSource, p: NewPayment, outcome: { status: PaymentStatus; reason: string | null }): Promise<PaymentRow | undefined> {
    return this.takePayment(ds, p, outcome);
  }

  private async takePayment(
    q: EntityManager | DataSource,
    p: NewPayment,
    outcome: { status: PaymentStatus; reason: string | null },
  ): Promise<PaymentRow | undefined> {
    const rows: RawPayment[] = await q.query(
      `select ${PAYMENT_COLUMNS} from sandbox_take_payment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        p.tenantId,
        p.channel,
        p.orderId,
        p.channelTradeNo,
        p.merchantId,
        p.amountFen.toString(),
        p.kind,
        p.payerCode ?? null,
        p.payerId,
        p.notifyUrl ?? null,
        p.description ?? null,
        p.behaviour,
        outcome.status,
        outcome.reason,
      ],
    );
    return rows[0] && payment(rows[0]);
  }

  async find(em: EntityManager, key: PaymentKey, opts: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
    const rows: RawPayment[] = await em.query(
      `select ${PAYMENT_COLUMNS} from channel_payments where channel = $1 and order_id = $2${opts.lock ? ' for update' : ''}`,
      [key.channel, key.orderId],
    );
    return rows[0] && payment(rows[0]);
  }

  /** Counts a status query (the `user_paying_then_success` payer confirms on the second one). */
  async countQuery(em: EntityManager, key: PaymentKey): Promise<PaymentRow | undefined> {
    const rows: RawPayment[] = await updateReturning(
      em,
      `update channel_payments set query_count = query_count + 1 where channel = $1 and order_id = $2 returning ${PAYMENT_COLUMNS}`,
      [key.channel, key.orderId],
    );
    return rows[0] && payment(rows[0]);
  }

  async setStatus(em: EntityManager, key: PaymentKey, status: PaymentStatus, reason: string | null): Promise<PaymentRow> {
    const rows: RawPayment[] = await updateReturning(
      em,
      `update channel_payments set status = $3, reason = $4, updated_at = clock_timestamp() where channel = $1 and order_id = $2 returning ${PAYMENT_COLUMNS}`,
      [key.channel, key.orderId, status, reason],
    );
    return payment(rows[0]);
  }

  /** Books a refund against the paid amount: ONE conditional UPDATE, refused (false) beyond what was paid. */
  async addRefunded(em: EntityManager, key: PaymentKey, amountFen: bigint): Promise<boolean> {
    const rows: unknown[] = await updateReturning(
      em,
      `update channel_payments set refunded_fen = refunded_fen + $3, updated_at = clock_timestamp()
        where channel = $1 and order_id = $2 and status = 'succeeded' and refunded_fen + $3 <= amount_fen
        returning refunded_fen`,
      [key.channel, key.orderId, amountFen.toString()],
    );
    return rows.length === 1;
  }

  /** Inserts a refund being processed; undefined when the refund id is already taken. */
  async insertRefund(
    em: EntityManager,
    tenantId: string,
    channel: Channel,
    r: { refundId: string; orderId: string; channelRefundNo: string; amountFen: bigint },
  ): Promise<RefundRow | undefined> {
    const rows: RawRefund[] = await em.query(
      `insert into channel_refunds (tenant_id, channel, refund_id, order_id, channel_refund_no, amount_fen, status)
       values ($1, $2, $3, $4, $5, $6, 'processing')
       on conflict (tenant_id, channel, refund_id) do nothing
       returning refund_id, order_id, channel_refund_no, amount_fen, status, reason`,
      [tenantId, channel, r.refundId, r.orderId, r.channelRefundNo, r.amountFen.toString()],
    );
    return rows[0] && refund(rows[0]);
  }

  async findRefund(em: EntityManager, channel: Channel, refundId: string): Promise<RefundRow | undefined> {
    const rows: RawRefund[] = await em.query(
      `select refund_id, order_id, channel_refund_no, amount_fen, status, reason from channel_refunds where channel = $1 and refund_id = $2`,
      [channel, refundId],
    );
    return rows[0] && refund(rows[0]);
  }

  async setRefundOutcome(em: EntityManager, channel: Channel, refundId: string, status: 'succeeded' | 'failed', reason: string | null): Promise<RefundRow> {
    const rows: RawRefund[] = await updateReturning(
      em,
      `update channel_refunds set status = $3, reason = $4 where channel = $1 and refund_id = $2
       returning refund_id, order_id, channel_refund_no, amount_fen, status, reason`,
      [channel, refundId, status, reason],
    );
    return refund(rows[0]);
  }

  async addStatementLine(
    em: EntityManager,
    tenantId: string,
    l: { channel: Channel; channelTradeNo: string; orderId: string; type: StatementLineType; amountFen: bigint; status: string },
  ): Promise<void> {
    await em.query(
      `insert into statement_lines (tenant_id, channel, channel_trade_no, order_id, type, amount_fen, status, at)
       values ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())`,
      [tenantId, l.channel, l.channelTradeNo, l.orderId, l.type, l.amountFen.toString(), l.status],
    );
  }
}
