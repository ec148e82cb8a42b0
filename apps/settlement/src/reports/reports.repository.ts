import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, many, one, rowOf, type RowType } from '@countypay/persistence';
import { BREAKDOWN, payableMovesSql } from '../settlement-batches/settlement-batches.repository';

const LINE = rowOf({ product: col.text(), channel: col.text(), ...BREAKDOWN });
export type LineRecord = RowType<typeof LINE>;

const LEDGER = rowOf({ feeIncomeFen: col.bigint(), merchantPayableFen: col.bigint() });
const PAID = rowOf({ paidOutFen: col.bigint() });

/**
 * Every query runs in the caller's tenant transaction: row-level security scopes it to that tenant.
 * Those on the partitioned journal and postings name the tenant too, so only its partitions are planned.
 */
@Injectable()
export class ReportsRepository {
  /** The batch's clearing by product and channel: the movements of merchants' payables by its entries, told apart as clearing does (ADR 0014). */
  lines(em: EntityManager, tenantId: string, batchId: string): Promise<LineRecord[]> {
    return many(
      em,
      LINE,
      `with m as (${payableMovesSql('(select e.entry_id from settlement_batch_entries e where e.batch_id = $1)', '$2')})
       select ${LINE.columns('m')}
         from m
        group by m.product, m.channel
        order by m.product, m.channel`,
      [batchId, tenantId],
    );
  }

  /** The same entries seen through their postings: net fee income and net merchant payable they posted. */
  async ledger(em: EntityManager, tenantId: string, batchId: string): Promise<{ feeIncomeFen: bigint; merchantPayableFen: bigint }> {
    const r = await one(
      em,
      LEDGER,
      `select coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end) filter (where p.account = 'fee_income'), 0) as fee_income_fen,
              coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end) filter (where p.account like 'merchant_payable:%'), 0) as merchant_payable_fen
         from settlement_batch_entries e join postings p on p.tenant_id = e.tenant_id and p.entry_id = e.entry_id
        where e.batch_id = $1 and p.tenant_id = $2`,
      [batchId, tenantId],
    );
    return r ?? { feeIncomeFen: 0n, merchantPayableFen: 0n };
  }

  /** Bank clearing credited by the batch's succeeded payouts (their ledger entries' postings). */
  async paidOut(em: EntityManager, tenantId: string, batchId: string): Promise<bigint> {
    const r = await one(
      em,
      PAID,
      `select coalesce(sum(p.amount_fen), 0) as paid_out_fen
         from settlement_payouts s join postings p on p.tenant_id = s.tenant_id and p.entry_id = s.ledger_entry_id
        where s.batch_id = $1 and p.tenant_id = $2 and p.account = 'bank_clearing' and p.direction = 'credit'`,
      [batchId, tenantId],
    );
    return r?.paidOutFen ?? 0n;
  }

  async payoutSums(em: EntityManager, batchId: string): Promise<{ succeededFen: bigint; failedMerchants: number }> {
    const r = await em.query(
      `select coalesce(sum(s.amount_fen) filter (where s.status = 'succeeded'), 0)::text as succeeded,
              (select count(*) from (select distinct on (x.merchant_id) x.status from settlement_payouts x where x.batch_id = $1 order by x.merchant_id, x.attempt desc) l where l.status = 'failed')::int as failed
         from settlement_payouts s where s.batch_id = $1`,
      [batchId],
    );
    const row = (r as Array<{ succeeded: string; failed: number }>)[0];
    return { succeededFen: BigInt(row?.succeeded ?? '0'), failedMerchants: Number(row?.failed ?? 0) };
  }
}
