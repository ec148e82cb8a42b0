import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  col,
  execute,
  Keyset,
  many,
  one,
  pageQuery,
  query,
  rowOf,
  updateReturning,
  Where,
  type Page,
  type PageRequest,
  type RowType,
} from '@countypay/persistence';
import type { Outcome, PlatformTxn, ReconClass, ReconItem, TxnKind } from '../domain/reconciliation-match';
import type { CaseStatus, Resolution } from '../domain/recon-case-state';

/** Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant. */

const TXN = rowOf({
  kind: col.text<TxnKind>(),
  orderId: col.uuid(),
  refundId: col.uuid().nullable(),
  channelTradeNo: col.text().nullable(),
  merchantId: col.uuid(),
  amountFen: col.bigint(),
  outcome: col.text<Outcome>(),
});

const RUN = rowOf({
  id: col.uuid(),
  channel: col.text(),
  businessDate: col.date(),
  runCount: col.int(),
  statementRows: col.int(),
  platformRows: col.int(),
  matched: col.int(),
  channelOnly: col.int(),
  platformOnly: col.int(),
  amountMismatch: col.int(),
  statusMismatch: col.int(),
  createdBy: col.text(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type RunRecord = RowType<typeof RUN>;

const CASE = rowOf({
  id: col.uuid(),
  channel: col.text(),
  kind: col.text<TxnKind>(),
  txnKey: col.text(),
  class: col.text<Exclude<ReconClass, 'matched'>>(),
  status: col.text<CaseStatus>(),
  businessDate: col.date(),
  lastSeenDate: col.date(),
  orderId: col.text(),
  refundId: col.text().nullable(),
  channelTradeNo: col.text().nullable(),
  merchantId: col.uuid().nullable(),
  platformAmountFen: col.bigint().nullable(),
  channelAmountFen: col.bigint().nullable(),
  platformOutcome: col.text<Outcome>().nullable(),
  channelOutcome: col.text<Outcome>().nullable(),
  resolution: col.text<Resolution>().nullable(),
  adjustmentFen: col.bigint().nullable(),
  adjustmentReason: col.text().nullable(),
  proposedBy: col.text().nullable(),
  approvedBy: col.text().nullable(),
  ledgerEntryId: col.uuid().nullable(),
  requeryCount: col.int(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type CaseRecord = RowType<typeof CASE>;

const HISTORY = rowOf({
  action: col.text(),
  fromStatus: col.text<CaseStatus>().nullable(),
  toStatus: col.text<CaseStatus>(),
  actorType: col.text(),
  actorId: col.text(),
  note: col.text().nullable(),
  at: col.timestamp(),
});
export type CaseHistoryRecord = RowType<typeof HISTORY>;

const SETTINGS = rowOf({ lateSuccessAction: col.text<'refund' | 'make_up_order'>(), updatedBy: col.text(), updatedAt: col.timestamp() });
export type SettingsRecord = RowType<typeof SETTINGS>;

const COUNT = rowOf({ n: col.int() });

/** Cases newest first (by creation sequence, compared as the bigint it is). */
export const CASES_NEWEST_FIRST = new Keyset('reconciliation-cases', [{ sql: 'c.seq', type: 'bigint' }], 'desc');
/** Runs newest first (by creation sequence, compared as the bigint it is). */
export const RUNS_NEWEST_FIRST = new Keyset('reconciliation-runs', [{ sql: 'r.seq', type: 'bigint' }], 'desc');

export interface PlatformTxnUpsert {
  tenantId: string;
  kind: TxnKind;
  orderId: string;
  refundId: string | null;
  channel: string;
  merchantId: string;
  channelTradeNo: string | null;
  amountFen: bigint;
  outcome: Outcome;
  businessDate: string;
  occurredAt: Date;
  /** the payment's product (who owns the order), from its event; null for refunds */
  product?: string | null;
}

const PRODUCT = rowOf({ product: col.text().nullable() });

@Injectable()
export class ReconciliationRepository {
  /**
   * Records a platform movement for reconciliation. A later outcome replaces an earlier one by
   * precedence — reversed over succeeded over closed — so events arriving out of order converge.
   * The business date is the one of the movement's latest money event.
   */
  async upsertPlatformTxn(em: EntityManager, t: PlatformTxnUpsert): Promise<void> {
    await execute(
      em,
      `insert into recon_platform_txns as r (tenant_id, kind, txn_key, order_id, refund_id, channel, merchant_id, channel_trade_no, amount_fen, outcome, business_date, occurred_at, product)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (tenant_id, kind, txn_key) do update
          set outcome = excluded.outcome,
              product = coalesce(r.product, excluded.product),
              channel_trade_no = coalesce(excluded.channel_trade_no, r.channel_trade_no),
              business_date = case when excluded.outcome = 'closed' then r.business_date else excluded.business_date end,
              occurred_at = excluded.occurred_at,
              updated_at = now()
        where (case excluded.outcome when 'reversed' then 3 when 'succeeded' then 2 else 1 end)
            > (case r.outcome when 'reversed' then 3 when 'succeeded' then 2 else 1 end)`,
      [
        t.tenantId,
        t.kind,
        t.kind === 'payment' ? t.orderId : t.refundId,
        t.orderId,
        t.refundId,
        t.channel,
        t.merchantId,
        t.channelTradeNo,
        t.amountFen,
        t.outcome,
        t.businessDate,
        t.occurredAt,
        t.product ?? null,
      ],
    );
  }

  /** The product of a platform payment (the service owning the order): null when unknown, undefined when no such payment. */
  async paymentProduct(em: EntityManager, orderId: string): Promise<string | null | undefined> {
    const r = await one(em, PRODUCT, `select t.product from recon_platform_txns t where t.kind = 'payment' and t.txn_key = $1`, [orderId]);
    return r ? r.product : undefined;
  }

  platformDay(em: EntityManager, channel: string, businessDate: string): Promise<PlatformTxn[]> {
    return many(em, TXN, `select ${TXN.columns('t')} from recon_platform_txns t where t.channel = $1 and t.business_date = $2 order by t.kind, t.txn_key`, [
      channel,
      businessDate,
    ]);
  }

  /** The platform's records (any day) of the given numbers or channel transaction ids. */
  platformByKeys(em: EntityManager, channel: string, keys: readonly string[], tradeNos: readonly string[]): Promise<PlatformTxn[]> {
    if (keys.length === 0 && tradeNos.length === 0) return Promise.resolve([]);
    return many(
      em,
      TXN,
      `select ${TXN.columns('t')} from recon_platform_txns t
        where t.channel = $1 and (t.txn_key = any($2::text[]) or t.channel_trade_no = any($3::text[]))`,
      [channel, keys, tradeNos],
    );
  }

  platformPayment(em: EntityManager, orderId: string): Promise<PlatformTxn | undefined> {
    return one(em, TXN, `select ${TXN.columns('t')} from recon_platform_txns t where t.kind = 'payment' and t.txn_key = $1`, [orderId]);
  }

  async upsertRun(
    em: EntityManager,
    r: {
      tenantId: string;
      id: string;
      channel: string;
      businessDate: string;
      statementRows: number;
      platformRows: number;
      counts: Record<ReconClass, number>;
      createdBy: string;
    },
  ): Promise<RunRecord> {
    const [row] = await updateReturning(
      em,
      RUN,
      `insert into recon_runs as r (tenant_id, id, channel, business_date, statement_rows, platform_rows, matched, channel_only, platform_only, amount_mismatch, status_mismatch, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (tenant_id, channel, business_date) do update
          set run_count = r.run_count + 1, statement_rows = excluded.statement_rows, platform_rows = excluded.platform_rows,
              matched = excluded.matched, channel_only = excluded.channel_only, platform_only = excluded.platform_only,
              amount_mismatch = excluded.amount_mismatch, status_mismatch = excluded.status_mismatch, updated_at = now()
       returning ${RUN.columns('r')}`,
      [
        r.tenantId,
        r.id,
        r.channel,
        r.businessDate,
        r.statementRows,
        r.platformRows,
        r.counts.matched,
        r.counts.channel_only,
        r.counts.platform_only,
        r.counts.amount_mismatch,
        r.counts.status_mismatch,
        r.createdBy,
      ],
    );
    return row;
  }

  findRun(em: EntityManager, channel: string, businessDate: string): Promise<RunRecord | undefined> {
    return one(em, RUN, `select ${RUN.columns('r')} from recon_runs r where r.channel = $1 and r.business_date = $2`, [channel, businessDate]);
  }

  /** Opens a case for a discrepancy unless its movement already has one: the new case, or undefined (then `seen` updates the old). */
  async insertCase(em: EntityManager, tenantId: string, id: string, channel: string, businessDate: string, item: ReconItem): Promise<CaseRecord | undefined> {
    const rows = await updateReturning(
      em,
      CASE,
      `insert into recon_cases as c (tenant_id, id, channel, kind, txn_key, class, status, business_date, last_seen_date, order_id, refund_id, channel_trade_no,
                                merchant_id, platform_amount_fen, channel_amount_fen, platform_outcome, channel_outcome)
       values ($1, $2, $3, $4, $5, $6, 'open', $7, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       on conflict (tenant_id, channel, kind, txn_key) do nothing
       returning ${CASE.columns('c')}`,
      [
        tenantId,
        id,
        channel,
        item.kind,
        item.txnKey,
        item.class,
        businessDate,
        item.orderId,
        item.refundId,
        item.channelTradeNo,
        item.merchantId,
        item.platformAmountFen,
        item.channelAmountFen,
        item.platformOutcome,
        item.channelOutcome,
      ],
    );
    return rows[0];
  }

  findCaseByTxn(em: EntityManager, channel: string, kind: TxnKind, txnKey: string, opts: { lock?: boolean } = {}): Promise<CaseRecord | undefined> {
    return one(
      em,
      CASE,
      `select ${CASE.columns('c')} from recon_cases c where c.channel = $1 and c.kind = $2 and c.txn_key = $3${opts.lock ? ' for update' : ''}`,
      [channel, kind, txnKey],
    );
  }

  findCase(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<CaseRecord | undefined> {
    return one(em, CASE, `select ${CASE.columns('c')} from recon_cases c where c.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  /** The open cases of a channel and date still seen: their latest date moves forward (never back). */
  async seen(em: EntityManager, id: string, date: string): Promise<void> {
    await execute(em, `update recon_cases set last_seen_date = greatest(last_seen_date, $2::date), updated_at = now() where id = $1`, [id, date]);
  }

  /** The unresolved cases first seen on this channel and date (to resolve those a re-run now matches). */
  openCasesOf(em: EntityManager, channel: string, businessDate: string): Promise<CaseRecord[]> {
    return many(
      em,
      CASE,
      `select ${CASE.columns('c')} from recon_cases c where c.channel = $1 and c.business_date = $2 and c.status <> 'resolved' for update`,
      [channel, businessDate],
    );
  }

  async setStatus(
    em: EntityManager,
    id: string,
    from: CaseStatus,
    to: CaseStatus,
    patch: {
      resolution?: Resolution | null;
      adjustmentFen?: bigint | null;
      adjustmentReason?: string | null;
      proposedBy?: string | null;
      approvedBy?: string | null;
      ledgerEntryId?: string | null;
      requeried?: boolean;
    } = {},
  ): Promise<CaseRecord | undefined> {
    const [row] = await updateReturning(
      em,
      CASE,
      `update recon_cases c
          set status = $3,
              resolution = case when $4::boolean then $5 else c.resolution end,
              adjustment_fen = case when $6::boolean then $7::bigint else c.adjustment_fen end,
              adjustment_reason = case when $6::boolean then $8 else c.adjustment_reason end,
              proposed_by = case when $6::boolean then $9 else c.proposed_by end,
              approved_by = case when $10::boolean then $11 else c.approved_by end,
              ledger_entry_id = coalesce($12::uuid, c.ledger_entry_id),
              requery_count = c.requery_count + $13,
              updated_at = now()
        where c.id = $1 and c.status = $2
        returning ${CASE.columns('c')}`,
      [
        id,
        from,
        to,
        patch.resolution !== undefined,
        patch.resolution ?? null,
        patch.adjustmentFen !== undefined,
        patch.adjustmentFen ?? null,
        patch.adjustmentReason ?? null,
        patch.proposedBy ?? null,
        patch.approvedBy !== undefined,
        patch.approvedBy ?? null,
        patch.ledgerEntryId ?? null,
        patch.requeried ? 1 : 0,
      ],
    );
    return row;
  }

  async addHistory(
    em: EntityManager,
    h: {
      tenantId: string;
      caseId: string;
      action: string;
      fromStatus: CaseStatus | null;
      toStatus: CaseStatus;
      actorType: string;
      actorId: string;
      note: string | null;
    },
  ): Promise<void> {
    await execute(
      em,
      `insert into recon_case_history (tenant_id, case_id, action, from_status, to_status, actor_type, actor_id, note)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [h.tenantId, h.caseId, h.action, h.fromStatus, h.toStatus, h.actorType, h.actorId, h.note],
    );
  }

  history(em: EntityManager, caseId: string): Promise<CaseHistoryRecord[]> {
    return many(em, HISTORY, `select ${HISTORY.columns('h')} from recon_case_history h where h.case_id = $1 order by h.seq`, [caseId]);
  }

  /** Past runs of the tenant, newest first; a channel, a business-date range (inclusive). */
  listRuns(em: EntityManager, f: { channel?: string; from?: string; to?: string }, page: PageRequest): Promise<Page<RunRecord>> {
    const where = new Where().add('r.channel = ?', f.channel).add('r.business_date >= ?::date', f.from).add('r.business_date <= ?::date', f.to);
    return pageQuery(em, RUN, { from: 'recon_runs r', where, keyset: RUNS_NEWEST_FIRST, page });
  }

  listCases(em: EntityManager, f: { status?: CaseStatus; class?: string; channel?: string; open?: boolean }, page: PageRequest): Promise<Page<CaseRecord>> {
    const where = new Where().add('c.status = ?', f.status).add('c.class = ?', f.class).add('c.channel = ?', f.channel);
    if (f.open) where.add(`c.status <> ?`, 'resolved');
    return pageQuery(em, CASE, { from: 'recon_cases c', where, keyset: CASES_NEWEST_FIRST, page });
  }

  async openCaseCount(em: EntityManager): Promise<number> {
    const r = await one(em, COUNT, `select count(*)::int as n from recon_cases c where c.status <> 'resolved'`);
    return r?.n ?? 0;
  }

  settings(em: EntityManager): Promise<SettingsRecord | undefined> {
    return one(em, SETTINGS, `select ${SETTINGS.columns('s')} from recon_settings s`);
  }

  async putSettings(em: EntityManager, tenantId: string, lateSuccessAction: 'refund' | 'make_up_order', by: string): Promise<SettingsRecord> {
    const [row] = await updateReturning(
      em,
      SETTINGS,
      `insert into recon_settings as s (tenant_id, late_success_action, updated_by) values ($1, $2, $3)
       on conflict (tenant_id) do update set late_success_action = excluded.late_success_action, updated_by = excluded.updated_by, updated_at = now()
       returning ${SETTINGS.columns('s')}`,
      [tenantId, lateSuccessAction, by],
    );
    return row;
  }

  /** Raw access for the report: open cases of the tenant by class. */
  async openCasesByClass(em: EntityManager): Promise<Record<string, number>> {
    const r = await query(em, `select c.class, count(*)::int as n from recon_cases c where c.status <> 'resolved' group by c.class`);
    return Object.fromEntries(r.rows.map((x) => [String(x['class']), Number(x['n'])]));
  }
}
