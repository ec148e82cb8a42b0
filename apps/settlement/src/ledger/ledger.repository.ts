import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountSpec } from '../domain/chart-of-accounts';
import type { AccountDelta, PostingLine } from '../domain/posting-rules';

/** Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant. */

export interface NewEntry {
  id: string;
  tenantId: string;
  sourceEventId: string;
  sourceType: 'payment.succeeded' | 'refund.succeeded';
  /** the business key: the order for a payment, the refund for a refund */
  sourceRef: string;
  orderId: string;
  refundId: string | null;
  merchantId: string;
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

export interface EntryRow {
  seq: string;
  id: string;
  sourceEventId: string;
  sourceType: string;
  orderId: string;
  refundId: string | null;
  merchantId: string;
  product: string;
  channel: string;
  amountFen: bigint;
  feeFen: bigint;
  feeRateBp: number | null;
  occurredAt: Date;
  postedAt: Date;
}

export interface PostingRow {
  entryId: string;
  lineNo: number;
  account: string;
  direction: 'debit' | 'credit';
  amountFen: bigint;
}

export interface BalanceRow {
  account: string;
  accountType: string;
  normalSide: 'debit' | 'credit';
  debitsFen: bigint;
  creditsFen: bigint;
  balanceFen: bigint;
  postingCount: number;
  updatedAt: Date;
}

interface RawEntry {
  seq: string;
  id: string;
  source_event_id: string;
  source_type: string;
  order_id: string;
  refund_id: string | null;
  merchant_id: string;
  product: string;
  channel: string;
  amount_fen: string;
  fee_fen: string;
  fee_rate_bp: number | null;
  occurred_at: Date;
  posted_at: Date;
}

interface RawBalance {
  account: string;
  account_type: string;
  normal_side: 'debit' | 'credit';
  debits_fen: string;
  credits_fen: string;
  balance_fen: string;
  posting_count: string;
  updated_at: Date;
}

@Injectable()
export class LedgerRepository {
  /**
   * Inserts the entry header unless this source event (or this payment/refund) was posted
   * already: `(tenant_id, source_event_id)` and `(tenant_id, source_type, source_ref)` are unique.
   * Returns false for a duplicate.
   */
  async insertEntry(em: EntityManager, e: NewEntry): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `insert into journal_entries (id, tenant_id, source_event_id, source_type, source_ref, order_id, refund_id, merchant_id,
         partner_app_id, product, channel, amount_fen, fee_fen, fee_rate_bp, fee_min_fen, fee_rule_channel, occurred_at, posted_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       on conflict do nothing
       returning id`,
      [
        e.id, e.tenantId, e.sourceEventId, e.sourceType, e.sourceRef, e.orderId, e.refundId, e.merchantId,
        e.partnerAppId, e.product, e.channel, e.amountFen.toString(), e.feeFen.toString(), e.feeRateBp,
        e.feeMinFen?.toString() ?? null, e.feeRuleChannel, e.occurredAt, e.postedAt,
      ],
    );
    return rows.length > 0;
  }

  /** The entry already posted for a source event or business key (for logging a duplicate). */
  async findBySource(em: EntityManager, sourceEventId: string, sourceType: string, sourceRef: string): Promise<{ id: string; sourceEventId: string } | undefined> {
    const rows: Array<{ id: string; source_event_id: string }> = await em.query(
      `select id, source_event_id from journal_entries where source_event_id = $1 or (source_type = $2 and source_ref = $3) limit 1`,
      [sourceEventId, sourceType, sourceRef],
    );
    return rows[0] && { id: rows[0].id, sourceEventId: rows[0].source_event_id };
  }

  /**
   * Opens the account at its first posting and adds the entry's debits and credits to it, in
   * ONE atomic statement (the row is locked by the upsert; `balance_fen` is generated from the
   * totals). Never read-modify-write.
   */
  async applyToBalance(em: EntityManager, tenantId: string, spec: AccountSpec, d: AccountDelta): Promise<void> {
    await em.query(
      `insert into account_balances (tenant_id, account, account_type, normal_side, debits_fen, credits_fen, posting_count)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (tenant_id, account) do update
         set debits_fen = account_balances.debits_fen + excluded.debits_fen,
             credits_fen = account_balances.credits_fen + excluded.credits_fen,
             posting_count = account_balances.posting_count + excluded.posting_count,
             updated_at = now()`,
      [tenantId, d.account, spec.type, spec.normalSide, d.debitsFen.toString(), d.creditsFen.toString(), d.postings],
    );
  }

  async insertPostings(em: EntityManager, tenantId: string, entryId: string, lines: readonly PostingLine[]): Promise<void> {
    await em.query(
      `insert into postings (tenant_id, entry_id, line_no, account, direction, amount_fen)
       select $1, $2, l.line_no, l.account, l.direction, l.amount_fen
         from unnest($3::smallint[], $4::text[], $5::text[], $6::bigint[]) as l(line_no, account, direction, amount_fen)`,
      [tenantId, entryId, lines.map((_, i) => i + 1), lines.map((l) => l.account), lines.map((l) => l.direction), lines.map((l) => l.amountFen.toString())],
    );
  }

  /** Newest first; `beforeSeq` continues a page. */
  async findEntries(em: EntityManager, q: { orderId?: string; beforeSeq?: string; partnerAppId?: string; limit: number }): Promise<EntryRow[]> {
    const rows: RawEntry[] = await em.query(
      `select seq::text as seq, id, source_event_id, source_type, order_id, refund_id, merchant_id, product, channel,
              amount_fen::text as amount_fen, fee_fen::text as fee_fen, fee_rate_bp, occurred_at, posted_at
         from journal_entries
        where ($1::uuid is null or order_id = $1::uuid) and ($2::bigint is null or seq < $2::bigint)
          and ($4::text is null or partner_app_id = $4::text)
        order by seq desc
        limit $3`,
      [q.orderId ?? null, q.beforeSeq ?? null, q.limit, q.partnerAppId ?? null],
    );
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      sourceEventId: r.source_event_id,
      sourceType: r.source_type,
      orderId: r.order_id,
      refundId: r.refund_id,
      merchantId: r.merchant_id,
      product: r.product,
      channel: r.channel,
      amountFen: BigInt(r.amount_fen),
      feeFen: BigInt(r.fee_fen),
      feeRateBp: r.fee_rate_bp,
      occurredAt: r.occurred_at,
      postedAt: r.posted_at,
    }));
  }

  /** Whether the partner app has taken any payment posted for the merchant. */
  async merchantHasAppEntries(em: EntityManager, merchantId: string, partnerAppId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`select 1 from journal_entries where merchant_id = $1 and partner_app_id = $2 limit 1`, [merchantId, partnerAppId]);
    return rows.length > 0;
  }

  async findPostings(em: EntityManager, entryIds: readonly string[]): Promise<PostingRow[]> {
    if (entryIds.length === 0) return [];
    const rows: Array<{ entry_id: string; line_no: number; account: string; direction: 'debit' | 'credit'; amount_fen: string }> = await em.query(
      `select entry_id, line_no, account, direction, amount_fen::text as amount_fen
         from postings where entry_id = any($1::uuid[]) order by entry_id, line_no`,
      [entryIds],
    );
    return rows.map((r) => ({ entryId: r.entry_id, lineNo: r.line_no, account: r.account, direction: r.direction, amountFen: BigInt(r.amount_fen) }));
  }

  async findBalance(em: EntityManager, account: string): Promise<BalanceRow | undefined> {
    const rows: RawBalance[] = await em.query(`${BALANCE_SELECT} where account = $1`, [account]);
    return rows[0] && toBalance(rows[0]);
  }

  async findBalances(em: EntityManager): Promise<BalanceRow[]> {
    const rows: RawBalance[] = await em.query(`${BALANCE_SELECT} order by account`);
    return rows.map(toBalance);
  }

  /** Debit and credit totals per account recomputed from the postings themselves (reconciliation of the balance table). */
  async sumPostings(em: EntityManager): Promise<Array<{ account: string; debitsFen: bigint; creditsFen: bigint; postingCount: number }>> {
    const rows: Array<{ account: string; debits_fen: string; credits_fen: string; n: string }> = await em.query(
      `select account,
              coalesce(sum(amount_fen) filter (where direction = 'debit'), 0)::text as debits_fen,
              coalesce(sum(amount_fen) filter (where direction = 'credit'), 0)::text as credits_fen,
              count(*)::text as n
         from postings group by account order by account`,
    );
    return rows.map((r) => ({ account: r.account, debitsFen: BigInt(r.debits_fen), creditsFen: BigInt(r.credits_fen), postingCount: Number(r.n) }));
  }

  async now(em: EntityManager): Promise<Date> {
    const [row] = (await em.query('select now() as now')) as Array<{ now: Date }>;
    return row.now;
  }
}

const BALANCE_SELECT = `select account, account_type, normal_side, debits_fen::text as debits_fen, credits_fen::text as credits_fen,
  balance_fen::text as balance_fen, posting_count::text as posting_count, updated_at from account_balances`;

function toBalance(r: RawBalance): BalanceRow {
  return {
    account: r.account,
    accountType: r.account_type,
    normalSide: r.normal_side,
    debitsFen: BigInt(r.debits_fen),
    creditsFen: BigInt(r.credits_fen),
    balanceFen: BigInt(r.balance_fen),
    postingCount: Number(r.posting_count),
    updatedAt: r.updated_at,
  };
}
