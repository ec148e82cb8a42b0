import { type BusinessDate, daysBetween } from './business-date';
import { bpOf, dailyInterestFen, divHalfUp } from './arithmetic';
import { withinAprCeiling } from './apr';
import { type RepaymentMethod, type ScheduleLine, buildSchedule, periodDates } from './schedule';
import type { LineState } from './state-machines';

/** Defaults a tenant may override (tenant config). */
export const DEFAULT_APR_CEILING_BP = 2_400; // 24 %
export const DEFAULT_UNSECURED_CAP_FEN = 20_000_000n; // ¥200,000

export type CreditRuleCode =
  | 'product_invalid'
  | 'apr_above_ceiling'
  | 'installments_not_allowed'
  | 'line_not_active'
  | 'line_expired'
  | 'credit_insufficient'
  | 'out_of_region'
  | 'limit_above_unsecured_cap'
  | 'amount_invalid';

export interface RuleFailure {
  readonly ok: false;
  readonly code: CreditRuleCode;
  readonly message: string;
  readonly param?: string;
}

export interface ProductTerms {
  readonly method: Exclude<RepaymentMethod, 'single'>;
  readonly annualRateBp: number;
  readonly monthlyFeeBp: number;
  /** Allowed installment counts; 1 means a single repayment. */
  readonly installmentCounts: readonly number[];
  readonly interestFreeDays: number;
  readonly statementDay: number;
  readonly dueDay: number;
  readonly graceDays: number;
  /** Penalty rate = annual rate × multiplier (bp of the rate: 15 000 = 1.5×). */
  readonly penaltyMultiplierBp: number;
  /** Minimum payment: all fees, penalty and interest due plus this share of the principal due. */
  readonly minPaymentPrincipalBp: number;
}

/** Sample principal used to check a product's APR against the ceiling at set-up. */
const SAMPLE_PRINCIPAL_FEN = 1_000_000n;

/** Checks a product's terms and that every allowed installment count stays within the APR ceiling. */
export function validateProduct(t: ProductTerms, aprCeilingBp: number): { ok: true } | RuleFailure {
  const bad = (param: string, message: string): RuleFailure => ({ ok: false, code: 'product_invalid', param, message });
  if (!Number.isInteger(t.statementDay) || t.statementDay < 1 || t.statementDay > 28) return bad('statementDay', 'statementDay must be 1..28');
  if (!Number.isInteger(t.dueDay) || t.dueDay < 1 || t.dueDay > 28) return bad('dueDay', 'dueDay must be 1..28');
  if (t.installmentCounts.length === 0 || t.installmentCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 36))
    return bad('installmentCounts', 'installmentCounts must be integers 1..36');
  if (new Set(t.installmentCounts).size !== t.installmentCounts.length) return bad('installmentCounts', 'installmentCounts must not repeat');
  if (t.method === 'flat_fee' && t.monthlyFeeBp <= 0) return bad('monthlyFeeBp', 'a flat-fee product needs a monthly fee');
  if (t.method !== 'flat_fee' && t.monthlyFeeBp !== 0) return bad('monthlyFeeBp', 'only flat-fee products charge a monthly fee');
  if (t.annualRateBp > aprCeilingBp)
    return {
      ok: false,
      code: 'apr_above_ceiling',
      param: 'annualRateBp',
      message: `annual rate ${t.annualRateBp} bp exceeds the tenant's APR ceiling ${aprCeilingBp} bp`,
    };
  for (const n of t.installmentCounts) {
    const lines = schedule(t, SAMPLE_PRINCIPAL_FEN, n, '2026-01-10');
    if (!withinAprCeiling(SAMPLE_PRINCIPAL_FEN, lines, aprCeilingBp, '2026-01-10', n === 1))
      return {
        ok: false,
        code: 'apr_above_ceiling',
        param: 'installmentCounts',
        message: `${n} installments exceed the tenant's APR ceiling ${aprCeilingBp} bp`,
      };
  }
  return { ok: true };
}

/** The schedule of a drawdown of `principalFen` in `n` installments on `drawdownDate` under `t`. */
export function schedule(t: ProductTerms, principalFen: bigint, n: number, drawdownDate: BusinessDate): ScheduleLine[] {
  const dates = periodDates(drawdownDate, n, t);
  return buildSchedule({
    principalFen,
    method: n === 1 ? 'single' : t.method,
    installments: n,
    annualRateBp: t.annualRateBp,
    monthlyFeeBp: t.monthlyFeeBp,
    dueDates: dates.map((d) => d.dueDate),
    drawdownDate,
    interestFreeDays: t.interestFreeDays,
  });
}

/** available = limit − held − drawn, never below zero. */
export function availableFen(limitFen: bigint, heldFen: bigint, drawnFen: bigint): bigint {
  const a = limitFen - heldFen - drawnFen;
  return a < 0n ? 0n : a;
}

export interface LineView {
  readonly state: LineState;
  readonly limitFen: bigint;
  readonly heldFen: bigint;
  readonly drawnFen: bigint;
  readonly expiresOn: BusinessDate;
  readonly region: string;
}

/** May a payment of `amountFen` in `n` installments be held on this line today (in the tenant's region)? */
export function checkDrawdown(
  line: LineView,
  t: ProductTerms,
  amountFen: bigint,
  n: number,
  today: BusinessDate,
  tenantRegion: string,
  aprCeilingBp: number,
): { ok: true; schedule: ScheduleLine[] } | RuleFailure {
  if (amountFen <= 0n) return { ok: false, code: 'amount_invalid', param: 'amountFen', message: 'the amount must be a positive number of fen' };
  if (line.state !== 'active') return { ok: false, code: 'line_not_active', message: `the credit line is ${line.state}` };
  if (line.expiresOn < today) return { ok: false, code: 'line_expired', message: `the credit line expired on ${line.expiresOn}` };
  if (!sameRegion(line.region, tenantRegion))
    return { ok: false, code: 'out_of_region', message: "the customer is not registered in the county bank's region" };
  if (!t.installmentCounts.includes(n))
    return { ok: false, code: 'installments_not_allowed', param: 'installments', message: `the product allows ${t.installmentCounts.join(', ')} installments` };
  if (amountFen > availableFen(line.limitFen, line.heldFen, line.drawnFen))
    return { ok: false, code: 'credit_insufficient', message: 'the amount exceeds the available credit' };
  const lines = schedule(t, amountFen, n, today);
  if (!withinAprCeiling(amountFen, lines, aprCeilingBp, today, n === 1))
    return { ok: false, code: 'apr_above_ceiling', message: `the annualised rate of this drawdown exceeds the tenant's ceiling ${aprCeilingBp} bp` };
  return { ok: true, schedule: lines };
}

/**
 * Region codes are GB/T 2260 administrative division codes. A county bank (tenant region, a
 * 6-digit county code) lends to a customer whose registered region is that county or lies
 * within it (a township code starting with the county's 6 digits).
 */
export function sameRegion(customerRegion: string, tenantRegion: string): boolean {
  if (!/^\d{6,12}$/.test(customerRegion) || !/^\d{6}$/.test(tenantRegion)) return false;
  return customerRegion.slice(0, 6) === tenantRegion;
}

export function checkLimit(limitFen: bigint, unsecuredCapFen: bigint): { ok: true } | RuleFailure {
  if (limitFen <= 0n) return { ok: false, code: 'amount_invalid', param: 'limitFen', message: 'the limit must be a positive number of fen' };
  if (limitFen > unsecuredCapFen)
    return { ok: false, code: 'limit_above_unsecured_cap', param: 'limitFen', message: `an unsecured line is capped at ${unsecuredCapFen} fen` };
  return { ok: true };
}

/** Minimum payment of a statement: everything but principal, plus a share of the principal due (rounded up to whole fen). */
export function minimumPaymentFen(due: { feeFen: bigint; penaltyFen: bigint; interestFen: bigint; principalFen: bigint }, principalBp: number): bigint {
  const share = (due.principalFen * BigInt(principalBp) + 9_999n) / 10_000n;
  const total = due.feeFen + due.penaltyFen + due.interestFen + due.principalFen;
  const min = due.feeFen + due.penaltyFen + due.interestFen + (share > due.principalFen ? due.principalFen : share);
  return min > total ? total : min;
}

/**
 * Penalty interest for one overdue day on `overduePrincipalFen`: the daily rate (annual / 360)
 * times the multiplier. Charged for each day after due date + grace days; a repayment within the
 * grace days owes no penalty.
 */
export function dailyPenaltyFen(overduePrincipalFen: bigint, annualRateBp: number, multiplierBp: number): bigint {
  const penaltyAnnualBp = Number(bpOf(BigInt(annualRateBp), multiplierBp));
  return dailyInterestFen(overduePrincipalFen, penaltyAnnualBp, 1);
}

export function penaltyDue(dueDate: BusinessDate, graceDays: number, today: BusinessDate): boolean {
  return daysBetween(dueDate, today) > graceDays;
}

/**
 * Early repayment of a loan (提前还款): the principal still owed plus interest only up to the
 * repayment date — daily interest on the outstanding principal from the last due date (or the
 * drawdown) — instead of the scheduled interest of the future periods. Flat fees of future periods
 * are not charged.
 */
export function earlyRepaymentInterestFen(
  outstandingPrincipalFen: bigint,
  annualRateBp: number,
  accrualFrom: BusinessDate,
  repaymentDate: BusinessDate,
): bigint {
  const days = Math.max(0, daysBetween(accrualFrom, repaymentDate));
  return dailyInterestFen(outstandingPrincipalFen, annualRateBp, days);
}

/**
 * An interest-free single repayment (免息) is free only if repaid in full by its due date; otherwise
 * it owes simple interest on the principal from the drawdown to the due date (daily = annual / 360).
 */
export function lapsedInterestFreeFen(principalFen: bigint, annualRateBp: number, drawdownDate: BusinessDate, dueDate: BusinessDate): bigint {
  return dailyInterestFen(principalFen, annualRateBp, Math.max(0, daysBetween(drawdownDate, dueDate)));
}

/** Refunded principal's share of interest returned pro rata: interest × refunded / principal, half up. */
export function proRataFen(amountFen: bigint, partFen: bigint, wholeFen: bigint): bigint {
  if (wholeFen <= 0n) return 0n;
  return divHalfUp(amountFen * partFen, wholeFen);
}
