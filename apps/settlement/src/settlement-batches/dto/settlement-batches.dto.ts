import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { BATCH_STATUSES, type BatchStatus } from '../../domain/batch-state';

/**
 * Settlement batches as operators see them. Amounts are integer fen (CNY minor units).
 */
const BATCH_ID = '6a1f3c2e-9b7d-4e21-8c55-0f3e7a9d2b41';
const MERCHANT = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `POST /v1/settlement/cutoffs`: close a business date and clear it into a batch. */
export class RunCutoffRequest {
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  @ApiSchema({ description: 'the business date to close (its window ends at the county cut-off on that date, Asia/Shanghai)', examples: ['2026-11-28'] })
  businessDate!: string;
}

export class ReasonRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ description: 'why (shown to the other operators and kept in the history)', examples: ['商户涉嫌套现，暂缓结算'] })
  reason!: string;
}

export class ListSettlementBatchesQuery extends PageQuery {
  @IsOptional()
  @IsIn(BATCH_STATUSES)
  @ApiSchema({ description: 'only batches in this status', examples: ['pending_approval'] })
  status?: BatchStatus;
}

export class SettlementBatchTieOut {
  @IsInt()
  @ApiSchema({
    description:
      "Σ clearing: every movement of the merchants' payables by the entries cleared (payments − refunds ± splits ± credit sales ± adjustments) plus their fees, summed from the ledger's postings",
    examples: [90000],
  })
  clearingFen!: number;

  @IsInt()
  @ApiSchema({ description: "Σ held and carried nets and D+0 reserves of the merchants' earlier batches, brought into this one", examples: [0] })
  broughtForwardFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ payouts', examples: [89620] })
  payoutFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ fees', examples: [380] })
  feeFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ D+0 reserves kept back', examples: [0] })
  reserveFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ nets of held merchants (still payable)', examples: [0] })
  heldFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ nets ≤ 0 carried to the next window', examples: [0] })
  carriedFen!: number;

  @IsBoolean()
  @ApiSchema({ description: 'Σ payouts + Σ fees + Σ reserves + Σ held + Σ carried = Σ clearing + Σ brought forward', examples: [true] })
  balanced!: boolean;

  @IsBoolean()
  @ApiSchema({ description: "the tenant's trial balance was balanced at cut-off", examples: [true] })
  trialBalanceBalanced!: boolean;
}

export class SettlementBatchApproval {
  @IsString()
  @ApiSchema({ description: 'the approving county operator', examples: ['op-li'] })
  operatorId!: string;

  @IsISO8601({ strict: true })
  approvedAt!: string;
}

export class SettlementBatchEvent {
  @IsString()
  @ApiSchema({ description: 'cutoff, submit, approve, hold, abort, start_paying, complete…', examples: ['approve'] })
  action!: string;

  @Nullable()
  @IsIn(BATCH_STATUSES)
  fromStatus!: BatchStatus | null;

  @IsIn(BATCH_STATUSES)
  toStatus!: BatchStatus;

  @IsIn(['app', 'county', 'province', 'system'])
  actorType!: string;

  @IsString()
  actorId!: string;

  @Nullable()
  @IsString()
  reason!: string | null;

  @IsISO8601({ strict: true })
  at!: string;
}

@ApiSchema({
  examples: [
    {
      id: BATCH_ID,
      businessDate: '2026-11-28',
      settlementDate: '2026-11-29',
      cycle: 'T1',
      cutoffTime: '23:00',
      windowEnd: '2026-11-28T15:00:00.000Z',
      status: 'pending_approval',
      entryCount: 3,
      itemCount: 1,
      tieOut: {
        clearingFen: 90000,
        broughtForwardFen: 0,
        payoutFen: 89620,
        feeFen: 380,
        reserveFen: 0,
        heldFen: 0,
        carriedFen: 0,
        balanced: true,
        trialBalanceBalanced: true,
      },
      approvalThresholdFen: 50000000,
      approvalsRequired: 1,
      approvals: [],
      currency: 'CNY',
      createdAt: '2026-11-28T15:00:03.120Z',
      updatedAt: '2026-11-28T15:00:03.120Z',
    },
  ],
})
export class SettlementBatch {
  @IsUUID()
  id!: string;

  @Matches(DATE)
  @ApiSchema({ description: 'the business date the batch closed', examples: ['2026-11-28'] })
  businessDate!: string;

  @Matches(DATE)
  @ApiSchema({ description: 'the day the merchants are paid: the next day (T+1) or the same day (D+0)', examples: ['2026-11-29'] })
  settlementDate!: string;

  @IsIn(['T1', 'D0'])
  cycle!: 'T1' | 'D0';

  @Matches(/^\d{2}:\d{2}$/)
  @ApiSchema({ description: 'the county cut-off applied (Asia/Shanghai)', examples: ['23:00'] })
  cutoffTime!: string;

  @IsISO8601({ strict: true })
  @ApiSchema({
    description: 'entries that occurred before this instant and were in no earlier batch are cleared by this batch',
    examples: ['2026-11-28T15:00:00.000Z'],
  })
  windowEnd!: string;

  @IsIn(BATCH_STATUSES)
  status!: BatchStatus;

  @IsInt()
  @Min(0)
  entryCount!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'merchants in the batch', examples: [1] })
  itemCount!: number;

  @ValidateNested()
  @Type(() => SettlementBatchTieOut)
  tieOut!: SettlementBatchTieOut;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'above this total payout a second county operator must approve', examples: [50000000] })
  approvalThresholdFen!: number;

  @IsInt()
  @ApiSchema({ description: '1, or 2 above the threshold (two different county operators)', examples: [1] })
  approvalsRequired!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SettlementBatchApproval)
  approvals!: SettlementBatchApproval[];

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  createdAt!: string;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}

/** Where a batch's clearing came from: its items' parts summed (ADR 0014). */
export class SettlementBatchClearing {
  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ payments (gross) of QR and acquiring', examples: [100000] })
  paymentsFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ refunds (less the parts taken from escrow)', examples: [10000] })
  refundsFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ fees (charged on payments, less those refunds returned)', examples: [380] })
  feesFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ profit-sharing escrow → payable: shares received and remainders released', examples: [0] })
  splitsInFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'Σ profit-sharing reversals (回退): payable → escrow', examples: [0] })
  splitsOutFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ credit drawdowns paid to merchants, less reversals and refunds', examples: [0] })
  creditSalesFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ reconciliation adjustments and make-up orders (signed)', examples: [0] })
  adjustmentsFen!: number;
}

export class SettlementBatchDetail extends SettlementBatch {
  @ValidateNested()
  @Type(() => SettlementBatchClearing)
  @ApiSchema({
    description: "the clearing's parts over every merchant of the batch: payments − refunds − fees + splits in − splits out + credit sales + adjustments",
  })
  clearing!: SettlementBatchClearing;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SettlementBatchEvent)
  @ApiSchema({ description: 'the status history, oldest first' })
  history!: SettlementBatchEvent[];
}

@ApiSchema({
  examples: [
    {
      merchantId: MERCHANT,
      paymentCount: 2,
      paymentsFen: 100000,
      refundCount: 1,
      refundsFen: 10000,
      feesFen: 380,
      splitsInFen: 0,
      splitsOutFen: 0,
      creditSalesFen: 0,
      adjustmentsFen: 0,
      broughtForwardFen: 0,
      grossFen: 90000,
      netFen: 89620,
      reserveFen: 0,
      payoutFen: 89620,
      status: 'payable',
      holdReason: null,
    },
  ],
})
export class SettlementBatchItem {
  @IsUUID()
  merchantId!: string;

  @IsInt()
  @Min(0)
  paymentCount!: number;

  @IsInt()
  @Min(0)
  paymentsFen!: number;

  @IsInt()
  @Min(0)
  refundCount!: number;

  @IsInt()
  @Min(0)
  refundsFen!: number;

  @IsInt()
  feesFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'profit sharing, escrow → this payable: shares received and the remainder of its own orders released', examples: [0] })
  splitsInFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'profit sharing reversals (回退), this payable → escrow', examples: [0] })
  splitsOutFen!: number;

  @IsInt()
  @ApiSchema({ description: 'credit drawdowns paid to the merchant, less their reversals and refunds', examples: [0] })
  creditSalesFen!: number;

  @IsInt()
  @ApiSchema({ description: 'reconciliation adjustments and make-up orders (signed)', examples: [0] })
  adjustmentsFen!: number;

  @IsInt()
  @ApiSchema({ description: "held or carried nets and reserves of the merchant's earlier batches", examples: [0] })
  broughtForwardFen!: number;

  @IsInt()
  @ApiSchema({ description: 'payments − refunds + splits in − splits out + credit sales + adjustments', examples: [90000] })
  grossFen!: number;

  @IsInt()
  @ApiSchema({ description: 'gross − fees + brought forward: what the county bank owes the merchant', examples: [89620] })
  netFen!: number;

  @IsInt()
  @Min(0)
  reserveFen!: number;

  @IsInt()
  @Min(0)
  payoutFen!: number;

  @IsIn(['payable', 'held', 'carried'])
  @ApiSchema({ description: 'payable (paid out), held by an operator (stays payable), carried (net ≤ 0, left in the payable)', examples: ['payable'] })
  status!: 'payable' | 'held' | 'carried';

  @Nullable()
  @IsString()
  holdReason!: string | null;
}

@ApiSchema({
  examples: [
    {
      merchantId: MERCHANT,
      reason: '商户涉嫌套现，暂缓结算',
      heldBy: 'op-li',
      heldAt: '2026-11-28T09:00:00.000Z',
      releasedBy: null,
      releasedAt: null,
    },
  ],
})
export class MerchantPayoutHold {
  @IsUUID()
  merchantId!: string;

  @IsString()
  reason!: string;

  @IsString()
  heldBy!: string;

  @IsISO8601({ strict: true })
  heldAt!: string;

  @Nullable()
  @IsString()
  releasedBy!: string | null;

  @Nullable()
  @IsISO8601({ strict: true })
  releasedAt!: string | null;
}
