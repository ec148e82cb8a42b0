import type { Decision } from '@countypay/payment-intake';

/**
 * PBoC barcode payment limits (《条码支付业务规范（试行）》, 2017, art. 14), per payer,
 * per tenant, per calendar day in Asia/Shanghai:
 *
 * | code    | verification (risk level)                                          | daily limit            |
 * |---------|--------------------------------------------------------------------|------------------------|
 * | static  | any                                                                | ¥500 (50,000 fen)      |
 * | dynamic | C: fewer than two factors                                          | ¥1,000 (100,000 fen)   |
 * | dynamic | B: two or more factors, none a digital certificate / e-signature   | ¥5,000 (500,000 fen)   |
 * | dynamic | A: two or more factors including a digital certificate/e-signature | by agreement (tenant)  |
 *
 * A tenant may set lower limits; a tenant value above the regulation is clamped to it
 * (except level A, which the regulation leaves to the agreement). Without a tenant level A
 * agreement, level A falls back to the level B limit (fail safe).
 *
 * Money: every amount here is integer fen as `bigint`.
 *
 * `alreadyPaidTodayFen` is the caller's sum of the payer's accepted barcode payments under
 * this tenant since 00:00 Asia/Shanghai (the payment intake's business day). Counting all the
 * payer's barcode payments that day, not only those of the same kind and level, is the
 * conservative reading and the one we recommend.
 */
export type BarcodeCodeKind = 'static' | 'dynamic';
export type BarcodeRiskLevel = 'A' | 'B' | 'C';

export type VerificationFactor = 'payment_password' | 'sms_otp' | 'fingerprint' | 'face' | 'device_binding' | 'digital_certificate' | 'electronic_signature';

/** The strong factors that lift two-factor verification from level B to level A. */
const LEVEL_A_FACTORS: ReadonlySet<VerificationFactor> = new Set(['digital_certificate', 'electronic_signature']);

export const REGULATORY_LIMIT_FEN = {
  static: 50_000n,
  dynamicC: 100_000n,
  dynamicB: 500_000n,
} as const;

export interface TenantBarcodeLimits {
  readonly staticFen?: bigint;
  readonly levelCFen?: bigint;
  readonly levelBFen?: bigint;
  /** The agreed level A limit, or 'unlimited'. Absent: the level B limit applies. */
  readonly levelAFen?: bigint | 'unlimited';
}

export type BarcodeVerification = { readonly level: BarcodeRiskLevel } | { readonly factors: readonly VerificationFactor[] };

export interface BarcodeLimitInput {
  readonly codeKind: BarcodeCodeKind;
  readonly verification: BarcodeVerification;
  readonly amountFen: bigint;
  readonly alreadyPaidTodayFen: bigint;
  readonly tenantLimits?: TenantBarcodeLimits;
}

export type BarcodeLimitErrorCode = 'barcode_limit_exceeded';

export type BarcodeLimitDecision =
  | { readonly allowed: true; readonly limitFen: bigint | 'unlimited' }
  | {
      readonly allowed: false;
      readonly code: BarcodeLimitErrorCode;
      readonly limitFen: bigint;
      readonly remainingFen: bigint;
      readonly message: string;
    };

/** Risk level from the distinct verification factors used for the payment. */
export function verificationLevel(factors: readonly VerificationFactor[]): BarcodeRiskLevel {
  const distinct = new Set(factors);
  if (distinct.size < 2) return 'C';
  return [...distinct].some((f) => LEVEL_A_FACTORS.has(f)) ? 'A' : 'B';
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function checkLimit(name: string, value: bigint | undefined): void {
  if (value !== undefined && (typeof value !== 'bigint' || value < 0n))
    throw new RangeError(`tenant barcode limit ${name} must be a non-negative bigint (fen), got ${String(value)}`);
}

/** The daily limit that applies; tenant values above the regulation are clamped to it. */
export function applicableBarcodeLimit(codeKind: BarcodeCodeKind, level: BarcodeRiskLevel, tenantLimits: TenantBarcodeLimits = {}): bigint | 'unlimited' {
  checkLimit('staticFen', tenantLimits.staticFen);
  checkLimit('levelCFen', tenantLimits.levelCFen);
  checkLimit('levelBFen', tenantLimits.levelBFen);
  if (tenantLimits.levelAFen !== 'unlimited') checkLimit('levelAFen', tenantLimits.levelAFen);
  const regulated = (regulation: bigint, tenant: bigint | undefined): bigint => (tenant === undefined ? regulation : min(regulation, tenant));

  if (codeKind === 'static') return regulated(REGULATORY_LIMIT_FEN.static, tenantLimits.staticFen);
  switch (level) {
    case 'C':
      return regulated(REGULATORY_LIMIT_FEN.dynamicC, tenantLimits.levelCFen);
    case 'B':
      return regulated(REGULATORY_LIMIT_FEN.dynamicB, tenantLimits.levelBFen);
    case 'A':
      return tenantLimits.levelAFen ?? regulated(REGULATORY_LIMIT_FEN.dynamicB, tenantLimits.levelBFen);
    default:
      return assertUnreachable(level);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

/** "¥1,234.56" from integer fen, without floats. */
export function formatYuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * Decide whether a barcode payment of `amountFen` fits the payer's daily limit.
 * Allowed iff alreadyPaidTodayFen + amountFen <= the applicable limit.
 * Throws RangeError on a non-positive amount, a negative running total or a negative tenant limit.
 */
export function checkBarcodeLimit(input: BarcodeLimitInput): BarcodeLimitDecision {
  const { codeKind, verification, amountFen, alreadyPaidTodayFen, tenantLimits } = input;
  if (typeof amountFen !== 'bigint' || amountFen <= 0n) throw new RangeError(`amountFen must be a positive bigint, got ${String(amountFen)}`);
  if (typeof alreadyPaidTodayFen !== 'bigint' || alreadyPaidTodayFen < 0n)
    throw new RangeError(`alreadyPaidTodayFen must be a non-negative bigint, got ${String(alreadyPaidTodayFen)}`);

  const level = 'level' in verification ? verification.level : verificationLevel(verification.factors);
  const limitFen = applicableBarcodeLimit(codeKind, level, tenantLimits);
  if (limitFen === 'unlimited') return { allowed: true, limitFen };
  if (alreadyPaidTodayFen + amountFen <= limitFen) return { allowed: true, limitFen };

  const remainingFen = alreadyPaidTodayFen >= limitFen ? 0n : limitFen - alreadyPaidTodayFen;
  const what = codeKind === 'static' ? 'static-code payments' : `dynamic-code payments at verification level ${level}`;
  return {
    allowed: false,
    code: 'barcode_limit_exceeded',
    limitFen,
    remainingFen,
    message:
      `the payer's ${what} are limited to ${formatYuan(limitFen)} per day (Asia/Shanghai); ` +
      `${formatYuan(alreadyPaidTodayFen)} already paid today, ${formatYuan(remainingFen)} remaining, ` +
      `${formatYuan(amountFen)} requested`,
  };
}

/**
 * The barcode limit as a rule of the payment intake: the same decision, as a `Decision` whose
 * refusal is `barcode_limit_exceeded` on `amountFen`.
 */
export function barcodeLimitDecision(input: BarcodeLimitInput): Decision<bigint | 'unlimited'> {
  const d = checkBarcodeLimit(input);
  return d.allowed ? { ok: true, value: d.limitFen } : { ok: false, code: d.code, message: d.message, param: 'amountFen' };
}
