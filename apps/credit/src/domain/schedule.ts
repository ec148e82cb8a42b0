import { type BusinessDate, addMonths, daysBetween, nextDayOfMonth } from './business-date';
import { MONTHLY_DEN, bpOf, assertRateBp, dailyInterestFen, divHalfUp, monthlyInterestFen } from './arithmetic';

/**
 * Repayment schedules (还款计划). Every amount is bigint fen; every division rounds half up to
 * the fen; the residual of rounding goes to the last installment so the principal parts sum to
 * the principal exactly (and, for the flat fee, the fee parts to the total fee exactly).
 *
 *   equal_installment 等额本息  A = P·r(1+r)^n / ((1+r)^n − 1), r = annual / 12; each period's
 *                               interest is the balance × r, the principal part A − interest;
 *                               the last period repays the remaining balance.
 *   equal_principal   等额本金  principal P / n per period, interest balance × r.
 *   flat_fee          等本等费  principal P / n per period plus a fixed fee P × monthly fee rate;
 *                               its true cost is disclosed as an IRR-based APR (apr.ts).
 *   single            一次还清  one repayment of the principal on the first due date; interest-free
 *                               when the product's interest-free days cover the period, otherwise
 *                               daily interest (annual / 360) from the drawdown to the due date.
 */
export const REPAYMENT_METHODS = ['single', 'equal_installment', 'equal_principal', 'flat_fee'] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export interface ScheduleLine {
  /** 1-based period number. */
  readonly period: number;
  readonly dueDate: BusinessDate;
  readonly principalFen: bigint;
  readonly interestFen: bigint;
  /** Installment fee (flat_fee only; 0 otherwise). */
  readonly feeFen: bigint;
  readonly totalFen: bigint;
  /** Principal still owed after this period is repaid. */
  readonly balanceAfterFen: bigint;
}

export interface ScheduleRequest {
  readonly principalFen: bigint;
  readonly method: RepaymentMethod;
  /** Number of installments (1 for single). */
  readonly installments: number;
  /** Annual interest rate in basis points (equal_installment, equal_principal, single when not interest-free). */
  readonly annualRateBp: number;
  /** Monthly flat fee in basis points of the principal (flat_fee). */
  readonly monthlyFeeBp?: number;
  /** Due dates of the periods, oldest first (length = installments). */
  readonly dueDates: readonly BusinessDate[];
  /** single: the drawdown date and the product's interest-free days. */
  readonly drawdownDate?: BusinessDate;
  readonly interestFreeDays?: number;
}

export interface BillingCycle {
  /** Day of month the statement is cut (1..28). */
  readonly statementDay: number;
  /** Day of month the statement is due (1..28), the first such day after the statement date. */
  readonly dueDay: number;
}

/** The statement date that first bills a drawdown made on `drawdownDate` (strictly after it). */
export function firstStatementDate(drawdownDate: BusinessDate, cycle: BillingCycle): BusinessDate {
  return nextDayOfMonth(drawdownDate, cycle.statementDay);
}

export function dueDateOf(statementDate: BusinessDate, cycle: BillingCycle): BusinessDate {
  return nextDayOfMonth(statementDate, cycle.dueDay);
}

/** The statement dates and due dates of `n` periods of a drawdown made on `drawdownDate`. */
export function periodDates(drawdownDate: BusinessDate, n: number, cycle: BillingCycle): { statementDate: BusinessDate; dueDate: BusinessDate }[] {
  const first = firstStatementDate(drawdownDate, cycle);
  return Array.from({ length: n }, (_, k) => {
    const statementDate = addMonths(first, k);
    return { statementDate, dueDate: dueDateOf(statementDate, cycle) };
  });
}

/** The equal installment A, rounded half up to the fen, computed exactly with integers. */
export function equalInstallmentFen(principalFen: bigint, annualRateBp: number, n: number): bigint {
  assertRateBp(annualRateBp, 'annualRateBp');
  if (annualRateBp === 0) return divHalfUp(principalFen, BigInt(n));
  // r = b / D; A = P·b·(D+b)^n / (D·((D+b)^n − D^n))
  const b = BigInt(annualRateBp);
  const D = MONTHLY_DEN;
  const growth = (D + b) ** BigInt(n);
  return divHalfUp(principalFen * b * growth, D * (growth - D ** BigInt(n)));
}

export function buildSchedule(req: ScheduleRequest): ScheduleLine[] {
  const { principalFen: P, method, installments: n } = req;
  if (typeof P !== 'bigint' || P <= 0n) throw new RangeError('principalFen must be a positive bigint');
  if (!Number.isInteger(n) || n < 1 || n > 60) throw new RangeError('installments must be 1..60');
  if (req.dueDates.length !== n) throw new RangeError(`expected ${n} due dates, got ${req.dueDates.length}`);
  assertRateBp(req.annualRateBp, 'annualRateBp');
  switch (method) {
    case 'single':
      return single(req);
    case 'equal_installment':
      return equalInstallment(req);
    case 'equal_principal':
      return equalPrincipal(req);
    case 'flat_fee':
      return flatFee(req);
    default: {
      const never: never = method;
      throw new RangeError(`unknown method ${String(never)}`);
    }
  }
}

function line(period: number, dueDate: BusinessDate, principalFen: bigint, interestFen: bigint, feeFen: bigint, balanceAfterFen: bigint): ScheduleLine {
  return { period, dueDate, principalFen, interestFen, feeFen, totalFen: principalFen + interestFen + feeFen, balanceAfterFen };
}

function single(req: ScheduleRequest): ScheduleLine[] {
  if (req.installments !== 1) throw new RangeError('single has exactly one installment');
  const dueDate = req.dueDates[0]!;
  const from = req.drawdownDate;
  if (!from) throw new RangeError('single needs the drawdown date');
  const days = daysBetween(from, dueDate);
  if (days < 0) throw new RangeError('due date before the drawdown');
  const free = (req.interestFreeDays ?? 0) >= days;
  const interest = free ? 0n : dailyInterestFen(req.principalFen, req.annualRateBp, days);
  return [line(1, dueDate, req.principalFen, interest, 0n, 0n)];
}

function equalInstallment(req: ScheduleRequest): ScheduleLine[] {
  const { principalFen: P, installments: n, annualRateBp } = req;
  const A = equalInstallmentFen(P, annualRateBp, n);
  const out: ScheduleLine[] = [];
  let balance = P;
  for (let k = 1; k <= n; k++) {
    const interest = monthlyInterestFen(balance, annualRateBp);
    // the last period repays what is left; a rounding that would make a principal part negative
    // (tiny principals) is clamped so no period repays less than nothing
    let principal = k === n ? balance : A - interest;
    if (principal < 0n) principal = 0n;
    if (principal > balance) principal = balance;
    balance -= principal;
    out.push(line(k, req.dueDates[k - 1]!, principal, interest, 0n, balance));
  }
  return out;
}

function equalPrincipal(req: ScheduleRequest): ScheduleLine[] {
  const { principalFen: P, installments: n, annualRateBp } = req;
  const part = divHalfUp(P, BigInt(n));
  const out: ScheduleLine[] = [];
  let balance = P;
  for (let k = 1; k <= n; k++) {
    const interest = monthlyInterestFen(balance, annualRateBp);
    let principal = k === n ? balance : part;
    if (principal > balance) principal = balance;
    balance -= principal;
    out.push(line(k, req.dueDates[k - 1]!, principal, interest, 0n, balance));
  }
  return out;
}

function flatFee(req: ScheduleRequest): ScheduleLine[] {
  const { principalFen: P, installments: n } = req;
  const feeBp = req.monthlyFeeBp;
  if (feeBp === undefined) throw new RangeError('flat_fee needs monthlyFeeBp');
  assertRateBp(feeBp, 'monthlyFeeBp');
  const totalFee = divHalfUp(P * BigInt(feeBp) * BigInt(n), 10_000n);
  const fee = bpOf(P, feeBp);
  const part = divHalfUp(P, BigInt(n));
  const out: ScheduleLine[] = [];
  let balance = P;
  let feeLeft = totalFee;
  for (let k = 1; k <= n; k++) {
    let principal = k === n ? balance : part;
    if (principal > balance) principal = balance;
    let f = k === n ? feeLeft : fee;
    if (f > feeLeft) f = feeLeft;
    balance -= principal;
    feeLeft -= f;
    out.push(line(k, req.dueDates[k - 1]!, principal, 0n, f, balance));
  }
  return out;
}

export function scheduleTotals(lines: readonly ScheduleLine[]): { principalFen: bigint; interestFen: bigint; feeFen: bigint; totalFen: bigint } {
  return lines.reduce(
    (t, l) => ({
      principalFen: t.principalFen + l.principalFen,
      interestFen: t.interestFen + l.interestFen,
      feeFen: t.feeFen + l.feeFen,
      totalFen: t.totalFen + l.totalFen,
    }),
    { principalFen: 0n, interestFen: 0n, feeFen: 0n, totalFen: 0n },
  );
}
