import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, many, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';
import type { ScheduleLine } from '../domain/schedule';
import type { HoldState, InstallmentState, LoanState } from '../domain/state-machines';
import type { LoanClass } from '../domain/classification';

const HOLD = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  lineId: col.uuid(),
  caller: col.text<'credit' | 'acquiring' | 'qr-payment'>(),
  paymentRef: col.text(),
  merchantId: col.uuid().nullable(),
  amountFen: col.bigint(),
  installments: col.int(),
  state: col.text<HoldState>(),
  loanId: col.uuid().nullable(),
  releaseReason: col.text().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type HoldRecord = RowType<typeof HOLD>;

export const LOAN = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  lineId: col.uuid(),
  holdId: col.uuid(),
  productId: col.uuid(),
  merchantId: col.uuid().nullable(),
  principalFen: col.bigint(),
  method: col.text(),
  installments: col.int(),
  annualRateBp: col.int(),
  monthlyFeeBp: col.int(),
  aprPpm: col.bigint(),
  drawdownDate: col.date(),
  state: col.text<LoanState>(),
  outstandingPrincipalFen: col.bigint(),
  loanClass: col.text<LoanClass>(),
  daysPastDue: col.int(),
  createdAt: col.timestamp(),
});
export type LoanRecord = RowType<typeof LOAN>;

export const INSTALLMENT = rowOf({
  loanId: col.uuid(),
  period: col.int(),
  statementDate: col.date(),
  dueDate: col.date(),
  principalFen: col.bigint(),
  interestFen: col.bigint(),
  feeFen: col.bigint(),
  penaltyFen: col.bigint(),
  paidPrincipalFen: col.bigint(),
  paidInterestFen: col.bigint(),
  paidFeeFen: col.bigint(),
  paidPenaltyFen: col.bigint(),
  state: col.text<InstallmentState>(),
});
export type InstallmentRecord = RowType<typeof INSTALLMENT>;

const OVERDUE = rowOf({
  ...INSTALLMENT.spec,
  annualRateBp: col.int(),
  graceDays: col.int(),
  penaltyMultiplierBp: col.int(),
});
const OPEN = rowOf({ ...INSTALLMENT.spec, loanCreatedAt: col.timestamp() });
const REPAYMENT = rowOf({
  id: col.uuid(),
  lineId: col.uuid(),
  kind: col.text<'manual' | 'payoff' | 'auto_debit'>(),
  amountFen: col.bigint(),
  appliedFen: col.bigint(),
  principalFen: col.bigint(),
  interestFen: col.bigint(),
  feeFen: col.bigint(),
  penaltyFen: col.bigint(),
  businessDate: col.date(),
  reference: col.text(),
  createdAt: col.timestamp(),
});
export type RepaymentRecord = RowType<typeof REPAYMENT>;
const OLDEST = rowOf({ loanId: col.uuid(), lineId: col.uuid(), oldestDue: col.date().nullable() });

const LAPSED_FREE = rowOf({
  loanId: col.uuid(),
  period: col.int(),
  principalFen: col.bigint(),
  dueDate: col.date(),
  drawdownDate: col.expr('l.drawdown_date', col.date()),
  annualRateBp: col.expr('l.annual_rate_bp', col.int()),
});
export type LapsedFreeRecord = RowType<typeof LAPSED_FREE>;

/** The only SQL of holds, loans and installments (inside the caller's tenant transaction). */
const REFUND = rowOf({
  id: col.uuid(),
  loanId: col.uuid(),
  lineId: col.uuid(),
  outRefundNo: col.text(),
  principalFen: col.bigint(),
  interestReturnedFen: col.bigint(),
  businessDate: col.date(),
  /** the part the customer had already repaid, credited to the customer's county account (0: none) */
  cashFen: col.bigint(),
  cashState: col.text<'pending' | 'succeeded' | 'failed'>().nullable(),
  cashFailureReason: col.text().nullable(),
  createdAt: col.timestamp(),
});
export type RefundRecord = RowType<typeof REFUND>;
export type NewRefund = Omit<RefundRecord, 'createdAt' | 'cashState' | 'cashFailureReason'> & { tenantId: string };
const REFUNDED = rowOf({ refundedFen: col.bigint() });

@Injectable()
export class LoansRepository {
  findHold(em: EntityManager, id: string, o: { lock?: boolean } = {}): Promise<HoldRecord | undefined> {
    return one(em, HOLD, `select ${HOLD.columns('h')} from credit_holds h where h.id = $1 ${o.lock ? 'for update' : ''}`, [id]);
  }

  findHoldByRef(em: EntityManager, caller: string, paymentRef: string): Promise<HoldRecord | undefined> {
    return one(em, HOLD, `select ${HOLD.columns('h')} from credit_holds h where h.caller = $1 and h.payment_ref = $2`, [caller, paymentRef]);
  }

  async insertHold(
    em: EntityManager,
    h: Pick<HoldRecord, 'id' | 'tenantId' | 'lineId' | 'caller' | 'paymentRef' | 'merchantId' | 'amountFen' | 'installments'>,
  ): Promise<HoldRecord> {
    const [row] = await updateReturning(
      em,
      HOLD,
      `insert into credit_holds as h (id, tenant_id, line_id, caller, payment_ref, merchant_id, amount_fen, installments, state)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'held') returning ${HOLD.columns('h')}`,
      [h.id, h.tenantId, h.lineId, h.caller, h.paymentRef, h.merchantId, h.amountFen, h.installments],
    );
    if (!row) throw new Error('hold not inserted');
    return row;
  }

  async moveHold(em: EntityManager, id: string, from: HoldState, to: HoldState, c: { loanId?: string; reason?: string }): Promise<HoldRecord | undefined> {
    const [row] = await updateReturning(
      em,
      HOLD,
      `update credit_holds h set state = $3, loan_id = coalesce($4::uuid, h.loan_id), release_reason = coalesce($5, h.release_reason), updated_at = now()
       where h.id = $1 and h.state = $2 returning ${HOLD.columns('h')}`,
      [id, from, to, c.loanId ?? null, c.reason ?? null],
    );
    return row;
  }

  async insertLoan(
    em: EntityManager,
    l: Omit<LoanRecord, 'state' | 'outstandingPrincipalFen' | 'loanClass' | 'daysPastDue' | 'createdAt'>,
    schedule: readonly (ScheduleLine & { statementDate: string })[],
  ): Promise<LoanRecord> {
    const [row] = await updateReturning(
      em,
      LOAN,
      `insert into loans as l (id, tenant_id, line_id, hold_id, product_id, merchant_id, principal_fen, method, installments, annual_rate_bp, monthly_fee_bp,
          apr_ppm, drawdown_date, state, outstanding_principal_fen)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'active', $7) returning ${LOAN.columns('l')}`,
      [
        l.id,
        l.tenantId,
        l.lineId,
        l.holdId,
        l.productId,
        l.merchantId,
        l.principalFen,
        l.method,
        l.installments,
        l.annualRateBp,
        l.monthlyFeeBp,
        l.aprPpm,
        l.drawdownDate,
      ],
    );
    if (!row) throw new Error('loan not inserted');
    for (const s of schedule)
      await execute(
        em,
        `insert into loan_installments (tenant_id, loan_id, period, statement_date, due_date, principal_fen, interest_fen, fee_fen, state)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
        [l.tenantId, l.id, s.period, s.statementDate, s.dueDate, s.principalFen.toString(), s.interestFen.toString(), s.feeFen.toString()],
      );
    return row;
  }

  findLoan(em: EntityManager, id: string, o: { lock?: boolean } = {}): Promise<LoanRecord | undefined> {
    return one(em, LOAN, `select ${LOAN.columns('l')} from loans l where l.id = $1 ${o.lock ? 'for update' : ''}`, [id]);
  }

  loansOfLine(em: EntityManager, lineId: string): Promise<LoanRecord[]> {
    return many(em, LOAN, `select ${LOAN.columns('l')} from loans l where l.line_id = $1 order by l.created_at, l.id`, [lineId]);
  }

  activeLoans(em: EntityManager): Promise<LoanRecord[]> {
    return many(em, LOAN, `select ${LOAN.columns('l')} from loans l where l.state = 'active' order by l.created_at, l.id for update`);
  }

  installments(em: EntityManager, loanId: string): Promise<InstallmentRecord[]> {
    return many(em, INSTALLMENT, `select ${INSTALLMENT.columns('i')} from loan_installments i where i.loan_id = $1 order by i.period`, [loanId]);
  }

  /**
   * The open installments of a line's active loans, oldest due first, locked: `due` — billed or
   * overdue and due on or before `date`; `all` — every unpaid one (a payoff).
   */
  openInstallmentsOfLine(em: EntityManager, lineId: string, which: 'due' | 'all', date: string): Promise<(InstallmentRecord & { loanCreatedAt: Date })[]> {
    return many(
      em,
      OPEN,
      `select ${INSTALLMENT.columns('i')}, l.created_at as loan_created_at from loan_installments i join loans l on l.id = i.loan_id
        where l.line_id = $1 and l.state = 'active'
          and ${which === 'due' ? `i.state in ('billed', 'overdue') and i.due_date <= $2` : `i.state in ('pending', 'billed', 'overdue') and $2::date is not null`}
        order by i.due_date, l.created_at, i.period for update of i`,
      [lineId, date],
    );
  }

  /**
   * A payoff: the future (pending) installments of a loan owe no scheduled interest or fee, only
   * `interestFen` — the interest accrued to the repayment date — on the first of them.
   */
  async rewritePendingForPayoff(em: EntityManager, loanId: string, interestFen: bigint): Promise<void> {
    await execute(
      em,
      `update loan_installments set interest_fen = case when period = (select min(period) from loan_installments where loan_id = $1 and state = 'pending') then $2 else 0 end,
         fee_fen = 0 where loan_id = $1 and state = 'pending'`,
      [loanId, interestFen],
    );
  }

  /** Principal repaid on a loan; the loan is paid off when nothing is open any more. */
  async settleLoan(em: EntityManager, loanId: string, principalPaidFen: bigint): Promise<void> {
    await execute(
      em,
      `update loans l set outstanding_principal_fen = l.outstanding_principal_fen - $2, updated_at = now(), version = l.version + 1,
         state = case when not exists (select 1 from loan_installments i where i.loan_id = l.id and i.state in ('pending', 'billed', 'overdue')) then 'paid_off' else l.state end,
         loan_class = case when not exists (select 1 from loan_installments i where i.loan_id = l.id and i.state in ('pending', 'billed', 'overdue')) then 'normal' else l.loan_class end
       where l.id = $1`,
      [loanId, principalPaidFen],
    );
  }

  /** Records a repayment once per (line, reference); false when the reference was already applied. */
  async insertRepayment(
    em: EntityManager,
    r: {
      id: string;
      tenantId: string;
      lineId: string;
      kind: string;
      amountFen: bigint;
      appliedFen: bigint;
      principalFen: bigint;
      interestFen: bigint;
      feeFen: bigint;
      penaltyFen: bigint;
      businessDate: string;
      reference: string;
    },
  ): Promise<boolean> {
    return (
      (await execute(
        em,
        `insert into credit_repayments (id, tenant_id, line_id, kind, amount_fen, applied_fen, principal_fen, interest_fen, fee_fen, penalty_fen, business_date, reference)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict (tenant_id, line_id, reference) do nothing`,
        [r.id, r.tenantId, r.lineId, r.kind, r.amountFen, r.appliedFen, r.principalFen, r.interestFen, r.feeFen, r.penaltyFen, r.businessDate, r.reference],
      )) > 0
    );
  }

  repaymentByReference(em: EntityManager, lineId: string, reference: string): Promise<RepaymentRecord | undefined> {
    return one(em, REPAYMENT, `select ${REPAYMENT.columns('r')} from credit_repayments r where r.line_id = $1 and r.reference = $2`, [lineId, reference]);
  }

  async setLoanState(em: EntityManager, id: string, from: LoanState, to: LoanState, outstandingPrincipalFen: bigint): Promise<boolean> {
    const n = await execute(
      em,
      `update loans set state = $3, outstanding_principal_fen = $4, updated_at = now(), version = version + 1 where id = $1 and state = $2`,
      [id, from, to, outstandingPrincipalFen],
    );
    return n > 0;
  }

  async cancelOpenInstallments(em: EntityManager, loanId: string): Promise<void> {
    await execute(em, `update loan_installments set state = 'cancelled' where loan_id = $1 and state in ('pending', 'billed')`, [loanId]);
  }

  /** Statement run: pending installments whose statement date has come are billed. */
  async billDue(em: EntityManager, businessDate: string): Promise<number> {
    return execute(
      em,
      `update loan_installments i set state = 'billed' from loans l where l.id = i.loan_id and l.state = 'active' and i.state = 'pending' and i.statement_date <= $1`,
      [businessDate],
    );
  }

  /** Overdue run: billed installments past their due date and not paid become overdue. */
  async markOverdue(em: EntityManager, businessDate: string): Promise<void> {
    await execute(em, `update loan_installments set state = 'overdue' where state = 'billed' and due_date < $1`, [businessDate]);
  }

  /** Overdue installments with what the penalty needs (the loan's rate, the product's grace days and multiplier), locked. */
  overdueInstallments(em: EntityManager): Promise<(InstallmentRecord & { annualRateBp: number; graceDays: number; penaltyMultiplierBp: number })[]> {
    return many(
      em,
      OVERDUE,
      `select ${INSTALLMENT.columns('i')}, l.annual_rate_bp, p.grace_days, p.penalty_multiplier_bp
         from loan_installments i join loans l on l.id = i.loan_id join credit_products p on p.id = l.product_id
        where i.state = 'overdue' and l.state = 'active' order by i.loan_id, i.period for update of i`,
    );
  }

  /** Per active loan, the due date of its oldest unpaid billed installment (null when none is due). */
  oldestUnpaidDue(em: EntityManager): Promise<{ loanId: string; lineId: string; oldestDue: string | null }[]> {
    return many(
      em,
      OLDEST,
      `select l.id as loan_id, l.line_id, min(i.due_date) filter (where i.state in ('billed', 'overdue')) as oldest_due
         from loans l left join loan_installments i on i.loan_id = l.id where l.state = 'active' group by l.id, l.line_id order by l.id`,
    );
  }

  async addPenalty(em: EntityManager, loanId: string, period: number, penaltyFen: bigint): Promise<void> {
    await execute(em, `update loan_installments set penalty_fen = penalty_fen + $3 where loan_id = $1 and period = $2`, [
      loanId,
      period,
      penaltyFen.toString(),
    ]);
  }

  async pay(em: EntityManager, loanId: string, period: number, p: { principal: bigint; interest: bigint; fee: bigint; penalty: bigint }): Promise<void> {
    await execute(
      em,
      `update loan_installments set paid_principal_fen = paid_principal_fen + $3, paid_interest_fen = paid_interest_fen + $4, paid_fee_fen = paid_fee_fen + $5,
         paid_penalty_fen = paid_penalty_fen + $6,
         state = case when paid_principal_fen + $3 = principal_fen and paid_interest_fen + $4 = interest_fen and paid_fee_fen + $5 = fee_fen
                        and paid_penalty_fen + $6 = penalty_fen then 'paid' else state end
       where loan_id = $1 and period = $2`,
      [loanId, period, p.principal.toString(), p.interest.toString(), p.fee.toString(), p.penalty.toString()],
    );
  }

  async classify(em: EntityManager, loanId: string, loanClass: LoanClass, daysPastDue: number): Promise<void> {
    await execute(em, `update loans set loan_class = $2, days_past_due = $3, updated_at = now() where id = $1`, [loanId, loanClass, daysPastDue]);
  }

  /** Marks a job done for the business date; false when it already ran (idempotent per date). */
  async claimJob(em: EntityManager, tenantId: string, businessDate: string, job: string): Promise<boolean> {
    const n = await execute(em, `insert into credit_job_runs (tenant_id, business_date, job) values ($1, $2, $3) on conflict do nothing`, [
      tenantId,
      businessDate,
      job,
    ]);
    return n > 0;
  }

  refundByNo(em: EntityManager, loanId: string, outRefundNo: string): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from credit_refunds r where r.loan_id = $1 and r.out_refund_no = $2`, [loanId, outRefundNo]);
  }

  async insertRefund(em: EntityManager, r: NewRefund): Promise<boolean> {
    const n = await execute(
      em,
      `insert into credit_refunds (id, tenant_id, loan_id, line_id, out_refund_no, principal_fen, interest_returned_fen, business_date, cash_fen, cash_state)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, case when $9::bigint > 0 then 'pending' end) on conflict (tenant_id, loan_id, out_refund_no) do nothing`,
      [r.id, r.tenantId, r.loanId, r.lineId, r.outRefundNo, r.principalFen, r.interestReturnedFen, r.businessDate, r.cashFen],
    );
    return n > 0;
  }

  /** Everything refunded of a loan so far (principal cuts and cash), whatever the cash instructions' state. */
  async refundedFen(em: EntityManager, loanId: string): Promise<bigint> {
    const r = await one(em, REFUNDED, `select coalesce(sum(principal_fen + cash_fen), 0)::bigint as refunded_fen from credit_refunds where loan_id = $1`, [
      loanId,
    ]);
    return r?.refundedFen ?? 0n;
  }

  findRefund(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<RefundRecord | undefined> {
    return one(em, REFUND, `select ${REFUND.columns('r')} from credit_refunds r where r.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  /** A cash instruction's outcome: from pending (or failed, when retried) only. */
  async settleCash(em: EntityManager, id: string, to: 'succeeded' | 'failed' | 'pending', reason: string | null): Promise<RefundRecord | undefined> {
    const [row] = await updateReturning(
      em,
      REFUND,
      `update credit_refunds r set cash_state = $2, cash_failure_reason = $3, cash_attempts = r.cash_attempts + case when $2 = 'pending' then 1 else 0 end,
         cash_settled_at = case when $2 = 'succeeded' then now() else r.cash_settled_at end
       where r.id = $1 and r.cash_state in ('pending', 'failed')
       returning ${REFUND.columns('r')}`,
      [id, to, reason],
    );
    return row;
  }

  /** Cash refunds the bank has not confirmed yet (the retry job), oldest first. */
  pendingCash(em: EntityManager, before: Date, limit: number): Promise<RefundRecord[]> {
    return many(
      em,
      REFUND,
      `select ${REFUND.columns('r')} from credit_refunds r where r.cash_state = 'pending' and r.created_at <= $1 order by r.created_at limit $2`,
      [before, limit],
    );
  }

  /**
   * A refund's cut of one open installment: its principal and interest shrink (never below what was
   * paid: conditional); settled when nothing is left — cancelled if it was never touched, else paid.
   */
  async cutInstallment(em: EntityManager, loanId: string, period: number, principalCutFen: bigint, interestCutFen: bigint): Promise<boolean> {
    const n = await execute(
      em,
      `update loan_installments set principal_fen = principal_fen - $3, interest_fen = interest_fen - $4,
         state = case when principal_fen - $3 = paid_principal_fen and interest_fen - $4 = paid_interest_fen and fee_fen = paid_fee_fen and penalty_fen = paid_penalty_fen
                      then case when state = 'pending' and paid_principal_fen = 0 and paid_interest_fen = 0 and paid_fee_fen = 0 then 'cancelled' else 'paid' end
                      else state end
       where loan_id = $1 and period = $2 and state in ('pending', 'billed', 'overdue')
         and principal_fen - paid_principal_fen >= $3 and interest_fen - paid_interest_fen >= $4`,
      [loanId, period, principalCutFen, interestCutFen],
    );
    return n > 0;
  }

  /**
   * Interest-free single repayments not repaid in full by their due date (still billed, due before
   * `businessDate`, no interest charged, a rate above zero), locked: they lose the interest-free period.
   */
  lapsedInterestFree(em: EntityManager, businessDate: string): Promise<LapsedFreeRecord[]> {
    return many(
      em,
      LAPSED_FREE,
      `select ${LAPSED_FREE.columns('i')} from loan_installments i join loans l on l.id = i.loan_id
        where l.state = 'active' and l.method = 'single' and l.annual_rate_bp > 0 and i.state = 'billed' and i.due_date < $1 and i.interest_fen = 0
        order by i.loan_id, i.period for update of i`,
      [businessDate],
    );
  }

  async chargeInterest(em: EntityManager, loanId: string, period: number, interestFen: bigint): Promise<void> {
    await execute(em, `update loan_installments set interest_fen = interest_fen + $3 where loan_id = $1 and period = $2`, [loanId, period, interestFen]);
  }
}
