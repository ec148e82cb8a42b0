import { daysBetween } from './business-date';
import type { ScheduleLine } from './schedule';

/**
 * Annualised rate disclosure (年化利率, PBoC: disclosed prominently before the customer confirms).
 * For a monthly schedule the APR is 12 × the monthly internal rate of return i of the cash flows
 * (+P at the drawdown, −total_k at month k): Σ total_k / (1+i)^k = P. A flat fee of 0.6 % a month
 * over 12 months is ≈ 12.96 % APR, not 7.2 %.
 *
 * Everything is exact integer arithmetic: rates are in ppm per annum (1 000 000 = 100 %), the
 * monthly rate is apr / 12 / 10^6, and "NPV at rate c ≤ 0" is decided by cross-multiplying,
 * Σ A_k · D^k · (D+c)^(n−k) ≤ P · (D+c)^n with D = 12 · 10^6. The APR is found by bisection to
 * the ppm (rounded up, so a disclosed rate is never understated) and the ceiling check is the
 * exact comparison at the ceiling itself.
 */
const D = 12_000_000n;
const MAX_APR_PPM = 100_000_000n; // 10 000 % — beyond any product, bounds the bisection

/** NPV of the flows at annual `aprPpm` is ≤ 0, i.e. the schedule's IRR is ≤ aprPpm. */
function irrAtMost(principalFen: bigint, totals: readonly bigint[], aprPpm: bigint): boolean {
  const n = totals.length;
  const g = D + aprPpm;
  let lhs = 0n;
  for (let k = 1; k <= n; k++) lhs += totals[k - 1]! * D ** BigInt(k) * g ** BigInt(n - k);
  return lhs <= principalFen * g ** BigInt(n);
}

/** APR of a monthly schedule in ppm per annum, rounded up to the ppm. */
export function monthlyScheduleAprPpm(principalFen: bigint, lines: readonly ScheduleLine[]): bigint {
  const totals = lines.map((l) => l.totalFen);
  if (irrAtMost(principalFen, totals, 0n)) return 0n;
  let lo = 0n; // IRR > lo
  let hi = MAX_APR_PPM; // IRR ≤ hi
  if (!irrAtMost(principalFen, totals, hi)) return hi;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (irrAtMost(principalFen, totals, mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** APR of a single repayment `days` after the drawdown: interest / P × 360 / days, in ppm rounded up. */
export function singleAprPpm(principalFen: bigint, interestFen: bigint, days: number): bigint {
  if (interestFen === 0n || days <= 0) return 0n;
  const num = interestFen * 360n * 1_000_000n;
  const den = principalFen * BigInt(days);
  return (num + den - 1n) / den;
}

/** The schedule's APR in ppm, whatever its method (single uses the day count). */
export function scheduleAprPpm(principalFen: bigint, lines: readonly ScheduleLine[], drawdownDate: string, single: boolean): bigint {
  if (single) {
    const l = lines[0]!;
    return singleAprPpm(principalFen, l.interestFen + l.feeFen, daysBetween(drawdownDate, l.dueDate));
  }
  return monthlyScheduleAprPpm(principalFen, lines);
}

/** Exact: is the schedule's APR at most `ceilingBp` (basis points per annum)? */
export function withinAprCeiling(principalFen: bigint, lines: readonly ScheduleLine[], ceilingBp: number, drawdownDate: string, single: boolean): boolean {
  const ceilingPpm = BigInt(ceilingBp) * 100n;
  if (single) return scheduleAprPpm(principalFen, lines, drawdownDate, true) <= ceilingPpm;
  return irrAtMost(
    principalFen,
    lines.map((l) => l.totalFen),
    ceilingPpm,
  );
}

/** ppm per annum as a percentage string with two decimals (`129_600` → `12.96`), half up; for display only. */
export function formatAprPercent(aprPpm: bigint): string {
  const hundredths = (aprPpm + 50n) / 100n; // ppm → hundredths of a percent
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}
