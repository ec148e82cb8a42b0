import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema, CreditQuote, Nullable, ScheduleLineView } from '@countypay/service-kit';

/** credit's quote is the one disclosure shape every credit-offering API shows (service-kit) */
export { CreditQuote };

/** A price and an installment count: what the customer sees before confirming. */
export class CreditQuoteRequest {
  @IsAmountFen()
  @ApiSchema({ description: 'the purchase amount in fen', examples: [120000] })
  amountFen!: Fen;

  @IsInt()
  @Min(1)
  @Max(36)
  @ApiSchema({ description: 'installments (one of the product’s counts; 1 is a single repayment)', examples: [3] })
  installments!: number;
}

/** A partner app's purchase paid wholly with the customer's credit line. */
export class PayWithCreditRequest extends CreditQuoteRequest {
  @Matches(/^[A-Za-z0-9_\-|*.]{1,64}$/, { message: 'outTradeNo must be 1-64 of A-Z a-z 0-9 _ - | * .' })
  @ApiSchema({ description: 'your order number: the same number is the same payment', examples: ['SEED-20261129-0001'] })
  outTradeNo!: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'the merchant paid (for the merchant payable in the ledger)', examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'] })
  merchantId?: string;
}

/** A payment service asks the schedule and APR of a purchase on a line (service to service). */
export class InternalQuoteRequest extends CreditQuoteRequest {
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsUUID()
  lineId!: string;

  /** the payer's app (the county bank's own app): the line must be one of its lines; absent: any line of the tenant */
  @IsOptional()
  @Matches(/^app_[0-9a-z]{20}$/)
  appId?: string;
}

/** A payment service's authorisation hold on a line (acquiring or QR, service to service). */
export class InternalHoldRequest extends InternalQuoteRequest {
  @IsIn(['acquiring', 'qr-payment'])
  caller!: 'acquiring' | 'qr-payment';

  @IsString()
  @MaxLength(100)
  paymentRef!: string;

  @IsOptional()
  @IsUUID()
  merchantId?: string;
}

export class InternalHoldActionRequest {
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  reason?: string;
}

export class CreditHold {
  @IsUUID()
  @ApiSchema({ examples: ['3d5f7b9c-1e2a-4b4c-9d6e-8f0a1b2c3d4e'] })
  id!: string;

  @IsUUID()
  @ApiSchema({ examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  lineId!: string;

  @IsString()
  @ApiSchema({ examples: ['app_7k2m9q4x8c1v5b3n6z0p/SEED-20261129-0001'] })
  paymentRef!: string;

  @IsInt()
  @ApiSchema({ examples: [120000] })
  amountFen!: number;

  @IsInt()
  @ApiSchema({ examples: [3] })
  installments!: number;

  @IsIn(['held', 'captured', 'released'])
  state!: 'held' | 'captured' | 'released';

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the drawdown once captured', examples: ['5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'] })
  loanId!: string | null;
}

export class CreditDrawdown {
  @IsUUID()
  @ApiSchema({ examples: ['5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'] })
  loanId!: string;

  @IsUUID()
  @ApiSchema({ examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  lineId!: string;

  @IsUUID()
  @ApiSchema({ examples: ['3d5f7b9c-1e2a-4b4c-9d6e-8f0a1b2c3d4e'] })
  holdId!: string;

  @IsInt()
  @ApiSchema({ examples: [120000] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ examples: [3] })
  installments!: number;

  @IsIn(['active', 'paid_off', 'reversed'])
  state!: 'active' | 'paid_off' | 'reversed';

  @IsInt()
  @ApiSchema({ examples: [120000] })
  outstandingPrincipalFen!: number;

  @IsIn(['normal', 'special_mention', 'substandard', 'doubtful', 'loss'])
  @ApiSchema({ description: 'five-category classification (正常/关注/次级/可疑/损失)' })
  loanClass!: 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';

  @IsInt()
  @ApiSchema({ examples: [0] })
  daysPastDue!: number;

  @IsInt()
  @ApiSchema({ examples: [180000] })
  aprPpm!: number;

  @IsString()
  @ApiSchema({ examples: ['18.00%'] })
  aprPercent!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-11-29'] })
  drawdownDate!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InstallmentView)
  schedule!: InstallmentView[];
}

export class InstallmentView extends ScheduleLineView {
  @IsInt()
  @ApiSchema({ description: 'penalty interest accrued, in fen', examples: [0] })
  penaltyFen!: number;

  @IsInt()
  @ApiSchema({ description: 'repaid so far (all parts), in fen', examples: [0] })
  paidFen!: number;

  @IsIn(['pending', 'billed', 'overdue', 'paid', 'cancelled'])
  state!: 'pending' | 'billed' | 'overdue' | 'paid' | 'cancelled';
}

export class RefundDrawdownRequest {
  @Matches(/^[A-Za-z0-9_\-|*.]{1,64}$/, { message: 'outRefundNo must be 1-64 of A-Z a-z 0-9 _ - | * .' })
  @ApiSchema({ description: 'your refund number: the same number is the same refund', examples: ['SEED-20261129-0001-R1'] })
  outRefundNo!: string;

  @IsAmountFen()
  @ApiSchema({
    description:
      "the amount refunded by the merchant, in fen: at most the drawdown's principal less earlier refunds; beyond the unpaid principal (already repaid) it is credited to the customer's county account",
    examples: [60000],
  })
  amountFen!: Fen;
}

/** A payment service refunds the drawdown of a payment it took with credit (service to service). */
export class InternalRefundRequest extends RefundDrawdownRequest {
  @Matches(/^t\d{6}$/)
  tenantId!: string;
}

@ApiSchema({
  description:
    'A refund of a drawdown, before or after billing: the principal refunded reduces the billed installments first (it credits the statement), then the last ones; the interest on it is returned pro rata',
})
export class CreditDrawdownRefund {
  @IsUUID()
  @ApiSchema({ examples: ['6c5b4a39-2817-4f6e-8d5c-4b3a29180716'] })
  refundId!: string;

  @IsString()
  @ApiSchema({ examples: ['SEED-20261129-0001-R1'] })
  outRefundNo!: string;

  @IsInt()
  @ApiSchema({ description: 'principal refunded, in fen', examples: [60000] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ description: 'unpaid interest no longer owed, in fen', examples: [1809] })
  interestReturnedFen!: number;

  @IsInt()
  @ApiSchema({
    description:
      "the part of the refund the customer had already repaid, credited back to the customer's county account by core banking (退回还款账户), in fen; 0 when the refund only reduces what is unpaid",
    examples: [0],
  })
  cashFen!: number;

  @Nullable()
  @IsIn(['pending', 'succeeded', 'failed'])
  @ApiSchema({
    description:
      'the cash credit: pending until the bank confirms, failed with the bank’s reason (repeat the refund to send it again), succeeded; null when cashFen is 0',
  })
  cashState!: 'pending' | 'succeeded' | 'failed' | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the bank's reason when the cash credit failed (account_frozen, account_not_found)", examples: ['account_frozen'] })
  cashFailureReason!: string | null;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-04-05'] })
  businessDate!: string;

  @ValidateNested()
  @Type(() => CreditDrawdown)
  @ApiSchema({ description: 'the drawdown after the refund' })
  drawdown!: CreditDrawdown;
}
