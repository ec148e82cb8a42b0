/**
 * Integer arithmetic for the loan book. Amounts are bigint fen; rates are integer basis points
 * (1 bp = 0.01 %) per annum unless a name says otherwise. No float ever touches an amount.
 *
 * Conventions (one place):
 *   monthly rate  = annual / 12        → r = bp / 120 000
 *   daily rate    = annual / 360       → d = bp / 3 600 000
 *   rounding      = half up to the fen (四舍五入) on non-negative quantities
 */
export const BP = 10_000n;
/** Denominator of a monthly rate expressed from annual basis points: 12 × 10 000. */
export const MONTHLY_DEN = 120_000n;
/** Denominator of a daily rate expressed from annual basis points: 360 × 10 000. */
export const DAILY_DEN = 3_600_000n;

/** n / d rounded half up; both non-negative, d > 0. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  if (n < 0n) throw new RangeError('dividend must not be negative');
  return (2n * n + d) / (2n * d);
}

/** Simple interest on `principalFen` for `days` days at `annualBp` (daily rate = annual / 360), half up. */
export function dailyInterestFen(principalFen: bigint, annualBp: number, days: number): bigint {
  assertRateBp(annualBp, 'annualBp');
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative integer');
  if (principalFen < 0n) throw new RangeError('principalFen must not be negative');
  return divHalfUp(principalFen * BigInt(annualBp) * BigInt(days), DAILY_DEN);
}

/** One month's interest on `balanceFen` at `annualBp` / 12, half up. */
export function monthlyInterestFen(balanceFen: bigint, annualBp: number): bigint {
  assertRateBp(annualBp, 'annualBp');
  return divHalfUp(balanceFen * BigInt(annualBp), MONTHLY_DEN);
}

/** `amountFen` × `bp` / 10 000, half up. */
export function bpOf(amountFen: bigint, bp: number): bigint {
  assertRateBp(bp, 'bp');
  return divHalfUp(amountFen * BigInt(bp), BP);
}

export function assertRateBp(bp: number, name: string): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > 1_000_000) throw new RangeError(`${name} must be an integer number of basis points 0..1000000, got ${bp}`);
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function sumBig(values: readonly bigint[]): bigint {
  return values.reduce((s, v) => s + v, 0n);
}
