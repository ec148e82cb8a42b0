import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import type { OrderState } from '../domain/order-state';

export type OrderKind = 'static' | 'dynamic' | 'payer_code';

export interface OrderRecord {
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
  channelTradeNo: string | null;
  failureReason: string | null;
  closeReason: string | null;
  businessDay: string;
  expiresAt: Date | null;
  paidAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface NewOrder {
  id: string;
  tenantId: string;
  appId: string;
  outTradeNo: string;
  merchantId: string;
  storeId?: string | null;
  terminalId?: string | null;
  kind: OrderKind;
  channel?: PaymentChannel | null;
  amountFen: bigint;
  state: OrderState;
  description?: string | null;
  payerKey?: string | null;
  payerId?: string | null;
  businessDay: string;
  expiresAt?: Date | null;
}

/** What a state change writes beside the state. */
export interface OrderChange {
  channel?: PaymentChannel;
  payerId?: string | null;
  channelTradeNo?: string | null;
  failureReason?: string | null;
  closeReason?: string | null;
  paidAt?: Date | null;
}

interface OrderRow {
  id: string;
  tenant_id: string;
  app_id: string;
  out_trade_no: string;
  merchant_id: string;
  store_id: string | null;
  terminal_id: string | null;
  kind: OrderKind;
  channel: PaymentChannel | null;
  amount_fen: string;
  state: OrderState;
  description: string | null;
  payer_key: string | null;
  payer_id: string | null;
  channel_trade_no: string | null;
  failure_reason: string | null;
  close_reason: string | null;
  business_day: string;
  expires_at: Date | null;
  paid_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = `id, tenant_id, app_id, out_trade_no, merchant_id, store_id, terminal_id, kind, channel, amount_fen::text as amount_fen,
  state, description, payer_key, payer_id, channel_trade_no, failure_reason, close_reason, to_char(business_day, 'YYYY-MM-DD') as business_day,
  expires_at, paid_at, created_at, updated_at, version`;

function toRecord(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    appId: r.app_id,
    outTradeNo: r.out_trade_no,
    merchantId: r.merchant_id,
    storeId: r.store_id,
    terminalId: r.terminal_id,
    kind: r.kind,
    channel: r.channel,
    amountFen: BigInt(r.amount_fen),
    state: r.state,
    description: r.description,
    payerKey: r.payer_key,
    payerId: r.payer_id,
    channelTradeNo: r.channel_trade_no,
    failureReason: r.failure_reason,
    closeReason: r.close_reason,
    businessDay: r.business_day,
    expiresAt: r.expires_at,
    paidAt: r.paid_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

export interface OrderListFilter {
  appId?: string;
  outTradeNo?: string;
  state?: OrderState;
  merchantId?: string;
  /** keyset: rows strictly after (createdAt desc, id desc) */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** The only SQL of payment orders. Every call runs in the caller's tenant transaction. */
@Injectable()
export class OrdersRepository {
  /** Inserts the order; returns undefined when (tenant, app, outTradeNo) is taken. */
  async insert(em: EntityManager, o: NewOrder): Promise<OrderRecord | undefined> {
    const rows: OrderRow[] = await em.query(
      `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, store_id, terminal_id, kind, channel,
         amount_fen, state, description, payer_key, payer_id, business_day, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       on conflict (tenant_id, app_id, out_trade_no) do nothing
       returning ${COLUMNS}`,
      [
        o.id,
        o.tenantId,
        o.appId,
        o.outTradeNo,
        o.merchantId,
        o.storeId ?? null,
        o.terminalId ?? null,
        o.kind,
        o.channel ?? null,
        o.amountFen.toString(),
        o.state,
        o.description ?? null,
        o.payerKey ?? null,
        o.payerId ?? null,
        o.businessDay,
        o.expiresAt ?? null,
      ],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async findById(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<OrderRecord | undefined> {
    const rows: OrderRow[] = await em.query(`select ${COLUMNS} from payment_orders where id = $1${opts.lock ? ' for update' : ''}`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async findByOutTradeNo(em: EntityManager, appId: string, outTradeNo: string): Promise<OrderRecord | undefined> {
    const rows: OrderRow[] = await em.query(`select ${COLUMNS} from payment_orders where app_id = $1 and out_trade_no = $2`, [appId, outTradeNo]);
    return rows[0] && toRecord(rows[0]);
  }

  /**
   * Moves the order from `from` to `to` with its details; a conditional UPDATE, so a
   * concurrent change wins once and the loser gets undefined.
   */
  async changeState(em: EntityManager, id: string, from: OrderState, to: OrderState, c: OrderChange): Promise<OrderRecord | undefined> {
    const rows: [OrderRow[], number] = await em.query(
      `update payment_orders set state = $3,
         channel = coalesce($4, channel),
         payer_id = coalesce($5, payer_id),
         channel_trade_no = coalesce($6, channel_trade_no),
         failure_reason = coalesce($7, failure_reason),
         close_reason = coalesce($8, close_reason),
         paid_at = coalesce($9, paid_at),
         updated_at = now(), version = version + 1
       where id = $1 and state = $2
       returning ${COLUMNS}`,
      [id, from, to, c.channel ?? null, c.payerId ?? null, c.channelTradeNo ?? null, c.failureReason ?? null, c.closeReason ?? null, c.paidAt ?? null],
    );
    const row = rows[0]?.[0];
    return row && toRecord(row);
  }

  /** Records what the channel said about a payment still in progress (no state change). */
  async recordChannelDetails(em: EntityManager, id: string, c: { payerId?: string | null; channelTradeNo?: string | null }): Promise<void> {
    await em.query(
      `update payment_orders set payer_id = coalesce($2, payer_id), channel_trade_no = coalesce($3, channel_trade_no), updated_at = now()
       where id = $1`,
      [id, c.payerId ?? null, c.channelTradeNo ?? null],
    );
  }

  /**
   * Serialises the daily-limit check of one payer within the tenant (until the transaction ends),
   * so two concurrent payments of the same payer cannot both pass it.
   */
  async lockPayer(em: EntityManager, tenantId: string, payerRef: string): Promise<void> {
    await em.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`qr-payer:${tenantId}:${payerRef}`]);
  }

  /**
   * What the payer has paid (or is paying) by barcode today under this tenant: orders in
   * `paying` or `succeeded` on `businessDay` whose payer key matches, or whose channel
   * payer id matches the given one or one the channel already reported for this payer key.
   */
  async paidTodayByPayer(
    em: EntityManager,
    businessDay: string,
    payer: { payerKey?: string | null; channel: PaymentChannel; payerId?: string | null },
  ): Promise<bigint> {
    const rows: Array<{ total: string }> = await em.query(
      `select coalesce(sum(amount_fen), 0)::text as total from payment_orders o
        where o.business_day = $1 and o.state in ('paying', 'succeeded') and o.kind in ('static', 'payer_code')
          and (
            ($2::text is not null and o.payer_key = $2)
            or (o.channel = $3 and $4::text is not null and o.payer_id = $4)
            or (o.channel = $3 and $2::text is not null and o.payer_id in (
                 select k.payer_id from payment_orders k where k.payer_key = $2 and k.payer_id is not null and k.channel = $3))
          )`,
      [businessDay, payer.payerKey ?? null, payer.channel, payer.payerId ?? null],
    );
    return BigInt(rows[0]?.total ?? '0');
  }

  async list(em: EntityManager, f: OrderListFilter): Promise<OrderRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.appId !== undefined) add('app_id = ?', f.appId);
    if (f.outTradeNo !== undefined) add('out_trade_no = ?', f.outTradeNo);
    if (f.state !== undefined) add('state = ?', f.state);
    if (f.merchantId !== undefined) add('merchant_id = ?', f.merchantId);
    if (f.after) {
      params.push(f.after.createdAt, f.after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    const rows: OrderRow[] = await em.query(
      `select ${COLUMNS} from payment_orders ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, id desc limit $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Expired orders still waiting for a payer, across tenants (province scope). */
  async findExpired(em: EntityManager, now: Date, limit: number): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await em.query(
      `select id, tenant_id from payment_orders where state = 'created' and expires_at <= $1 order by expires_at limit $2`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  /** QR payments (static/dynamic) still `paying` since before `before`, across tenants (province scope). */
  async findStalePaying(em: EntityManager, before: Date, limit: number): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await em.query(
      `select id, tenant_id from payment_orders where state = 'paying' and kind in ('static', 'dynamic') and updated_at <= $1
        order by updated_at limit $2`,
      [before, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }
}
