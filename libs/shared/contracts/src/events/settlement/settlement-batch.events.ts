import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { defineEvent } from '../../envelope';
import { IsAmountFen, type Fen } from '../../money';

export const SETTLEMENT_BATCH_STATUSES = ['open', 'closed', 'pending_approval', 'approved', 'paying', 'settled', 'partially_failed', 'aborted'] as const;
export type SettlementBatchStatus = (typeof SETTLEMENT_BATCH_STATUSES)[number];

/**
 * A settlement batch changed status (`settlement.batch.<action>` in the words of the issue: closed
 * at cut-off and submitted for approval, approved, paying, settled, partially failed, aborted).
 */
export class SettlementBatchChangedData {
  @IsUUID()
  batchId!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  settlementDate!: string;

  @IsString()
  @MaxLength(40)
  action!: string;

  @IsIn(SETTLEMENT_BATCH_STATUSES)
  status!: SettlementBatchStatus;

  @IsOptional()
  @IsIn(SETTLEMENT_BATCH_STATUSES)
  previousStatus?: SettlementBatchStatus;

  @IsInt()
  @Min(0)
  @Max(1_000_000)
  itemCount!: number;

  /** Σ payouts of the batch */
  @IsAmountFen({ allowZero: true })
  payoutFen!: Fen;

  @IsISO8601({ strict: true })
  at!: string;
}

/** Keyed by batch: a batch's changes are read in order. */
export const SettlementBatchChangedV1 = defineEvent({
  type: 'settlement.batch-changed',
  version: 1,
  dataClass: SettlementBatchChangedData,
  key: (d) => d.batchId,
});

export const PAYOUT_STATUSES = ['succeeded', 'failed'] as const;

/** A merchant payout of a settlement batch got its bank's answer (or its query's). */
export class PayoutResultData {
  @IsUUID()
  payoutId!: string;

  @IsUUID()
  batchId!: string;

  @IsUUID()
  merchantId!: string;

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/)
  instructionId!: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsAmountFen()
  amountFen!: Fen;

  @IsIn(PAYOUT_STATUSES)
  status!: (typeof PAYOUT_STATUSES)[number];

  /**
   * the partner app the merchant's latest payment came through (the partner whose merchant is paid:
   * the gateway sends it the payout webhook); absent for a merchant paid through no partner app
   */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  /** the bank's reason for a failure: account_not_found, account_closed, account_frozen, name_mismatch, no_payout_account */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  failureReason?: string;

  @IsISO8601({ strict: true })
  at!: string;
}

/** Keyed by merchant: a merchant's payouts are read in order. */
export const PayoutSucceededV1 = defineEvent({ type: 'payout.succeeded', version: 1, dataClass: PayoutResultData, key: (d) => d.merchantId });
export const PayoutFailedV1 = defineEvent({ type: 'payout.failed', version: 1, dataClass: PayoutResultData, key: (d) => d.merchantId });
