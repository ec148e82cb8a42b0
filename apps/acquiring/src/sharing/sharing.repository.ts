import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import { col, execute, Keyset, many, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { ReceiverRelation, SplitState } from './dto/sharing.dto';

const RECEIVER = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  merchantId: col.uuid(),
  relation: col.text<ReceiverRelation>(),
  description: col.text().nullable(),
  createdAt: col.timestamp(),
  removedAt: col.timestamp().nullable(),
});
export type ReceiverRecord = RowType<typeof RECEIVER>;

const RECEIVERS_NEWEST_FIRST = new Keyset(
  'sharing-receivers',
  [
    { sql: 'r.created_at', type: 'timestamp' },
    { sql: 'r.id', type: 'uuid' },
  ],
  'desc',
);

/** A shared order's escrow position (acq_orders columns of profit sharing). */
const ESCROW = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  merchantId: col.uuid(),
  amountFen: col.bigint(),
  state: col.text(),
  profitSharing: col.boolean(),
  channel: col.text<PaymentChannel>().nullable(),
  paidAt: col.timestamp().nullable(),
  sharingFeeFen: col.bigint().nullable(),
  splitFen: col.bigint(),
  splitOthersFen: col.bigint(),
  releasedFen: col.bigint(),
  escrowRefundedFen: col.bigint(),
  sharingFinishedAt: col.timestamp().nullable(),
  releaseId: col.uuid().nullable(),
});
export type EscrowRecord = RowType<typeof ESCROW>;

const SPLIT = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  orderId: col.uuid(),
  outSplitNo: col.text(),
  totalFen: col.bigint(),
  state: col.text<SplitState>(),
  failureReason: col.text().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type SplitRecord = RowType<typeof SPLIT>;

const SHARE = rowOf({
  splitId: col.uuid(),
  lineNo: col.int(),
  merchantId: col.uuid(),
  amountFen: col.bigint(),
  reversedFen: col.bigint(),
});
export type ShareRecord = RowType<typeof SHARE>;

/** A shared paid order in an operator's list of escrow positions: its escrow columns, partner order number and reversals. */
const ESCROW_LISTED = rowOf({ ...ESCROW.spec, outTradeNo: col.text(), reversedFen: col.bigint() });
export type ListedEscrowRecord = RowType<typeof ESCROW_LISTED>;

const ESCROWS_NEWEST_PAID_FIRST = new Keyset(
  'escrow-positions',
  [
    { sql: 'o.paid_at', type: 'timestamp' },
    { sql: 'o.id', type: 'uuid' },
  ],
  'desc',
);

const REVERSED_OF_ORDER = `(select coalesce(sum(v.amount_fen), 0) from acq_split_reversals v where v.order_id = o.id)::bigint as reversed_fen`;

const MERCHANT_ESCROW = rowOf({
  orders: col.int(),
  held: col.int(),
  amountFen: col.bigint(),
  fixedFeeFen: col.bigint(),
  splitFen: col.bigint(),
  releasedFen: col.bigint(),
  refundedFen: col.bigint(),
  reversedFen: col.bigint(),
});
export type MerchantEscrowTotals = RowType<typeof MERCHANT_ESCROW>;
const UNFIXED_FEE = rowOf({ channel: col.text<PaymentChannel>().nullable(), amountFen: col.bigint() });

const TOTAL = rowOf({ total: col.bigint() });
const REF = rowOf({ id: col.uuid(), tenantId: col.text() });

/** The only SQL of profit sharing: receivers, splits and their shares, reversals, and the escrow columns of an order. */
@Injectable()
export class SharingRepository {
  // ---- receivers

  /** The live registration of (app, merchant), inserted if absent; `created` false when it already existed. */
  async addReceiver(
    em: EntityManager,
    r: { id: string; tenantId: string; appId: string; merchantId: string; relation: ReceiverRelation; description: string | null },
  ): Promise<{ receiver: ReceiverRecord; created: boolean }> {
    const [inserted] = await updateReturning(
      em,
      RECEIVER,
      `insert into acq_sharing_receivers (id, tenant_id, app_id, merchant_id, relation, description)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, app_id, merchant_id) where removed_at is null do nothing
       returning ${RECEIVER.columns()}`,
      [r.id, r.tenantId, r.appId, r.merchantId, r.relation, r.description],
    );
    if (inserted) return { receiver: inserted, created: true };
    const existing = await this.findLiveReceiver(em, r.appId, r.merchantId);
    if (!existing) throw new Error('receiver registration lost a race with its removal'); // retried by the caller's client
    return { receiver: existing, created: false };
  }

  findLiveReceiver(em: EntityManager, appId: string, merchantId: string): Promise<ReceiverRecord | undefined> {
    return one(
      em,
      RECEIVER,
      `select ${RECEIVER.columns('r')} from acq_sharing_receivers r where r.app_id = $1 and r.merchant_id = $2 and r.removed_at is null`,
      [appId, merchantId],
    );
  }

  findReceiver(em: EntityManager, id: string): Promise<ReceiverRecord | undefined> {
    return one(em, RECEIVER, `select ${RECEIVER.columns('r')} from acq_sharing_receivers r where r.id = $1 and r.removed_at is null`, [id]);
  }

  /** The merchants of `merchantIds` registered as live receivers of the app. */
  async liveReceiverMerchants(em: EntityManager, appId: string, merchantIds: readonly string[]): Promise<Set<string>> {
    const rows = await many(
      em,
      RECEIVER,
      `select ${RECEIVER.columns('r')} from acq_sharing_receivers r where r.app_id = $1 and r.merchant_id = any($2::uuid[]) and r.removed_at is null`,
      [appId, merchantIds],
    );
    return new Set(rows.map((r) => r.merchantId));
  }

  async removeReceiver(em: EntityManager, id: string): Promise<ReceiverRecord | undefined> {
    const [row] = await updateReturning(
      em,
      RECEIVER,
      `update acq_sharing_receivers r set removed_at = now() where r.id = $1 and r.removed_at is null returning ${RECEIVER.columns('r')}`,
      [id],
    );
    return row;
  }

  listReceivers(em: EntityManager, f: { appId?: string; merchantId?: string }, page: PageRequest): Promise<Page<ReceiverRecord>> {
    const where = new Where().add('r.removed_at is null').add('r.app_id = ?', f.appId).add('r.merchant_id = ?', f.merchantId);
    return pageQuery(em, RECEIVER, { from: 'acq_sharing_receivers r', where, keyset: RECEIVERS_NEWEST_FIRST, page });
  }

  // ---- the escrow of an order

  findEscrow(em: EntityManager, orderId: string, opts: { lock?: boolean } = {}): Promise<EscrowRecord | undefined> {
    return one(em, ESCROW, `select ${ESCROW.columns('o')} from acq_orders o where o.id = $1${opts.lock ? ' for update' : ''}`, [orderId]);
  }

  /** Keeps the fee of the order's escrow once (the first sharing step fixes it). */
  async fixFee(em: EntityManager, orderId: string, feeFen: bigint): Promise<EscrowRecord | undefined> {
    const [row] = await updateReturning(
      em,
      ESCROW,
      `update acq_orders o set sharing_fee_fen = coalesce(o.sharing_fee_fen, $2) where o.id = $1 returning ${ESCROW.columns('o')}`,
      [orderId, feeFen],
    );
    return row;
  }

  /** Adds (or, negative, takes back) split shares; the check constraints keep the escrow ≥ 0. */
  async addSplit(em: EntityManager, orderId: string, totalFen: bigint, toOthersFen: bigint): Promise<EscrowRecord | undefined> {
    const [row] = await updateReturning(
      em,
      ESCROW,
      `update acq_orders o set split_fen = o.split_fen + $2, split_others_fen = o.split_others_fen + $3, updated_at = now()
        where o.id = $1 and o.sharing_finished_at is null returning ${ESCROW.columns('o')}`,
      [orderId, totalFen, toOthersFen],
    );
    return row;
  }

  /** A reversal before a refund: shares back to the escrow (also after the escrow was finished). */
  async reverseSplit(em: EntityManager, orderId: string, totalFen: bigint, fromOthersFen: bigint): Promise<void> {
    const n = await execute(
      em,
      `update acq_orders o set split_fen = o.split_fen - $2, split_others_fen = o.split_others_fen - $3, updated_at = now() where o.id = $1`,
      [orderId, totalFen, fromOthersFen],
    );
    if (n !== 1) throw new Error(`order ${orderId} vanished during a reversal`);
  }

  async addEscrowRefunded(em: EntityManager, orderId: string, amountFen: bigint): Promise<void> {
    const n = await execute(em, `update acq_orders o set escrow_refunded_fen = o.escrow_refunded_fen + $2, updated_at = now() where o.id = $1`, [
      orderId,
      amountFen,
    ]);
    if (n !== 1) throw new Error(`order ${orderId} vanished during a refund`);
  }

  /** Finishes the escrow once: the remainder released (conditional on not finished). */
  async finish(em: EntityManager, orderId: string, releasedFen: bigint, releaseId: string | null): Promise<EscrowRecord | undefined> {
    const [row] = await updateReturning(
      em,
      ESCROW,
      `update acq_orders o set released_fen = o.released_fen + $2, release_id = $3, sharing_finished_at = now(), updated_at = now()
        where o.id = $1 and o.sharing_finished_at is null returning ${ESCROW.columns('o')}`,
      [orderId, releasedFen, releaseId],
    );
    return row;
  }

  /** Pending + succeeded partner refunds of the order. */
  async refundsCommitted(em: EntityManager, orderId: string): Promise<bigint> {
    const r = await one(
      em,
      TOTAL,
      `select coalesce(sum(r.amount_fen), 0)::bigint as total from acq_refunds r where r.order_id = $1 and not r.automatic and r.state in ('pending', 'succeeded')`,
      [orderId],
    );
    return r?.total ?? 0n;
  }

  /** Shared orders paid before `paidBefore` whose escrow is still held, across tenants (province scope). */
  findHeld(em: EntityManager, paidBefore: Date, limit: number): Promise<Array<RowType<typeof REF>>> {
    return many(
      em,
      REF,
      `select o.id, o.tenant_id from acq_orders o
        where o.profit_sharing and o.state = 'succeeded' and o.sharing_finished_at is null and o.paid_at <= $1
        order by o.paid_at limit $2`,
      [paidBefore, limit],
    );
  }

  // ---- operators' escrow positions (per merchant)

  /** Shared paid orders of the county, newest paid first; `position` held (not finished) or finished. */
  listEscrows(em: EntityManager, f: { merchantId?: string; position?: 'held' | 'finished' }, page: PageRequest): Promise<Page<ListedEscrowRecord>> {
    const where = new Where().add('o.profit_sharing').add("o.state = 'succeeded'").add('o.paid_at is not null').add('o.merchant_id = ?', f.merchantId);
    if (f.position === 'held') where.add('o.sharing_finished_at is null');
    if (f.position === 'finished') where.add('o.sharing_finished_at is not null');
    return pageQuery(em, ESCROW_LISTED, {
      select: `${ESCROW.columns('o')}, o.out_trade_no, ${REVERSED_OF_ORDER}`,
      from: 'acq_orders o',
      where,
      keyset: ESCROWS_NEWEST_PAID_FIRST,
      page,
    });
  }

  /** The totals of a merchant's shared paid orders (the fee where the first sharing step fixed it). */
  async merchantEscrowTotals(em: EntityManager, merchantId: string): Promise<MerchantEscrowTotals> {
    const row = await one(
      em,
      MERCHANT_ESCROW,
      `select count(*)::int as orders,
              count(*) filter (where o.sharing_finished_at is null)::int as held,
              coalesce(sum(o.amount_fen), 0)::bigint as amount_fen,
              coalesce(sum(o.sharing_fee_fen), 0)::bigint as fixed_fee_fen,
              coalesce(sum(o.split_fen), 0)::bigint as split_fen,
              coalesce(sum(o.released_fen), 0)::bigint as released_fen,
              coalesce(sum(o.escrow_refunded_fen), 0)::bigint as refunded_fen,
              coalesce(sum((select coalesce(sum(v.amount_fen), 0) from acq_split_reversals v where v.order_id = o.id)), 0)::bigint as reversed_fen
         from acq_orders o where o.profit_sharing and o.state = 'succeeded' and o.paid_at is not null and o.merchant_id = $1`,
      [merchantId],
    );
    if (!row) throw new Error('an aggregate always answers a row');
    return row;
  }

  /** The merchant's shared paid orders whose fee no sharing step fixed yet (the caller prices them under the county's plan). */
  unfixedFees(em: EntityManager, merchantId: string): Promise<Array<RowType<typeof UNFIXED_FEE>>> {
    return many(
      em,
      UNFIXED_FEE,
      `select o.channel, o.amount_fen from acq_orders o
        where o.profit_sharing and o.state = 'succeeded' and o.paid_at is not null and o.merchant_id = $1 and o.sharing_fee_fen is null`,
      [merchantId],
    );
  }

  // ---- splits

  /** undefined when the app's outSplitNo is taken */
  async insertSplit(
    em: EntityManager,
    s: { id: string; tenantId: string; appId: string; orderId: string; outSplitNo: string; totalFen: bigint },
    shares: ReadonlyArray<{ merchantId: string; amountFen: bigint }>,
  ): Promise<SplitRecord | undefined> {
    const [row] = await updateReturning(
      em,
      SPLIT,
      `insert into acq_splits (id, tenant_id, app_id, order_id, out_split_no, total_fen, state)
       values ($1, $2, $3, $4, $5, $6, 'processing')
       on conflict (tenant_id, app_id, out_split_no) do nothing
       returning ${SPLIT.columns()}`,
      [s.id, s.tenantId, s.appId, s.orderId, s.outSplitNo, s.totalFen],
    );
    if (!row) return undefined;
    await execute(
      em,
      `insert into acq_split_shares (tenant_id, split_id, line_no, merchant_id, amount_fen)
       select $1, $2, t.ord, t.merchant_id, t.amount_fen
         from unnest($3::uuid[], $4::bigint[]) with ordinality as t(merchant_id, amount_fen, ord)`,
      [s.tenantId, s.id, shares.map((x) => x.merchantId), shares.map((x) => x.amountFen.toString())],
    );
    return row;
  }

  findSplit(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<SplitRecord | undefined> {
    return one(em, SPLIT, `select ${SPLIT.columns('s')} from acq_splits s where s.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  findSplitByOutNo(em: EntityManager, appId: string, outSplitNo: string): Promise<SplitRecord | undefined> {
    return one(em, SPLIT, `select ${SPLIT.columns('s')} from acq_splits s where s.app_id = $1 and s.out_split_no = $2`, [appId, outSplitNo]);
  }

  splitsOfOrder(em: EntityManager, orderId: string): Promise<SplitRecord[]> {
    return many(em, SPLIT, `select ${SPLIT.columns('s')} from acq_splits s where s.order_id = $1 order by s.created_at, s.id`, [orderId]);
  }

  sharesOf(em: EntityManager, splitIds: readonly string[]): Promise<ShareRecord[]> {
    if (splitIds.length === 0) return Promise.resolve([]);
    return many(em, SHARE, `select ${SHARE.columns('x')} from acq_split_shares x where x.split_id = any($1::uuid[]) order by x.split_id, x.line_no`, [
      splitIds,
    ]);
  }

  /** processing → succeeded | failed, once. */
  async finishSplit(em: EntityManager, id: string, to: 'succeeded' | 'failed', failureReason: string | null): Promise<SplitRecord | undefined> {
    const [row] = await updateReturning(
      em,
      SPLIT,
      `update acq_splits s set state = $2, failure_reason = $3, updated_at = now() where s.id = $1 and s.state = 'processing' returning ${SPLIT.columns('s')}`,
      [id, to, failureReason],
    );
    return row;
  }

  /** Succeeded splits of the order made since `since`, newest first, with what is still reversible. */
  async reversibleSplits(em: EntityManager, orderId: string, since: Date): Promise<Array<{ split: SplitRecord; shares: ShareRecord[] }>> {
    const splits = await many(
      em,
      SPLIT,
      `select ${SPLIT.columns('s')} from acq_splits s where s.order_id = $1 and s.state = 'succeeded' and s.created_at >= $2 order by s.created_at desc, s.id desc`,
      [orderId, since],
    );
    const shares = await this.sharesOf(
      em,
      splits.map((s) => s.id),
    );
    return splits.map((split) => ({ split, shares: shares.filter((x) => x.splitId === split.id) }));
  }

  async reverseShare(em: EntityManager, splitId: string, lineNo: number, amountFen: bigint): Promise<void> {
    const n = await execute(
      em,
      `update acq_split_shares x set reversed_fen = x.reversed_fen + $3 where x.split_id = $1 and x.line_no = $2 and x.reversed_fen + $3 <= x.amount_fen`,
      [splitId, lineNo, amountFen],
    );
    if (n !== 1) throw new Error(`share ${splitId}/${lineNo} cannot give back ${amountFen} fen`);
  }

  async insertReversal(
    em: EntityManager,
    r: {
      id: string;
      tenantId: string;
      orderId: string;
      splitId: string;
      refundId: string;
      amountFen: bigint;
      shares: Array<{ merchantId: string; amountFen: string }>;
    },
  ): Promise<void> {
    await execute(
      em,
      `insert into acq_split_reversals (id, tenant_id, order_id, split_id, refund_id, amount_fen, shares) values ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [r.id, r.tenantId, r.orderId, r.splitId, r.refundId, r.amountFen, JSON.stringify(r.shares)],
    );
  }

  /** Splits still processing since before `before`, across tenants (province scope): finished by the sweep. */
  findStaleProcessing(em: EntityManager, before: Date, limit: number): Promise<Array<RowType<typeof REF>>> {
    return many(em, REF, `select s.id, s.tenant_id from acq_splits s where s.state = 'processing' and s.updated_at <= $1 order by s.updated_at limit $2`, [
      before,
      limit,
    ]);
  }
}
