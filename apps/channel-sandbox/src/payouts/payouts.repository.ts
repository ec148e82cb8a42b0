import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, one, rowOf, type RowType } from '@countypay/persistence';

const PAYOUT = rowOf({
  instructionId: col.text(),
  accountNo: col.text(),
  accountName: col.text(),
  amountFen: col.bigint(),
  status: col.text<'succeeded' | 'failed'>(),
  failureReason: col.text().nullable(),
  at: col.timestamp(),
});
export type SandboxPayoutRow = RowType<typeof PAYOUT>;

const ACCOUNT = rowOf({ holderName: col.text(), status: col.text() });

/** The sandbox core banking's payouts; RLS scopes every query to the transaction's tenant. */
@Injectable()
export class SandboxPayoutsRepository {
  find(em: EntityManager, instructionId: string, opts: { lock?: boolean } = {}): Promise<SandboxPayoutRow | undefined> {
    return one(em, PAYOUT, `select ${PAYOUT.columns('p')} from sandbox_settlement_payouts p where p.instruction_id = $1${opts.lock ? ' for update' : ''}`, [
      instructionId,
    ]);
  }

  findAccount(em: EntityManager, accountNo: string): Promise<RowType<typeof ACCOUNT> | undefined> {
    return one(em, ACCOUNT, `select ${ACCOUNT.columns('a')} from core_accounts a where a.account_no = $1 for update`, [accountNo]);
  }

  /** Records the payout once per instruction id: false when it existed (a concurrent duplicate). */
  async insert(
    em: EntityManager,
    tenantId: string,
    p: { instructionId: string; accountNo: string; accountName: string; amountFen: bigint; status: 'succeeded' | 'failed'; failureReason: string | null },
  ): Promise<boolean> {
    const n = await execute(
      em,
      `insert into sandbox_settlement_payouts (tenant_id, instruction_id, account_no, account_name, amount_fen, status, failure_reason)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [tenantId, p.instructionId, p.accountNo, p.accountName, p.amountFen, p.status, p.failureReason],
    );
    return n > 0;
  }

  /** Credits the merchant's account and books the entry (reference `settlement:<instruction>`). */
  async credit(em: EntityManager, tenantId: string, accountNo: string, amountFen: bigint, instructionId: string): Promise<void> {
    await execute(em, `update core_accounts set balance_fen = balance_fen + $2, updated_at = now() where account_no = $1`, [accountNo, amountFen]);
    await execute(em, `insert into core_account_entries (tenant_id, account_no, reference, kind, amount_fen) values ($1, $2, $3, 'payout_credit', $4)`, [
      tenantId,
      accountNo,
      `settlement:${instructionId}`,
      amountFen,
    ]);
  }
}
