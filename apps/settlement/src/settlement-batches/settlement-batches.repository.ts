import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, many, one, pageQuery, query, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { BatchStatus } from '../domain/batch-state';
import type { ClearingItem, ItemStatus, MerchantActivity } from '../domain/clearing';

/** Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant. */

const BATCH = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  businessDate: col.date(),
  cycle: col.text<'T1' | 'D0'>(),
  settlementDate: col.date(),
  cutoffTime: col.text(),
  windowEnd: col.timestamp(),
  status: col.text<BatchStatus>(),
  entryCount: col.int(),
  itemCount: col.int(),
  clearingFen: col.bigint(),
  payoutFen: col.bigint(),
  feeFen: col.bigint(),
  reserveFen: col.bigint(),
  heldFen: col.bigint(),
  carriedFen: col.bigint(),
  broughtForwardFen: col.bigint(),
  tieOutBalanced: col.boolean(),
  trialBalanceBalanced: col.boolean(),
  reserveBp: col.int(),
  approvalThresholdFen: col.bigint(),
  approvalsRequired: col.int(),
  createdBy: col.text(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type BatchRecord = RowType<typeof BATCH>;

const ITEM = rowOf({
  batchId: col.uuid(),
  merchantId: col.uuid(),
  paymentCount: col.int(),
  paymentsFen: col.bigint(),
  refundCount: col.int(),
  refundsFen: col.bigint(),
  feesFen: col.bigint(),
  splitsInFen: col.bigint(),
  splitsOutFen: col.bigint(),
  creditSalesFen: col.bigint(),
  adjustmentsFen: col.bigint(),
  broughtForwardFen: col.bigint(),
  grossFen: col.bigint(),
  netFen: col.bigint(),
  reserveFen: col.bigint(),
  payoutFen: col.bigint(),
  status: col.text<ItemStatus>(),
  holdReason: col.text().nullable(),
});
export type ItemRecord = RowType<typeof ITEM>;

/**
 * The movements of merchants' payables made by a set of journal entries (`entries`: a relation with
 * an `entry_id` column) of the tenant `tenant` (a placeholder, e.g. `$2`: named so that only that
 * tenant's partitions of the journal and postings are planned; row-level security still scopes
 * them): one row per entry and merchant, with the entry's source type, product,
 * channel, amount and fee, `move` = credits − debits on `merchant_payable:<merchant>` and `escrow` =
 * credits − debits on `merchant_escrow:<merchant>` by a payment or a refund (money entering escrow
 * from a payment, leaving it for a refund; ADR 0014). Escrow movements between the merchant's escrow
 * and payables (splits, releases, reversals) are seen on the payables only. The breakdown below tells
 * the movements apart by source type; clearing and the daily report read both through it.
 */
export function payableMovesSql(entries: string, tenant: string): string {
  return `select j.id as entry_id, j.source_type, j.product, j.channel, j.amount_fen, j.fee_fen,
                 substr(p.account, strpos(p.account, ':') + 1)::uuid as merchant_id,
                 coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end)
                            filter (where p.account like 'merchant_payable:%'), 0) as move,
                 coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end)
                            filter (where p.account like 'merchant_escrow:%'), 0) as escrow
            from ${entries} x
            join journal_entries j on j.tenant_id = ${tenant} and j.id = x.entry_id
            join postings p on p.tenant_id = j.tenant_id and p.tenant_id = ${tenant} and p.entry_id = j.id
                           and (p.account like 'merchant_payable:%'
                                or (p.account like 'merchant_escrow:%' and j.source_type in ('payment.succeeded', 'refund.succeeded')))
           group by j.id, j.source_type, j.product, j.channel, j.amount_fen, j.fee_fen, substr(p.account, strpos(p.account, ':') + 1)`;
}

/**
 * Each part of clearing over rows of `payableMovesSql` (alias m). A payment is its gross amount and
 * its fee, wherever its net went; a refund is its gross amount (= returned fee − move − escrow) and
 * the fee it returns (against fees). Money between a merchant's escrow and payables is a split:
 * in = shares received, remainders released, and the part of a refund the escrow pays; out =
 * reversals (回退) and an escrowed payment's net (A − F into escrow). So an escrowed payment's line
 * is payments A, fees F, splits out A − F, net 0 — its fee is in the batch of its day, exactly once.
 * Credit sales and adjustments are their movement; any other source type touching a payable counts
 * as an adjustment: gross − fees = Σ move, whatever comes.
 */
export const BREAKDOWN = {
  paymentCount: col.expr(`(count(*) filter (where m.source_type = 'payment.succeeded'))::int`, col.int()),
  paymentsFen: col.expr(`coalesce(sum(m.amount_fen) filter (where m.source_type = 'payment.succeeded'), 0)`, col.bigint()),
  refundCount: col.expr(`(count(*) filter (where m.source_type = 'refund.succeeded'))::int`, col.int()),
  refundsFen: col.expr(`coalesce(sum(m.fee_fen - m.move - m.escrow) filter (where m.source_type = 'refund.succeeded'), 0)`, col.bigint()),
  // a payment charges its fee; a refund's fee_fen is the part of it returned (pro rata tenants)
  feesFen: col.expr(
    `coalesce(sum(case m.source_type when 'payment.succeeded' then m.fee_fen when 'refund.succeeded' then -m.fee_fen else 0 end), 0)`,
    col.bigint(),
  ),
  splitsInFen: col.expr(
    `coalesce(sum(case when m.source_type in ('split.succeeded', 'split.released') then m.move
                       when m.source_type = 'refund.succeeded' then -m.escrow else 0 end), 0)`,
    col.bigint(),
  ),
  splitsOutFen: col.expr(
    `coalesce(sum(case when m.source_type = 'split.reversed' then -m.move when m.source_type = 'payment.succeeded' then m.escrow else 0 end), 0)`,
    col.bigint(),
  ),
  creditSalesFen: col.expr(`coalesce(sum(m.move) filter (where m.source_type like 'credit.%'), 0)`, col.bigint()),
  adjustmentsFen: col.expr(
    `coalesce(sum(m.move) filter (where m.source_type not in ('payment.succeeded', 'refund.succeeded', 'split.succeeded', 'split.released', 'split.reversed')
                                    and m.source_type not like 'credit.%'), 0)`,
    col.bigint(),
  ),
};

const ACTIVITY = rowOf({ merchantId: col.uuid(), ...BREAKDOWN });

const APPROVAL = rowOf({ operatorId: col.text(), approvedAt: col.timestamp() });
export type ApprovalRecord = RowType<typeof APPROVAL>;

const HISTORY = rowOf({
  action: col.text(),
  fromStatus: col.text<BatchStatus>().nullable(),
  toStatus: col.text<BatchStatus>(),
  actorType: col.text(),
  actorId: col.text(),
  reason: col.text().nullable(),
  at: col.timestamp(),
});
export type HistoryRecord = RowType<typeof HISTORY>;

const HOLD = rowOf({
  id: col.uuid(),
  merchantId: col.uuid(),
  reason: col.text(),
  heldBy: col.text(),
  heldAt: col.timestamp(),
  releasedBy: col.text().nullable(),
  releasedAt: col.timestamp().nullable(),
});
export type HoldRecord = RowType<typeof HOLD>;

const SUM = rowOf({ total: col.bigint() });
const PARTS = rowOf({
  paymentsFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  refundsFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  feesFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  splitsInFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  splitsOutFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  creditSalesFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
  adjustmentsFen: col.expr('coalesce(sum({c}), 0)', col.bigint()),
});
export type ClearingParts = RowType<typeof PARTS>;
const BALANCED = rowOf({ balanced: col.boolean() });

/** Batches newest first (by creation sequence, compared as the bigint it is). */
export const BATCHES_NEWEST_FIRST = new Keyset('settlement-batches', [{ sql: 'b.seq', type: 'bigint' }], 'desc');
/** A batch's items by merchant id. */
export const ITEMS_BY_MERCHANT = new Keyset('settlement-batch-items', [{ sql: 'i.merchant_id', type: 'uuid' }], 'asc');

export interface NewBatch {
  id: string;
  tenantId: string;
  businessDate: string;
  cycle: 'T1' | 'D0';
  settlementDate: string;
  cutoffTime: string;
  windowEnd: Date;
  reserveBp: number;
  approvalThresholdFen: bigint;
  createdBy: string;
}

@Injectable()
export class SettlementBatchesRepository {
  /** Creates the date's batch (status open) unless it exists: false when it did (a re-run). */
  async insertBatch(em: EntityManager, b: NewBatch): Promise<boolean> {
    const n = await execute(
      em,
      `insert into settlement_batches (tenant_id, id, business_date, cycle, settlement_date, cutoff_time, window_end, status, reserve_bp, approval_threshold_fen, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10)
       on conflict (tenant_id, business_date) do nothing`,
      [b.tenantId, b.id, b.businessDate, b.cycle, b.settlementDate, b.cutoffTime, b.windowEnd, b.reserveBp, b.approvalThresholdFen, b.createdBy],
    );
    return n > 0;
  }

  findBatch(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<BatchRecord | undefined> {
    return one(em, BATCH, `select ${BATCH.columns('b')} from settlement_batches b where b.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  findBatchByDate(em: EntityManager, businessDate: string): Promise<BatchRecord | undefined> {
    return one(em, BATCH, `select ${BATCH.columns('b')} from settlement_batches b where b.business_date = $1`, [businessDate]);
  }

  /** The latest business date that has a batch (a cut-off never runs behind it). */
  async latestBusinessDate(em: EntityManager): Promise<string | undefined> {
    const r = await query(em, `select max(b.business_date)::text as d from settlement_batches b where b.status <> 'aborted'`);
    const d = r.rows[0]?.['d'];
    return typeof d === 'string' ? d : undefined;
  }

  listBatches(em: EntityManager, f: { status?: BatchStatus }, page: PageRequest): Promise<Page<BatchRecord>> {
    const where = new Where().add('b.status = ?', f.status);
    return pageQuery(em, BATCH, { from: 'settlement_batches b', where, keyset: BATCHES_NEWEST_FIRST, page });
  }

  /**
   * Claims for the batch every journal entry of the tenant that occurred before the window's end,
   * moved a merchant's payable (ADR 0014: payments, refunds, splits, credit sales, adjustments —
   * payouts aside, they are clearing's result) and is in no batch yet (late postings of an earlier
   * window included), and returns each merchant's activity over the claimed entries — one
   * statement, so a concurrent posting is either claimed and counted or left for the next window,
   * never half. An entry is claimed once with all its merchants' movements (a split to several
   * receivers is one entry in one batch). A payment into escrow (and a refund drawing on it) is
   * claimed too, on its day: its fee is income that day and appears in that batch's line, its net
   * as a split out (nothing of the escrow is paid before it is split or released).
   */
  claimEntries(em: EntityManager, tenantId: string, batchId: string, windowEnd: Date): Promise<Array<Omit<MerchantActivity, 'broughtForwardFen'>>> {
    return many(
      em,
      ACTIVITY,
      `with claimed as (
         insert into settlement_batch_entries (tenant_id, entry_id, batch_id)
         select $1, j.id, $2 from journal_entries j
          where j.tenant_id = $1
            and j.occurred_at < $3
            and j.source_type <> 'payout.succeeded'
            and exists (select 1 from postings p where p.tenant_id = j.tenant_id and p.tenant_id = $1 and p.entry_id = j.id
                           and (p.account like 'merchant_payable:%'
                                or (p.account like 'merchant_escrow:%' and j.source_type in ('payment.succeeded', 'refund.succeeded'))))
            and not exists (select 1 from settlement_batch_entries e where e.entry_id = j.id)
         on conflict do nothing
         returning entry_id),
       m as (${payableMovesSql('claimed', '$1')})
       select ${ACTIVITY.columns('m')}
         from m
        group by m.merchant_id
        order by m.merchant_id`,
      [tenantId, batchId, windowEnd],
    );
  }

  /**
   * Σ clearing recomputed from the ledger's postings of the entries the batch claimed — their
   * movements of merchants' payables plus of fee income (the fees the clearing nets off) — the
   * tie-out's independent side.
   */
  async clearingFromLedger(em: EntityManager, tenantId: string, batchId: string): Promise<{ clearingFen: bigint; entryCount: number }> {
    const r = await query(
      em,
      `select (select coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end), 0)
                 from settlement_batch_entries e join postings p on p.tenant_id = e.tenant_id and p.entry_id = e.entry_id
                where e.batch_id = $1 and p.tenant_id = $2 and (p.account like 'merchant_payable:%' or p.account = 'fee_income'))::text as clearing,
              (select count(*) from settlement_batch_entries e where e.batch_id = $1)::int as n`,
      [batchId, tenantId],
    );
    return { clearingFen: BigInt(String(r.rows[0]?.['clearing'] ?? '0')), entryCount: Number(r.rows[0]?.['n'] ?? 0) };
  }

  /**
   * Brings forward into the batch what earlier batches left owed: held and carried nets and D+0
   * reserves of items not yet brought forward (aborted batches aside), per merchant; each such
   * item is marked, so it is brought forward exactly once. A carried net of 0 (an escrowed payment's
   * line, refunds that equal payments) is marked but brings nothing: no empty item in the next batch.
   */
  async claimLeftovers(em: EntityManager, batchId: string): Promise<Map<string, bigint>> {
    const r = await query(
      em,
      `with fwd as (
         update settlement_batch_items i set forwarded_to = $1
           from settlement_batches b
          where b.id = i.batch_id and b.status <> 'aborted' and i.batch_id <> $1
            and i.forwarded_to is null and (i.status <> 'payable' or i.reserve_fen > 0)
         returning i.merchant_id, case when i.status = 'payable' then i.reserve_fen else i.net_fen end as amount)
       select merchant_id, sum(amount)::text as amount from fwd where amount <> 0 group by merchant_id`,
      [batchId],
    );
    return new Map(r.rows.map((x) => [String(x['merchant_id']), BigInt(String(x['amount']))]));
  }

  /** An aborted batch gives back its entries (to the next cut-off) and what it had brought forward. */
  async releaseBatch(em: EntityManager, batchId: string): Promise<void> {
    await execute(em, `delete from settlement_batch_entries where batch_id = $1`, [batchId]);
    await execute(em, `update settlement_batch_items set forwarded_to = null where forwarded_to = $1`, [batchId]);
  }

  async insertItems(em: EntityManager, tenantId: string, batchId: string, items: readonly ClearingItem[]): Promise<void> {
    if (items.length === 0) return;
    await execute(
      em,
      `insert into settlement_batch_items (tenant_id, batch_id, merchant_id, payment_count, payments_fen, refund_count, refunds_fen, fees_fen,
         gross_fen, net_fen, reserve_fen, payout_fen, status, hold_reason, brought_forward_fen,
         splits_in_fen, splits_out_fen, credit_sales_fen, adjustments_fen)
       select $1, $2, i.* from unnest($3::uuid[], $4::int[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],
         $12::bigint[], $13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[]) as i`,
      [
        tenantId,
        batchId,
        items.map((i) => i.merchantId),
        items.map((i) => i.paymentCount),
        items.map((i) => i.paymentsFen),
        items.map((i) => i.refundCount),
        items.map((i) => i.refundsFen),
        items.map((i) => i.feesFen),
        items.map((i) => i.grossFen),
        items.map((i) => i.netFen),
        items.map((i) => i.reserveFen),
        items.map((i) => i.payoutFen),
        items.map((i) => i.status),
        items.map((i) => i.holdReason),
        items.map((i) => i.broughtForwardFen),
        items.map((i) => i.splitsInFen),
        items.map((i) => i.splitsOutFen),
        items.map((i) => i.creditSalesFen),
        items.map((i) => i.adjustmentsFen),
      ],
    );
  }

  findItems(em: EntityManager, batchId: string): Promise<ItemRecord[]> {
    return many(em, ITEM, `select ${ITEM.columns('i')} from settlement_batch_items i where i.batch_id = $1 order by i.merchant_id`, [batchId]);
  }

  /** The batch's clearing parts over its items (where its clearing came from). */
  async clearingParts(em: EntityManager, batchId: string): Promise<ClearingParts> {
    const r = await one(em, PARTS, `select ${PARTS.columns('i')} from settlement_batch_items i where i.batch_id = $1`, [batchId]);
    if (!r) throw new Error('an aggregate returns one row'); // unreachable
    return r;
  }

  pageItems(em: EntityManager, batchId: string, page: PageRequest): Promise<Page<ItemRecord>> {
    return pageQuery(em, ITEM, { from: 'settlement_batch_items i', where: new Where().add('i.batch_id = ?', batchId), keyset: ITEMS_BY_MERCHANT, page });
  }

  /** Holds a payable item of the batch (a merchant's payout held after the cut-off): its net stays payable. */
  async holdItem(em: EntityManager, batchId: string, merchantId: string, reason: string): Promise<boolean> {
    const n = await execute(
      em,
      `update settlement_batch_items set status = 'held', hold_reason = $3, payout_fen = 0, reserve_fen = 0
        where batch_id = $1 and merchant_id = $2 and status = 'payable'`,
      [batchId, merchantId, reason],
    );
    return n > 0;
  }

  /** Writes the batch's totals, tie-out and trial-balance check from its items (one statement). */
  async writeTotals(em: EntityManager, batchId: string, t: { clearingFen: bigint; entryCount: number; trialBalanceBalanced: boolean }): Promise<void> {
    await execute(
      em,
      `update settlement_batches b set
          entry_count = $2::int,
          clearing_fen = $3::bigint,
          trial_balance_balanced = $4::boolean,
          item_count = s.item_count,
          payout_fen = s.payout_fen,
          fee_fen = s.fee_fen,
          reserve_fen = s.reserve_fen,
          held_fen = s.held_fen,
          carried_fen = s.carried_fen,
          brought_forward_fen = s.brought_forward_fen,
          tie_out_balanced = (s.payout_fen + s.fee_fen + s.reserve_fen + s.held_fen + s.carried_fen = $3::bigint + s.brought_forward_fen),
          approvals_required = case when s.payout_fen > b.approval_threshold_fen then 2 else 1 end,
          updated_at = now()
         from (select count(*)::int as item_count,
                      coalesce(sum(i.payout_fen), 0) as payout_fen,
                      coalesce(sum(i.fees_fen), 0) as fee_fen,
                      coalesce(sum(i.reserve_fen), 0) as reserve_fen,
                      coalesce(sum(i.net_fen) filter (where i.status = 'held'), 0) as held_fen,
                      coalesce(sum(i.net_fen) filter (where i.status = 'carried'), 0) as carried_fen,
                      coalesce(sum(i.brought_forward_fen), 0) as brought_forward_fen
                 from settlement_batch_items i where i.batch_id = $1) s
        where b.id = $1`,
      [batchId, t.entryCount, t.clearingFen, t.trialBalanceBalanced],
    );
  }

  async setStatus(em: EntityManager, batchId: string, status: BatchStatus): Promise<void> {
    await execute(em, `update settlement_batches set status = $2, updated_at = now() where id = $1`, [batchId, status]);
  }

  async addHistory(
    em: EntityManager,
    tenantId: string,
    batchId: string,
    h: { action: string; fromStatus: BatchStatus | null; toStatus: BatchStatus; actorType: string; actorId: string; reason?: string | null },
  ): Promise<void> {
    await execute(
      em,
      `insert into settlement_batch_history (tenant_id, batch_id, action, from_status, to_status, actor_type, actor_id, reason) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, batchId, h.action, h.fromStatus, h.toStatus, h.actorType, h.actorId, h.reason ?? null],
    );
  }

  findHistory(em: EntityManager, batchId: string): Promise<HistoryRecord[]> {
    return many(em, HISTORY, `select ${HISTORY.columns('h')} from settlement_batch_history h where h.batch_id = $1 order by h.seq`, [batchId]);
  }

  /** One approval per operator: false when this operator had already approved. */
  async addApproval(em: EntityManager, tenantId: string, batchId: string, operatorId: string): Promise<boolean> {
    const n = await execute(em, `insert into settlement_batch_approvals (tenant_id, batch_id, operator_id) values ($1, $2, $3) on conflict do nothing`, [
      tenantId,
      batchId,
      operatorId,
    ]);
    return n > 0;
  }

  findApprovals(em: EntityManager, batchId: string): Promise<ApprovalRecord[]> {
    return many(em, APPROVAL, `select ${APPROVAL.columns('a')} from settlement_batch_approvals a where a.batch_id = $1 order by a.approved_at, a.operator_id`, [
      batchId,
    ]);
  }

  /** Whether the tenant's trial balance is balanced (Σ debits = Σ credits over every account). */
  async trialBalanceBalanced(em: EntityManager): Promise<boolean> {
    const r = await one(em, BALANCED, `select coalesce(sum(b.debits_fen), 0) = coalesce(sum(b.credits_fen), 0) as balanced from account_balances b`);
    return r?.balanced ?? true;
  }

  /** The merchants whose payouts are held now, with the reason. */
  async activeHolds(em: EntityManager): Promise<Map<string, string>> {
    const rows = await many(em, HOLD, `select ${HOLD.columns('h')} from merchant_payout_holds h where h.released_at is null`);
    return new Map(rows.map((h) => [h.merchantId, h.reason]));
  }

  findActiveHold(em: EntityManager, merchantId: string): Promise<HoldRecord | undefined> {
    return one(em, HOLD, `select ${HOLD.columns('h')} from merchant_payout_holds h where h.merchant_id = $1 and h.released_at is null`, [merchantId]);
  }

  /** Places a hold unless one is active: false when the merchant was already held. */
  async insertHold(em: EntityManager, tenantId: string, h: { id: string; merchantId: string; reason: string; heldBy: string }): Promise<boolean> {
    const n = await execute(
      em,
      `insert into merchant_payout_holds (tenant_id, id, merchant_id, reason, held_by) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, merchant_id) where released_at is null do nothing`,
      [tenantId, h.id, h.merchantId, h.reason, h.heldBy],
    );
    return n > 0;
  }

  async releaseHold(em: EntityManager, merchantId: string, releasedBy: string): Promise<HoldRecord | undefined> {
    return one(
      em,
      HOLD,
      `update merchant_payout_holds h set released_by = $2, released_at = now() where h.merchant_id = $1 and h.released_at is null returning ${HOLD.columns('h')}`,
      [merchantId, releasedBy],
    );
  }

  /** Batches not yet paying in which the merchant has a payable item (a new hold applies to them). */
  async unpaidBatchesWithPayable(em: EntityManager, merchantId: string): Promise<string[]> {
    const r = await query(
      em,
      `select b.id from settlement_batches b join settlement_batch_items i on i.batch_id = b.id
        where i.merchant_id = $1 and i.status = 'payable' and b.status in ('open', 'closed', 'pending_approval', 'approved')
        for update of b`,
      [merchantId],
    );
    return r.rows.map((x) => String(x['id']));
  }

  async sumPayable(em: EntityManager, merchantId: string): Promise<bigint> {
    const r = await one(em, SUM, `select coalesce(sum(b.balance_fen), 0) as total from account_balances b where b.account = $1`, [
      `merchant_payable:${merchantId}`,
    ]);
    return r?.total ?? 0n;
  }
}
