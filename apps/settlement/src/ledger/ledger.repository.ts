import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel, PaymentProduct, SettlementSourceType } from '@countypay/contracts';
import { col, execute, Keyset, many, one, pageQuery, query, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import { accountSpec, type AccountType, type Direction } from '../domain/chart-of-accounts';
import type { AccountDelta } from '../domain/posting-rules';
import type { EntryPostings, LedgerWriter } from './balance-batch';

/** Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant. */

export interface NewEntry {
  id: string;
  tenantId: string;
  sourceEventId: string;
  sourceType: SettlementSourceType;
  /** the business key: the order for a payment, the refund for a refund */
  sourceRef: string;
  orderId: string;
  refundId: string | null;
  /** null only for a credit entry without a merchant (a repayment; a drawdown paid to no named merchant) */
  merchantId: string | null;
  partnerAppId: string | null;
  product: string;
  channel: string;
  amountFen: bigint;
  feeFen: bigint;
  feeRateBp: number | null;
  feeMinFen: bigint | null;
  feeRuleChannel: string | null;
  occurredAt: Date;
  postedAt: Date;
}

const ENTRY = rowOf({
  id: col.uuid(),
  sourceEventId: col.uuid(),
  sourceType: col.text<SettlementSourceType>(),
  orderId: col.uuid(),
  refundId: col.uuid().nullable(),
  merchantId: col.uuid().nullable(),
  product: col.text<PaymentProduct | 'settlement'>(),
  channel: col.text<PaymentChannel>(),
  amountFen: col.bigint(),
  feeFen: col.bigint(),
  feeRateBp: col.int().nullable(),
  occurredAt: col.timestamp(),
  postedAt: col.timestamp(),
});
export type EntryRecord = RowType<typeof ENTRY>;

/**
 * The journal's order, newest first: the entry sequence, compared as the bigint it is (sorted as
 * text, 999 came before 1000 and pages repeated and skipped entries).
 */
export const ENTRIES_NEWEST_FIRST = new Keyset('ledger-entries', [{ sql: 'j.seq', type: 'bigint' }], 'desc');

const POSTING = rowOf({
  entryId: col.uuid(),
  lineNo: col.int(),
  account: col.text(),
  direction: col.text<Direction>(),
  amountFen: col.bigint(),
});
export type PostingRecord = RowType<typeof POSTING>;

const BALANCE = rowOf({
  account: col.text(),
  accountType: col.text<AccountType>(),
  normalSide: col.text<Direction>(),
  debitsFen: col.bigint(),
  creditsFen: col.bigint(),
  balanceFen: col.bigint(),
  postingCount: col.int(),
  updatedAt: col.timestamp(),
});
export type BalanceRecord = RowType<typeof BALANCE>;

const POSTED_TOTALS = rowOf({
  account: col.text(),
  debitsFen: col.expr(`coalesce(sum(p.amount_fen) filter (where p.direction = 'debit'), 0)`, col.bigint()),
  creditsFen: col.expr(`coalesce(sum(p.amount_fen) filter (where p.direction = 'credit'), 0)`, col.bigint()),
  postingCount: col.expr('count(*)', col.int()),
});
export type PostedTotals = RowType<typeof POSTED_TOTALS>;

const EXISTING = rowOf({ id: col.uuid(), sourceEventId: col.uuid() });
const NOW = rowOf({ now: col.timestamp() });

@Injectable()
export class LedgerRepository implements LedgerWriter {
  /**
   * Inserts the entry header unless this source event (or this payment/refund) was posted
   * already: `(tenant_id, source_event_id)` and `(tenant_id, source_type, source_ref)` are unique.
   * Returns false for a duplicate.
   */
  async insertEntry(em: EntityManager, e: NewEntry): Promise<boolean> {
    const inserted = await execute(
      em,
      `insert into journal_entries (id, tenant_id, source_event_id, source_type, source_ref, order_id, refund_id, merchant_id,
         partner_app_id, product, channel, amount_fen, fee_fen, fee_rate_bp, fee_min_fen, fee_rule_channel, occurred_at, posted_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       on conflict do nothing`,
      [
        e.id,
        e.tenantId,
        e.sourceEventId,
        e.sourceType,
        e.sourceRef,
        e.orderId,
        e.refundId,
        e.merchantId,
        e.partnerAppId,
        e.product,
        e.channel,
        e.amountFen,
        e.feeFen,
        e.feeRateBp,
        e.feeMinFen,
        e.feeRuleChannel,
        e.occurredAt,
        e.postedAt,
      ],
    );
    return inserted > 0;
  }

  /** The entry already posted for a source event or business key (for logging a duplicate). */
  findBySource(em: EntityManager, sourceEventId: string, sourceType: SettlementSourceType, sourceRef: string): Promise<RowType<typeof EXISTING> | undefined> {
    return one(
      em,
      EXISTING,
      `select ${EXISTING.columns('j')} from journal_entries j where j.source_event_id = $1 or (j.source_type = $2 and j.source_ref = $3) limit 1`,
      [sourceEventId, sourceType, sourceRef],
    );
  }

  /**
   * Opens each account at its first posting and adds its debits and credits, in ONE atomic
   * statement for all of them (each row locked by the upsert, in the order given — callers pass
   * them sorted; `balance_fen` is generated from the totals). Never read-modify-write.
   */
  async applyToBalances(em: EntityManager, tenantId: string, deltas: readonly AccountDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const specs = deltas.map((d) => accountSpec(d.account));
    await execute(
      em,
      `insert into account_balances (tenant_id, account, account_type, normal_side, debits_fen, credits_fen, posting_count)
       select $1, d.account, d.account_type, d.normal_side, d.debits_fen, d.credits_fen, d.posting_count
         from unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[])
              with ordinality as d(account, account_type, normal_side, debits_fen, credits_fen, posting_count, n)
        order by d.n
       on conflict (tenant_id, account) do update
         set debits_fen = account_balances.debits_fen + excluded.debits_fen,
             credits_fen = account_balances.credits_fen + excluded.credits_fen,
             posting_count = account_balances.posting_count + excluded.posting_count,
             updated_at = now()`,
      [
        tenantId,
        deltas.map((d) => d.account),
        specs.map((s) => s.type),
        specs.map((s) => s.normalSide),
        deltas.map((d) => d.debitsFen),
        deltas.map((d) => d.creditsFen),
        deltas.map((d) => d.postings),
      ],
    );
  }

  /** Every posting of the given entries, in one statement. */
  async insertPostings(em: EntityManager, tenantId: string, entries: readonly EntryPostings[]): Promise<void> {
    const rows = entries.flatMap((e) => e.lines.map((l, i) => ({ entryId: e.entryId, lineNo: i + 1, ...l })));
    if (rows.length === 0) return;
    await execute(
      em,
      `insert into postings (tenant_id, entry_id, line_no, account, direction, amount_fen)
       select $1, l.entry_id, l.line_no, l.account, l.direction, l.amount_fen
         from unnest($2::uuid[], $3::smallint[], $4::text[], $5::text[], $6::bigint[]) as l(entry_id, line_no, account, direction, amount_fen)`,
      [tenantId, rows.map((r) => r.entryId), rows.map((r) => r.lineNo), rows.map((r) => r.account), rows.map((r) => r.direction), rows.map((r) => r.amountFen)],
    );
  }

  /**
   * A page of the tenant's entries, newest first; optionally of one order, or only those of one partner app's payments.
   * The reads below name the tenant (`j.tenant_id = $n`) although row-level security scopes them: the policy's
   * `current_setting()` cannot prune the partitioned tables at plan time, the parameter does (one partition planned
   * instead of ≈ 100, issue 14). The policy stays the fail-closed guard.
   */
  findEntries(em: EntityManager, tenantId: string, f: { orderId?: string; partnerAppId?: string }, page: PageRequest): Promise<Page<EntryRecord>> {
    const where = new Where().add('j.tenant_id = ?', tenantId).add('j.order_id = ?', f.orderId).add('j.partner_app_id = ?', f.partnerAppId);
    return pageQuery(em, ENTRY, { from: 'journal_entries j', where, keyset: ENTRIES_NEWEST_FIRST, page });
  }

  /** Whether the partner app has taken any payment posted for the merchant. */
  async merchantHasAppEntries(em: EntityManager, tenantId: string, merchantId: string, partnerAppId: string): Promise<boolean> {
    const r = await query(em, `select 1 from journal_entries j where j.tenant_id = $1 and j.merchant_id = $2 and j.partner_app_id = $3 limit 1`, [
      tenantId,
      merchantId,
      partnerAppId,
    ]);
    return r.rows.length > 0;
  }

  findPostings(em: EntityManager, tenantId: string, entryIds: readonly string[]): Promise<PostingRecord[]> {
    if (entryIds.length === 0) return Promise.resolve([]);
    return many(
      em,
      POSTING,
      `select ${POSTING.columns('p')} from postings p where p.tenant_id = $1 and p.entry_id = any($2::uuid[]) order by p.entry_id, p.line_no`,
      [tenantId, entryIds],
    );
  }

  findBalance(em: EntityManager, account: string): Promise<BalanceRecord | undefined> {
    return one(em, BALANCE, `select ${BALANCE.columns('b')} from account_balances b where b.account = $1`, [account]);
  }

  findBalances(em: EntityManager): Promise<BalanceRecord[]> {
    return many(em, BALANCE, `select ${BALANCE.columns('b')} from account_balances b order by b.account`);
  }

  /** Debit and credit totals per account recomputed from the postings themselves (reconciliation of the balance table). */
  sumPostings(em: EntityManager): Promise<PostedTotals[]> {
    return many(em, POSTED_TOTALS, `select ${POSTED_TOTALS.columns('p')} from postings p group by p.account order by p.account`);
  }

  /** The order's payment (amount, fee) and what its refunds posted so far (amount, returned fee): for returning fees pro rata. */
  async orderFees(
    em: EntityManager,
    orderId: string,
  ): Promise<{ paymentFen: bigint; paymentFeeFen: bigint; refundedFen: bigint; returnedFeeFen: bigint } | undefined> {
    const r = await query(
      em,
      `select (sum(j.amount_fen) filter (where j.source_type = 'payment.succeeded'))::text as payment,
              (sum(j.fee_fen) filter (where j.source_type = 'payment.succeeded'))::text as fee,
              coalesce(sum(j.amount_fen) filter (where j.source_type = 'refund.succeeded'), 0)::text as refunded,
              coalesce(sum(j.fee_fen) filter (where j.source_type = 'refund.succeeded'), 0)::text as returned
         from journal_entries j where j.order_id = $1`,
      [orderId],
    );
    const row = r.rows[0];
    if (!row || row['payment'] === null || row['payment'] === undefined) return undefined;
    return {
      paymentFen: BigInt(String(row['payment'])),
      paymentFeeFen: BigInt(String(row['fee'])),
      refundedFen: BigInt(String(row['refunded'])),
      returnedFeeFen: BigInt(String(row['returned'])),
    };
  }

  async now(em: EntityManager): Promise<Date> {
    const row = await one(em, NOW, 'select now() as now');
    if (!row) throw new Error('select now() returned no row');
    return row.now;
  }
}
