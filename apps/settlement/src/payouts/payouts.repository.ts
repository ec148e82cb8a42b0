import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, many, one, pageQuery, query, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';

export type PayoutStatus = 'pending' | 'unknown' | 'succeeded' | 'failed';

const PAYOUT = rowOf({
  id: col.uuid(),
  batchId: col.uuid(),
  merchantId: col.uuid(),
  attempt: col.int(),
  instructionId: col.text(),
  amountFen: col.bigint(),
  accountNoLast4: col.text().nullable(),
  status: col.text<PayoutStatus>(),
  failureReason: col.text().nullable(),
  ledgerEntryId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type PayoutRecord = RowType<typeof PAYOUT>;

const ACCOUNT = rowOf({
  merchantId: col.uuid(),
  accountNoCiphertext: col.text(),
  accountNameCiphertext: col.text(),
  accountNoLast4: col.text(),
  updatedBy: col.text(),
  updatedAt: col.timestamp(),
});
export type PayoutAccountRecord = RowType<typeof ACCOUNT>;

const COUNTS = rowOf({
  pending: col.int(),
  unknown: col.int(),
  /** merchants whose latest attempt failed */
  failed: col.int(),
});

export const PAYOUTS_IN_ORDER = new Keyset('settlement-payouts', [{ sql: 'p.seq', type: 'bigint' }], 'asc');

/** Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant. */
@Injectable()
export class PayoutsRepository {
  async upsertAccount(
    em: EntityManager,
    tenantId: string,
    a: { merchantId: string; accountNoCiphertext: string; accountNameCiphertext: string; accountNoLast4: string; updatedBy: string },
  ): Promise<PayoutAccountRecord> {
    const r = await one(
      em,
      ACCOUNT,
      `insert into merchant_payout_accounts (tenant_id, merchant_id, account_no_ciphertext, account_name_ciphertext, account_no_last4, updated_by)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, merchant_id) do update set account_no_ciphertext = excluded.account_no_ciphertext,
         account_name_ciphertext = excluded.account_name_ciphertext, account_no_last4 = excluded.account_no_last4,
         updated_by = excluded.updated_by, updated_at = now()
       returning ${ACCOUNT.columns()}`,
      [tenantId, a.merchantId, a.accountNoCiphertext, a.accountNameCiphertext, a.accountNoLast4, a.updatedBy],
    );
    if (!r) throw new Error('upsert returned nothing');
    return r;
  }

  findAccount(em: EntityManager, merchantId: string): Promise<PayoutAccountRecord | undefined> {
    return one(em, ACCOUNT, `select ${ACCOUNT.columns('a')} from merchant_payout_accounts a where a.merchant_id = $1`, [merchantId]);
  }

  /** Creates attempt 1 of every payable item of the batch (payout > 0) that has no payout yet. */
  async createFirstAttempts(em: EntityManager, tenantId: string, batchId: string): Promise<number> {
    return execute(
      em,
      `insert into settlement_payouts (tenant_id, id, batch_id, merchant_id, attempt, instruction_id, amount_fen, status)
       select $1, g.id, $2, i.merchant_id, 1, 'PO-' || g.id::text, i.payout_fen, 'pending'
         from settlement_batch_items i cross join lateral (select gen_random_uuid() as id) g
        where i.batch_id = $2 and i.status = 'payable' and i.payout_fen > 0
          and not exists (select 1 from settlement_payouts p where p.batch_id = $2 and p.merchant_id = i.merchant_id)
        order by i.merchant_id`,
      [tenantId, batchId],
    );
  }

  /** A new attempt for each merchant whose latest attempt failed (no live attempt), same amount. */
  async createRetryAttempts(em: EntityManager, tenantId: string, batchId: string): Promise<number> {
    return execute(
      em,
      `insert into settlement_payouts (tenant_id, id, batch_id, merchant_id, attempt, instruction_id, amount_fen, status)
       select $1, g.id, $2, f.merchant_id, f.attempt + 1, 'PO-' || g.id::text, f.amount_fen, 'pending'
         from (select distinct on (p.merchant_id) p.merchant_id, p.attempt, p.amount_fen, p.status
                 from settlement_payouts p where p.batch_id = $2 order by p.merchant_id, p.attempt desc) f
        cross join lateral (select gen_random_uuid() as id) g
        where f.status = 'failed'`,
      [tenantId, batchId],
    );
  }

  findByStatus(em: EntityManager, batchId: string, statuses: readonly PayoutStatus[]): Promise<PayoutRecord[]> {
    return many(em, PAYOUT, `select ${PAYOUT.columns('p')} from settlement_payouts p where p.batch_id = $1 and p.status = any($2::text[]) order by p.seq`, [
      batchId,
      statuses,
    ]);
  }

  /** The partner app of the merchant's latest payment that came through one (the payout webhook's recipient). */
  async merchantPartnerApp(em: EntityManager, tenantId: string, merchantId: string): Promise<string | undefined> {
    const r = await query(
      em,
      `select j.partner_app_id from journal_entries j
        where j.tenant_id = $1 and j.merchant_id = $2 and j.partner_app_id is not null and j.source_type = 'payment.succeeded'
        order by j.seq desc limit 1`,
      [tenantId, merchantId],
    );
    const app = r.rows[0]?.['partner_app_id'];
    return typeof app === 'string' ? app : undefined;
  }

  findPayout(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<PayoutRecord | undefined> {
    return one(em, PAYOUT, `select ${PAYOUT.columns('p')} from settlement_payouts p where p.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  pagePayouts(em: EntityManager, batchId: string, page: PageRequest): Promise<Page<PayoutRecord>> {
    return pageQuery(em, PAYOUT, { from: 'settlement_payouts p', where: new Where().add('p.batch_id = ?', batchId), keyset: PAYOUTS_IN_ORDER, page });
  }

  async setStatus(
    em: EntityManager,
    id: string,
    s: { status: PayoutStatus; failureReason?: string | null; ledgerEntryId?: string | null; accountNoLast4?: string | null },
  ): Promise<void> {
    await execute(
      em,
      `update settlement_payouts set status = $2, failure_reason = coalesce($3, failure_reason), ledger_entry_id = coalesce($4, ledger_entry_id),
         account_no_last4 = coalesce($5, account_no_last4), updated_at = now() where id = $1`,
      [id, s.status, s.failureReason ?? null, s.ledgerEntryId ?? null, s.accountNoLast4 ?? null],
    );
  }

  async counts(em: EntityManager, batchId: string): Promise<{ pending: number; unknown: number; failed: number }> {
    const r = await one(
      em,
      COUNTS,
      `select count(*) filter (where l.status = 'pending')::int as pending,
              count(*) filter (where l.status = 'unknown')::int as unknown,
              count(*) filter (where l.status = 'failed')::int as failed
         from (select distinct on (p.merchant_id) p.status from settlement_payouts p where p.batch_id = $1 order by p.merchant_id, p.attempt desc) l`,
      [batchId],
    );
    return r ?? { pending: 0, unknown: 0, failed: 0 };
  }
}
