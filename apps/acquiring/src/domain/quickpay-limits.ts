/**
 * Daily quick-pay limits per payer per card by verification strength (PBoC 2015 No. 43 style):
 * two factors including a digital certificate — by agreement (no platform limit); two factors
 * (e.g. card agreement + SMS code) — ¥5,000 a day; fewer — ¥1,000 a day. A county may lower them
 * (tenant config). Checked before any channel call.
 */
export const VERIFICATION_STRENGTHS = ['certificate_two_factor', 'two_factor', 'single_factor'] as const;
export type VerificationStrength = (typeof VERIFICATION_STRENGTHS)[number];

export interface QuickPayLimits {
  twoFactorFen: bigint;
  singleFactorFen: bigint;
  /** by agreement: null (or absent) is no platform limit */
  certificateTwoFactorFen?: bigint | null;
}

export const DEFAULT_QUICKPAY_LIMITS: QuickPayLimits = { twoFactorFen: 500_000n, singleFactorFen: 100_000n, certificateTwoFactorFen: null };

/** A county's limits (tenant config `quickPayLimits`, JSON fen): lower than the platform's only, a higher value is capped at it. */
export function quickPayLimitsOf(cfg: { twoFactorFen?: number; singleFactorFen?: number; certificateTwoFactorFen?: number } | undefined): QuickPayLimits {
  const lower = (v: number | undefined, max: bigint): bigint => (v === undefined || BigInt(v) > max ? max : BigInt(v));
  return {
    twoFactorFen: lower(cfg?.twoFactorFen, DEFAULT_QUICKPAY_LIMITS.twoFactorFen),
    singleFactorFen: lower(cfg?.singleFactorFen, DEFAULT_QUICKPAY_LIMITS.singleFactorFen),
    certificateTwoFactorFen: cfg?.certificateTwoFactorFen === undefined ? null : BigInt(cfg.certificateTwoFactorFen),
  };
}

export function dailyLimitFen(strength: VerificationStrength, limits: QuickPayLimits = DEFAULT_QUICKPAY_LIMITS): bigint | null {
  switch (strength) {
    case 'certificate_two_factor':
      return limits.certificateTwoFactorFen ?? null;
    case 'two_factor':
      return limits.twoFactorFen;
    case 'single_factor':
      return limits.singleFactorFen;
    default: {
      const never: never = strength;
      throw new Error(`unknown strength ${String(never)}`);
    }
  }
}

export function withinDailyLimit(
  strength: VerificationStrength,
  paidTodayFen: bigint,
  amountFen: bigint,
  limits?: QuickPayLimits,
): { ok: true } | { ok: false; limitFen: bigint; message: string } {
  const limit = dailyLimitFen(strength, limits);
  if (limit === null || paidTodayFen + amountFen <= limit) return { ok: true };
  return {
    ok: false,
    limitFen: limit,
    message: `card quick pay with ${strength.replace(/_/g, ' ')} verification is limited to ${limit} fen a day per card; ${paidTodayFen} fen already paid today`,
  };
}
