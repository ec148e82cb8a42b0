import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import type { OutboxRow } from '@countypay/messaging';
import { col, execute, Keyset, many, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { CloseReason, OrderState } from '../domain/order-state';

export const ORDER_KINDS = ['static', 'dynamic', 'payer_code'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

const ORDER = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  outTradeNo: col.text(),
  merchantId: col.uuid(),
  storeId: col.uuid().nullable(),
  terminalId: col.uuid().nullable(),
  kind: col.text<OrderKind>(),
  channel: col.text<PaymentChannel>().nullable(),
  amountFen: col.bigint(),
  state: col.text<OrderState>(),
  description: col.text().nullable(),
  payerKey: col.text().nullable(),
  payerId: col.text().nullable(),
  channelTradeNo: col.text().nullable(),
  failureReason: col.text().nullable(),
  closeReason: col.text<CloseReason>().nullable(),
  businessDay: col.date(),
  expiresAt: col.timestamp().nullable(),
  paidAt: col.timestamp().nullable(),
  /** county credit (channel county_credit): the payer's line, installments, app and credit's hold */
  creditLineId: col.uuid().nullable(),
  creditInstallments: col.int().nullable(),
  creditAppId: col.text().nullable(),
  creditHoldId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
  version: col.int(),
});
export type OrderRecord = RowType<typeof ORDER>;

/** Orders newest first; `created_at` compared as PostgreSQL keeps it (microseconds), the id breaks ties. */
const NEWEST_FIRST = new Keyset(
  'qr-orders',
  [
    { sql: 'o.created_at', type: 'timestamp' },
    { sql: 'o.id', type: 'uuid' },
  ],
  'desc',
);

const ORDER_REF = rowOf({ id: col.uuid(), tenantId: col.text() });
const TOTAL = rowOf({ total: col.bigint() });
const DUE = rowOf({ due: col.timestamp().nullable() });

export interface NewOrder {
  id: string;
  tenantId: string;
  appId: string;
  outTradeNo: string;
  merchantId: string;
  storeId: string | null;
  terminalId: string | null;
  kind: OrderKind;
  channel: PaymentChannel | null;
  amountFen: bigint;
  state: OrderState;
  description: string | null;
  payerKey: string | null;
  payerId: string | null;
  businessDay: string;
  expiresAt: Date | null;
}

/** What a state change writes beside the state. */
export interface OrderChange {
  channel?: PaymentChannel;
  payerId?: string | null;
  channelTradeNo?: string | null;
  failureReason?: string | null;
  closeReason?: CloseReason | null;
  paidAt?: Date | null;
  /** county credit: the terms the payer chose (written with the channel when the payment starts) */
  credit?: CreditTerms;
}

/** A county credit payment's terms: the payer's line, the installments, the payer's app (the line's owner). */
export interface CreditTerms {
  lineId: string;
  installments: number;
  appId: string;
}

export interface OrderListFilter {
  tenantId: string;
  appId?: string;
  outTradeNo?: string;
  state?: OrderState;
  merchantId?: string;
  channelTradeNo?: string;
  refundId?: string;
  minAmountFen?: bigint;
  maxAmountFen?: bigint;
  createdFrom?: Date;
  createdTo?: Date;
}

/** The values of an order change both state updates set (`coalesce(new, old)` per column), in their statements' order. */
const changeValues = (c: Omit<OrderChange, 'credit'>) =>
  [c.channel ?? null, c.payerId ?? null, c.channelTradeNo ?? null, c.failureReason ?? null, c.closeReason ?? null, c.paidAt ?? null] as const;

/** The only SQL of payment orders. Every call runs in the caller's tenant transaction (the sweeps: the province's). */
@Injectable()
export class OrdersRepository {
  /** Inserts the order; undefined when (tenant, app, outTradeNo) is taken. */
  async insert(em: EntityManager, o: NewOrder): Promise<OrderRecord | undefined> {
    const [inserted] = await updateReturning(
      em,
      ORDER,
      `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, store_id, terminal_id, kind, channel,
         amount_fen, state, description, payer_key, payer_id, business_day, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       on conflict (tenant_id, app_id, out_trade_no) do nothing
       returning ${ORDER.columns()}`,
      [
        o.id,
        o.tenantId,
        o.appId,
        o.outTradeNo,
        o.merchantId,
        o.storeId,
        o.terminalId,
        o.kind,
        o.channel,
        o.amountFen,
        o.state,
        o.description,
        o.payerKey,
        o.payerId,
        o.businessDay,
        o.expiresAt,
      ],
    );
    return inserted;
  }

  findById(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<OrderRecord | undefined> {
    return one(em, ORDER, `select ${ORDER.columns('o')} from payment_orders o where o.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  /**
   * The tenant is named in the statement, not only by RLS: the policies' `tenant OR province`
   * condition cannot drive an index, so without it every lookup read the whole table (issue 14).
   */
  findByOutTradeNo(em: EntityManager, tenantId: string, appId: string, outTradeNo: string): Promise<OrderRecord | undefined> {
    return one(em, ORDER, `select ${ORDER.columns('o')} from payment_orders o where o.tenant_id = $1 and o.app_id = $2 and o.out_trade_no = $3`, [
      tenantId,
      appId,
      outTradeNo,
    ]);
  }

  /**
   * Moves the order from `from` to `to` with its details; a conditional UPDATE, so a
   * concurrent change wins once and the loser gets undefined.
   */
  async changeState(em: EntityManager, id: string, from: OrderState, to: OrderState, c: OrderChange): Promise<OrderRecord | undefined> {
    const [moved] = await updateReturning(
      em,
      ORDER,
      `update payment_orders o set state = $3,
         channel = coalesce($4, o.channel),
         payer_id = coalesce($5, o.payer_id),
         channel_trade_no = coalesce($6, o.channel_trade_no),
         failure_reason = coalesce($7, o.failure_reason),
         close_reason = coalesce($8, o.close_reason),
         paid_at = coalesce($9, o.paid_at),
         credit_line_id = coalesce($10, o.credit_line_id),
         credit_installments = coalesce($11, o.credit_installments),
         credit_app_id = coalesce($12, o.credit_app_id),
         updated_at = now(), version = o.version + 1
       where o.id = $1 and o.state = $2
       returning ${ORDER.columns('o')}`,
      [id, from, to, ...changeValues(c), c.credit?.lineId ?? null, c.credit?.installments ?? null, c.credit?.appId ?? null],
    );
    return moved;
  }

  /**
   * `changeState` and the outbox row announcing the new state as ONE statement, its own transaction
   * (`qr_order_change_announced`, migration 1768420100000; `q` outside any transaction: the function
   * binds the tenant). Applied only while the order is in `from` and its channel and channel trade
   * number come out as `expect` says — the values the caller built the event from; undefined
   * otherwise (nothing written). Not for credit terms (no county credit change goes this way).
   */
  async changeStateAnnounced(
    q: EntityManager,
    tenantId: string,
    id: string,
    from: OrderState,
    to: OrderState,
    c: Omit<OrderChange, 'credit'>,
    expect: { channel: PaymentChannel | null; channelTradeNo: string | null },
    event: OutboxRow<object>,
  ): Promise<OrderRecord | undefined> {
    const [eventId, eventTenant, topic, messageKey, eventType, payload, headers] = event.params;
    if (eventTenant !== tenantId) throw new Error(`an event of ${eventTenant} announcing an order of ${tenantId}`);
    const [moved] = await updateReturning(
      q,
      ORDER,
      `select ${ORDER.columns('o')}
         from qr_order_change_announced($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18::jsonb) o`,
      [tenantId, id, from, to, ...changeValues(c), expect.channel, expect.channelTradeNo, eventId, topic, messageKey, eventType, payload, headers],
    );
    return moved;
  }

  /** Records credit's hold of a county credit payment (no state change). */
  async recordCreditHold(em: EntityManager, id: string, holdId: string): Promise<void> {
    await execute(em, `update payment_orders set credit_hold_id = $2, updated_at = now() where id = $1 and channel = 'county_credit'`, [id, holdId]);
  }

  /** Records what the channel said about a payment still in progress (no state change). */
  async recordChannelDetails(em: EntityManager, id: string, c: { payerId?: string | null; channelTradeNo?: string | null }): Promise<void> {
    await execute(
      em,
      `update payment_orders set payer_id = coalesce($2, payer_id), channel_trade_no = coalesce($3, channel_trade_no), updated_at = now()
       where id = $1`,
      [id, c.payerId ?? null, c.channelTradeNo ?? null],
    );
  }

  /**
   * What the payer has paid (or is paying) by barcode on `businessDay` under this tenant:
   * orders in `paying` or `succeeded` whose payer key matches, or whose channel payer id
   * matches the given one or one the channel already reported for this payer key. Each of the
   * three ways to match is its own indexed lookup under the named tenant (an OR of them, with
   * the tenant left to RLS, read every order of the day, or the whole table: issue 14).
   */
  async paidTodayByPayer(
    em: EntityManager,
    tenantId: string,
    businessDay: string,
    payer: { payerKey?: string | null; channel: PaymentChannel; payerId?: string | null },
  ): Promise<bigint> {
    const r = await one(
      em,
      TOTAL,
      `select coalesce(sum(x.amount_fen), 0)::bigint as total from (
         select a.id, a.amount_fen from payment_orders a
          where $3::text is not null and a.tenant_id = $1 and a.business_day = $2 and a.payer_key = $3
            and a.state in ('paying', 'succeeded') and a.kind in ('static', 'payer_code')
         union
         select b.id, b.amount_fen from payment_orders b
          where b.tenant_id = $1 and b.business_day = $2 and b.channel = $4
            and b.state in ('paying', 'succeeded') and b.kind in ('static', 'payer_code')
            and b.payer_id in (
              select $5::text where $5::text is not null
              union
              select k.payer_id from payment_orders k
               where $3::text is not null and k.tenant_id = $1 and k.payer_key = $3 and k.payer_id is not null and k.channel = $4)
       ) x`,
      [tenantId, businessDay, payer.payerKey ?? null, payer.channel, payer.payerId ?? null],
    );
    return r?.total ?? 0n;
  }

  /**
   * `pg_advisory_xact_lock` on `lockKey`, then `paidTodayByPayer`, in one round trip
   * (`qr_payer_paid_today_locked`, migration 1768420100000): the lock is held until the caller's
   * transaction ends, and the sum — a statement of the function after the lock, with its own
   * snapshot — sees what a concurrent payment of the payer committed before releasing it.
   */
  async paidTodayByPayerLocked(
    em: EntityManager,
    lockKey: string,
    tenantId: string,
    businessDay: string,
    payer: { payerKey?: string | null; channel: PaymentChannel; payerId?: string | null },
  ): Promise<bigint> {
    const r = await one(em, TOTAL, `select qr_payer_paid_today_locked($1, $2, $3::date, $4, $5, $6) as total`, [
      lockKey,
      tenantId,
      businessDay,
      payer.payerKey ?? null,
      payer.channel,
      payer.payerId ?? null,
    ]);
    return r?.total ?? 0n;
  }

  /** One page of the tenant's orders, newest first. */
  list(em: EntityManager, f: OrderListFilter, page: PageRequest): Promise<Page<OrderRecord>> {
    const where = new Where()
      .add('o.tenant_id = ?', f.tenantId)
      .add('o.app_id = ?', f.appId)
      .add('o.out_trade_no = ?', f.outTradeNo)
      .add('o.state = ?', f.state)
      .add('o.merchant_id = ?', f.merchantId)
      .add('o.channel_trade_no = ?', f.channelTradeNo)
      .add('exists (select 1 from refunds r where r.order_id = o.id and r.id = ?)', f.refundId)
      .add('o.amount_fen >= ?', f.minAmountFen)
      .add('o.amount_fen <= ?', f.maxAmountFen)
      .add('o.created_at >= ?', f.createdFrom)
      .add('o.created_at < ?', f.createdTo);
    return pageQuery(em, ORDER, { from: 'payment_orders o', where, keyset: NEWEST_FIRST, page });
  }

  /** Expired orders still waiting for a payer, across tenants (province scope). */
  findExpired(em: EntityManager, now: Date, limit: number): Promise<Array<RowType<typeof ORDER_REF>>> {
    return many(
      em,
      ORDER_REF,
      `select o.id, o.tenant_id from payment_orders o where o.state = 'created' and o.expires_at <= $1 order by o.expires_at limit $2`,
      [now, limit],
    );
  }

  /** QR payments (static/dynamic) still `paying` since before `before`, across tenants (province scope). */
  findStalePaying(em: EntityManager, before: Date, limit: number): Promise<Array<RowType<typeof ORDER_REF>>> {
    return many(
      em,
      ORDER_REF,
      `select o.id, o.tenant_id from payment_orders o where o.state = 'paying' and o.kind in ('static', 'dynamic') and o.updated_at <= $1
        order by o.updated_at limit $2`,
      [before, limit],
    );
  }

  /** Payer-code payments still `paying` since `before`: their process died polling, or their reversal went unanswered. */
  findStalePayerCode(em: EntityManager, before: Date, limit: number): Promise<Array<RowType<typeof ORDER_REF>>> {
    return many(
      em,
      ORDER_REF,
      `select o.id, o.tenant_id from payment_orders o where o.state = 'paying' and o.kind = 'payer_code' and o.updated_at <= $1
        order by o.updated_at limit $2`,
      [before, limit],
    );
  }

  /**
   * When the sweep next has something to do, across tenants (province scope): the earliest of an
   * unpaid order's expiry, a QR payment's `paying` plus `staleQrMs`, a payer-code payment's `paying`
   * plus `stalePayerCodeMs` — the times `findExpired`, `findStalePaying` and `findStalePayerCode`
   * look for (each read from its partial index). Null: no order open.
   */
  async nextSweepDue(em: EntityManager, staleQrMs: number, stalePayerCodeMs: number): Promise<Date | null> {
    const row = await one(
      em,
      DUE,
      `select least(
         (select min(o.expires_at) from payment_orders o where o.state = 'created'),
         (select min(o.updated_at) from payment_orders o where o.state = 'paying' and o.kind in ('static', 'dynamic')) + make_interval(secs => $1::float8 / 1000),
         (select min(o.updated_at) from payment_orders o where o.state = 'paying' and o.kind = 'payer_code') + make_interval(secs => $2::float8 / 1000)
       ) as due`,
      [staleQrMs, stalePayerCodeMs],
    );
    return row?.due ?? null;
  }
}
