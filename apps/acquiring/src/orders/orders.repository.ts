import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import { col, Keyset, many, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { CloseReason, OrderState, RefundSubState } from '../domain/order-state';
import type { OrderMethod } from '../domain/payment-methods';

/** One line of an order's goods details (display and channel detail only; the order's amount is what is charged). */
export interface GoodsLine {
  goodsId: string;
  name: string;
  quantity: number;
  priceFen: number;
}

const ORDER = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  outTradeNo: col.text(),
  merchantId: col.uuid(),
  amountFen: col.bigint(),
  subject: col.text(),
  goods: col.json<GoodsLine[] | null>(),
  profitSharing: col.boolean(),
  notifyUrl: col.text().nullable(),
  returnUrl: col.text().nullable(),
  state: col.text<OrderState>(),
  refundState: col.text<RefundSubState>(),
  refundedFen: col.bigint(),
  method: col.text<OrderMethod>().nullable(),
  payerRef: col.text().nullable(),
  channel: col.text<PaymentChannel>().nullable(),
  channelTradeNo: col.text().nullable(),
  payerId: col.text().nullable(),
  failureReason: col.text().nullable(),
  closeReason: col.text<CloseReason>().nullable(),
  businessDay: col.date(),
  expiresAt: col.timestamp(),
  paymentStartedAt: col.timestamp().nullable(),
  paidAt: col.timestamp().nullable(),
  /** 补单: the success was accepted after the order had closed (reconciliation's make-up) */
  madeUpAt: col.timestamp().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
  version: col.int(),
});
export type OrderRecord = RowType<typeof ORDER>;

/** Orders newest first; `created_at` compared as PostgreSQL keeps it (microseconds), the id breaks ties. */
const NEWEST_FIRST = new Keyset(
  'acquiring-orders',
  [
    { sql: 'o.created_at', type: 'timestamp' },
    { sql: 'o.id', type: 'uuid' },
  ],
  'desc',
);

const ORDER_REF = rowOf({ id: col.uuid(), tenantId: col.text() });
const TOTAL = rowOf({ total: col.bigint() });
export type OrderRef = RowType<typeof ORDER_REF>;

export interface NewOrder {
  id: string;
  tenantId: string;
  appId: string;
  outTradeNo: string;
  merchantId: string;
  amountFen: bigint;
  subject: string;
  goods: GoodsLine[] | null;
  profitSharing: boolean;
  notifyUrl: string | null;
  returnUrl: string | null;
  state: OrderState;
  businessDay: string;
  expiresAt: Date;
}

/** What a state change writes beside the state. */
export interface OrderChange {
  method?: OrderMethod;
  /** the card's blind index (quick pay): what the daily limit sums by */
  payerRef?: string;
  channel?: PaymentChannel;
  payerId?: string | null;
  channelTradeNo?: string | null;
  failureReason?: string | null;
  closeReason?: CloseReason | null;
  paidAt?: Date | null;
  /** the payment (re)started now */
  paymentStarted?: boolean;
  /** 补单: a closed order made up (its late success accepted) */
  madeUpAt?: Date;
}

export interface OrderListFilter {
  tenantId: string;
  appId?: string;
  outTradeNo?: string;
  state?: OrderState;
  merchantId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  minAmountFen?: bigint;
  maxAmountFen?: bigint;
}

/** The only SQL of acquiring orders. Every call runs in the caller's tenant transaction (the sweeps: the province's). */
@Injectable()
export class OrdersRepository {
  /** Inserts the order; undefined when (tenant, app, outTradeNo) is taken. */
  async insert(em: EntityManager, o: NewOrder): Promise<OrderRecord | undefined> {
    const [inserted] = await updateReturning(
      em,
      ORDER,
      `insert into acq_orders (id, tenant_id, app_id, out_trade_no, merchant_id, amount_fen, subject, goods, profit_sharing,
         notify_url, return_url, state, business_day, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14)
       on conflict (tenant_id, app_id, out_trade_no) do nothing
       returning ${ORDER.columns()}`,
      [
        o.id,
        o.tenantId,
        o.appId,
        o.outTradeNo,
        o.merchantId,
        o.amountFen,
        o.subject,
        o.goods === null ? null : JSON.stringify(o.goods),
        o.profitSharing,
        o.notifyUrl,
        o.returnUrl,
        o.state,
        o.businessDay,
        o.expiresAt,
      ],
    );
    return inserted;
  }

  findById(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<OrderRecord | undefined> {
    return one(em, ORDER, `select ${ORDER.columns('o')} from acq_orders o where o.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  /** The tenant is named in the statement: RLS's `tenant OR province` condition drives no index (issue 14). */
  findByOutTradeNo(em: EntityManager, tenantId: string, appId: string, outTradeNo: string): Promise<OrderRecord | undefined> {
    return one(em, ORDER, `select ${ORDER.columns('o')} from acq_orders o where o.tenant_id = $1 and o.app_id = $2 and o.out_trade_no = $3`, [
      tenantId,
      appId,
      outTradeNo,
    ]);
  }

  /** Moves the order from `from` to `to` with its details (conditional UPDATE: a concurrent change wins once, the loser gets undefined). */
  async changeState(em: EntityManager, id: string, from: OrderState, to: OrderState, c: OrderChange): Promise<OrderRecord | undefined> {
    const [moved] = await updateReturning(
      em,
      ORDER,
      `update acq_orders o set state = $3,
         method = coalesce($4, o.method),
         channel = coalesce($5, o.channel),
         payer_id = coalesce($6, o.payer_id),
         channel_trade_no = coalesce($7, o.channel_trade_no),
         failure_reason = coalesce($8, o.failure_reason),
         close_reason = coalesce($9, o.close_reason),
         paid_at = coalesce($10, o.paid_at),
         payment_started_at = case when $11 then now() else o.payment_started_at end,
         payer_ref = coalesce($12, o.payer_ref),
         made_up_at = coalesce($13, o.made_up_at),
         updated_at = now(), version = o.version + 1
       where o.id = $1 and o.state = $2
       returning ${ORDER.columns('o')}`,
      [
        id,
        from,
        to,
        c.method ?? null,
        c.channel ?? null,
        c.payerId ?? null,
        c.channelTradeNo ?? null,
        c.failureReason ?? null,
        c.closeReason ?? null,
        c.paidAt ?? null,
        c.paymentStarted ?? false,
        c.payerRef ?? null,
        c.madeUpAt ?? null,
      ],
    );
    return moved;
  }

  /** What a card paid (or is paying) by quick pay on `businessDay` (the daily limit's sum). */
  async paidTodayByPayerRef(em: EntityManager, tenantId: string, businessDay: string, payerRef: string): Promise<bigint> {
    const r = await one(
      em,
      TOTAL,
      `select coalesce(sum(o.amount_fen), 0)::bigint as total from acq_orders o
        where o.tenant_id = $1 and o.business_day = $2 and o.payer_ref = $3 and o.state in ('paying', 'succeeded')`,
      [tenantId, businessDay, payerRef],
    );
    return r?.total ?? 0n;
  }

  /** Adds a succeeded refund to the order (never beyond what was paid: the check constraint and the condition). */
  async addRefunded(em: EntityManager, id: string, amountFen: bigint): Promise<OrderRecord | undefined> {
    const [moved] = await updateReturning(
      em,
      ORDER,
      `update acq_orders o set refunded_fen = o.refunded_fen + $2,
         refund_state = case when o.refunded_fen + $2 = o.amount_fen then 'full' else 'partial' end,
         updated_at = now(), version = o.version + 1
       where o.id = $1 and o.state = 'succeeded' and o.refunded_fen + $2 <= o.amount_fen
       returning ${ORDER.columns('o')}`,
      [id, amountFen],
    );
    return moved;
  }

  /** One page of the tenant's orders, newest first. */
  list(em: EntityManager, f: OrderListFilter, page: PageRequest): Promise<Page<OrderRecord>> {
    const where = new Where()
      .add('o.tenant_id = ?', f.tenantId)
      .add('o.app_id = ?', f.appId)
      .add('o.out_trade_no = ?', f.outTradeNo)
      .add('o.state = ?', f.state)
      .add('o.merchant_id = ?', f.merchantId)
      .add('o.created_at >= ?', f.createdFrom)
      .add('o.created_at < ?', f.createdTo)
      .add('o.amount_fen >= ?', f.minAmountFen)
      .add('o.amount_fen <= ?', f.maxAmountFen);
    return pageQuery(em, ORDER, { from: 'acq_orders o', where, keyset: NEWEST_FIRST, page });
  }

  /** Orders past their expiry still waiting for (or in) a payment, across tenants (province scope). */
  findExpired(em: EntityManager, now: Date, limit: number): Promise<OrderRef[]> {
    return many(
      em,
      ORDER_REF,
      `select o.id, o.tenant_id from acq_orders o where o.state in ('created', 'paying') and o.expires_at <= $1 order by o.expires_at limit $2`,
      [now, limit],
    );
  }

  /** Orders `paying` since before `before` and not yet expired, across tenants (province scope): the channel is asked (补单). */
  findStalePaying(em: EntityManager, before: Date, now: Date, limit: number): Promise<OrderRef[]> {
    return many(
      em,
      ORDER_REF,
      `select o.id, o.tenant_id from acq_orders o
        where o.state = 'paying' and o.payment_started_at <= $1 and o.expires_at > $2
        order by o.payment_started_at limit $3`,
      [before, now, limit],
    );
  }
}
