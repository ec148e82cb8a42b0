import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { defineEvent } from '../../envelope';
import { IsAmountFen, type Fen } from '../../money';

/**
 * The money events the settlement ledger posts (the `type` of their envelope; `payout.succeeded` is
 * the ledger's own payout; `split.*` profit sharing; `credit.*` the credit service's loan book;
 * `reconciliation.adjustment` an approved reconciliation adjustment).
 */
export const SETTLEMENT_SOURCE_TYPES = [
  'payment.succeeded',
  'refund.succeeded',
  'payout.succeeded',
  'split.succeeded',
  'split.released',
  'split.reversed',
  'credit.drawdown-created',
  'credit.drawdown-reversed',
  'credit.drawdown-refunded',
  'credit.repayment-received',
  'credit.cash-refunded',
  'reconciliation.adjustment',
] as const;
export type SettlementSourceType = (typeof SETTLEMENT_SOURCE_TYPES)[number];

/** A journal entry was posted to the tenant's ledger for a money event (exactly once per source event). */
export class SettlementPostedData {
  @IsUUID()
  entryId!: string;

  /** the id of the event the entry was posted for */
  @IsUUID()
  sourceEventId!: string;

  @IsIn(SETTLEMENT_SOURCE_TYPES)
  sourceType!: SettlementSourceType;

  @IsUUID()
  orderId!: string;

  /** set for refunds */
  @IsOptional()
  @IsUUID()
  refundId?: string;

  /** absent for a credit entry with no merchant (a repayment, a drawdown paid to no named merchant) */
  @IsOptional()
  @IsUUID()
  merchantId?: string;

  /** the payment or refund amount */
  @IsAmountFen()
  amountFen!: Fen;

  /** the fee charged to the merchant by this entry (0 for refunds: fees are not returned) */
  @IsAmountFen({ allowZero: true })
  feeFen!: Fen;

  @IsISO8601({ strict: true })
  postedAt!: string;
}

/** Keyed by merchant: the order of a merchant's postings matters to its balance. */
export const SettlementPostedV1 = defineEvent({
  type: 'settlement.posted',
  version: 1,
  dataClass: SettlementPostedData,
  key: (d) => d.merchantId ?? d.orderId,
});
