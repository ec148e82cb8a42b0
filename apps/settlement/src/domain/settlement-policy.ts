import type { SettlementCycle } from './business-day';

/** A tenant's settlement settings, from its configuration (pure; defaults where the county set none). */
export interface SettlementPolicy {
  readonly cutoffTime: string;
  readonly cycle: SettlementCycle;
  readonly reserveBp: number;
  readonly approvalThresholdFen: bigint;
  readonly refundFeePolicy: 'kept' | 'returned_pro_rata';
}

export const DEFAULT_APPROVAL_THRESHOLD_FEN = 50_000_000n; // 500,000.00 yuan
export const NATURAL_DAY_CUTOFF = '00:00';

export interface SettlementConfigLike {
  cutoffTime?: unknown;
  settlementCycle?: unknown;
  settlementReserveBp?: unknown;
  settlementApprovalThresholdFen?: unknown;
  refundFeePolicy?: unknown;
}

export function settlementPolicyOf(config: SettlementConfigLike | undefined): SettlementPolicy {
  const c = config ?? {};
  const cutoffTime = typeof c.cutoffTime === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(c.cutoffTime) ? c.cutoffTime : NATURAL_DAY_CUTOFF;
  const cycle: SettlementCycle = c.settlementCycle === 'D0' ? 'D0' : 'T1';
  const reserveBp = cycle === 'D0' && Number.isInteger(c.settlementReserveBp) ? Math.min(10_000, Math.max(0, c.settlementReserveBp as number)) : 0;
  const approvalThresholdFen =
    Number.isSafeInteger(c.settlementApprovalThresholdFen) && (c.settlementApprovalThresholdFen as number) >= 0
      ? BigInt(c.settlementApprovalThresholdFen as number)
      : DEFAULT_APPROVAL_THRESHOLD_FEN;
  const refundFeePolicy = c.refundFeePolicy === 'returned_pro_rata' ? 'returned_pro_rata' : 'kept';
  return { cutoffTime, cycle, reserveBp, approvalThresholdFen, refundFeePolicy };
}
