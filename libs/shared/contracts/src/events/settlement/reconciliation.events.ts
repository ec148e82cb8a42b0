import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { defineEvent } from '../../envelope';
import { PAYMENT_CHANNELS, type PaymentChannel } from '../payment/payment.events';

export const RECON_CASE_CLASSES = ['channel_only', 'platform_only', 'amount_mismatch', 'status_mismatch'] as const;
export const RECON_CASE_STATUSES = ['open', 'pending_review', 'pending_approval', 'resolved'] as const;

/**
 * A reconciliation case (差错) was opened or changed status: `action` says what happened
 * (opened, requery_matched, auto_refund, make_up_order, to_review, propose_adjustment,
 * approve_adjustment, reject_adjustment, resolve, matched_on_rerun). Amounts are integer fen as
 * strings; no personal data.
 */
export class ReconciliationCaseChangedData {
  @IsUUID()
  caseId!: string;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsIn(['payment', 'refund'])
  kind!: 'payment' | 'refund';

  @IsIn(RECON_CASE_CLASSES)
  class!: (typeof RECON_CASE_CLASSES)[number];

  @IsString()
  @MaxLength(40)
  action!: string;

  @IsIn(RECON_CASE_STATUSES)
  status!: (typeof RECON_CASE_STATUSES)[number];

  @IsString()
  @MaxLength(64)
  orderId!: string;

  @IsOptional()
  @Matches(/^-?\d{1,18}$/)
  adjustmentFen?: string;

  @IsISO8601({ strict: true })
  at!: string;
}

/** A reconciliation run of one channel and business date finished (a run again publishes again). */
export class ReconciliationRunCompletedData {
  @IsUUID()
  runId!: string;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsInt()
  @Min(1)
  runCount!: number;

  @IsInt()
  @Min(0)
  matched!: number;

  @IsInt()
  @Min(0)
  discrepancies!: number;

  @IsISO8601({ strict: true })
  at!: string;
}

/** Keyed by case: a case's changes are read in order. */
export const ReconciliationCaseChangedV1 = defineEvent({
  type: 'reconciliation.case-changed',
  version: 1,
  dataClass: ReconciliationCaseChangedData,
  key: (d) => d.caseId,
});

export const ReconciliationRunCompletedV1 = defineEvent({
  type: 'reconciliation.run-completed',
  version: 1,
  dataClass: ReconciliationRunCompletedData,
  key: (d) => d.runId,
});
