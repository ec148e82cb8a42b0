import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel, PaymentProduct, SettlementSourceType } from '@countypay/contracts';
import { col, execute, Keyset, many, one, pageQuery, query, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import { accountSpec, type AccountType, type Direction } from '../domain/chart-of-accounts';
import type { PostingLine } from '../domain/posting-rules';
import type { LedgerBatch, LedgerWriter } from './balance-batch';

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
  findBySource(
    em: EntityManager,
    tenantId: string,
    sourceEventId: string,
    sourceType: SettlementSourceType,
    sourceRef: string,
  ): Promise<RowType<typeof EXISTING> | undefined> {
    return one(
      em,
      EXISTING,
      `select ${EXISTING.columns('j')} from journal_entries j
        where j.tenant_id = $1 and (j.source_event_id = $2 or (j.source_type = $3 and j.source_ref = $4)) limit 1`,
      [tenantId, sourceEventId, sourceType, sourceRef],
    );
  }

  /**
   * A transaction's ledger batches, tenant by tenant in the order given, in ONE statement
   * (`ledger_post`, migration LedgerPostFunction1768430000000): per tenant the entries not posted
   * before, the balances their lines and those of `batch.posted` move (summed per account, upserted
   * in account order), the postings, the outbox rows of the entries inserted. Returns the ids of
   * the entries it inserted. Leaves the transaction bound to the last tenant.
   */
  async postBatches(em: EntityManager, batches: ReadonlyArray<{ tenantId: string; batch: LedgerBatch }>): Promise<Set<string>> {
    const doc = batches.map(({ tenantId, batch }) => ({ tenant: tenantId, batch: batchDocument(batch) }));
    const r = await query(em, `select entry_id from ledger_post($1::jsonb)`, [JSON.stringify(doc)]);
    return new Set(r.rows.map((row) => String(row['entry_id'])));
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
  sumPostings(em: EntityManager, tenantId: string): Promise<PostedTotals[]> {
    return many(em, POSTED_TOTALS, `select ${POSTED_TOTALS.columns('p')} from postings p where p.tenant_id = $1 group by p.account order by p.account`, [
      tenantId,
    ]);
  }

  /** The order's payment (amount, fee) and what its refunds posted so far (amount, returned fee): for returning fees pro rata. */
  async orderFees(
    em: EntityManager,
    tenantId: string,
    orderId: string,
  ): Promise<{ paymentFen: bigint; paymentFeeFen: bigint; refundedFen: bigint; returnedFeeFen: bigint } | undefined> {
    const r = await query(
      em,
      `select (sum(j.amount_fen) filter (where j.source_type = 'payment.succeeded'))::text as payment,
              (sum(j.fee_fen) filter (where j.source_type = 'payment.succeeded'))::text as fee,
              coalesce(sum(j.amount_fen) filter (where j.source_type = 'refund.succeeded'), 0)::text as refunded,
              coalesce(sum(j.fee_fen) filter (where j.source_type = 'refund.succeeded'), 0)::text as returned
         from journal_entries j where j.tenant_id = $1 and j.order_id = $2`,
      [tenantId, orderId],
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

/** One tenant's batch as `ledger_post_tenant` reads it (amounts as strings of fen, times ISO-8601). */
function batchDocument(batch: LedgerBatch): object {
  const fen = (v: bigint | null): string | null => (v === null ? null : v.toString());
  const lines = (entryId: string, ls: readonly PostingLine[]) =>
    ls.map((l, i) => {
      const spec = accountSpec(l.account);
      return {
        entry_id: entryId,
        line_no: i + 1,
        account: l.account,
        account_type: spec.type,
        normal_side: spec.normalSide,
        direction: l.direction,
        amount_fen: l.amountFen.toString(),
      };
    });
  return {
    e: batch.entries.map(({ entry: e }) => ({
      id: e.id,
      source_event_id: e.sourceEventId,
      source_type: e.sourceType,
      source_ref: e.sourceRef,
      order_id: e.orderId,
      refund_id: e.refundId,
      merchant_id: e.merchantId,
      partner_app_id: e.partnerAppId,
      product: e.product,
      channel: e.channel,
      amount_fen: fen(e.amountFen),
      fee_fen: fen(e.feeFen),
      fee_rate_bp: e.feeRateBp,
      fee_min_fen: fen(e.feeMinFen),
      fee_rule_channel: e.feeRuleChannel,
      occurred_at: e.occurredAt.toISOString(),
      posted_at: e.postedAt.toISOString(),
    })),
    k: batch.posted.map((p) => p.entryId),
    l: [...batch.entries.flatMap((p) => lines(p.entry.id, p.lines)), ...batch.posted.flatMap((p) => lines(p.entryId, p.lines))],
    o: batch.entries.flatMap((p) =>
      p.outbox
        ? [
            {
              entry_id: p.entry.id,
              id: p.outbox.id,
              topic: p.outbox.topic,
              message_key: p.outbox.messageKey,
              event_type: p.outbox.eventType,
              // nested JSON, not strings: the function reads them as jsonb (the envelope object itself, not its text parsed again)
              payload: p.outbox.envelope,
              headers: JSON.parse(p.outbox.headers) as unknown,
            },
          ]
        : [],
    ),
  };
}
