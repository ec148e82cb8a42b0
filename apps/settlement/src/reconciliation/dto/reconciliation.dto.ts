import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PAYMENT_CHANNELS, RECONCILED_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { CASE_STATUSES, RESOLUTIONS, type CaseStatus, type Resolution } from '../../domain/recon-case-state';

/**
 * Channel reconciliation (对账) and its cases (差错) as operators see them. Amounts are integer fen
 * (CNY minor units).
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CASE_ID = '3c9e2b71-5a4d-4f08-9b6e-2d7c1a0f8e53';
const ORDER = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
const MERCHANT = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const CLASSES = ['channel_only', 'platform_only', 'amount_mismatch', 'status_mismatch'] as const;
const OUTCOMES = ['succeeded', 'reversed', 'closed'] as const;
const MAX_FEN = 900_000_000_000_000;

/** `POST /v1/settlement/reconciliation/runs`: reconcile one channel's statement of one date. */
export class RunReconciliationRequest {
  @IsIn(RECONCILED_CHANNELS)
  @ApiSchema({ description: 'the channel whose statement is reconciled', examples: ['wechat'] })
  channel!: PaymentChannel;

  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  @ApiSchema({ description: "the statement's day (Asia/Shanghai calendar day)", examples: ['2026-11-28'] })
  businessDate!: string;
}

export class ListReconciliationRunsQuery extends PageQuery {
  @IsOptional()
  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({ description: 'only runs of this channel', examples: ['wechat'] })
  channel?: PaymentChannel;

  @IsOptional()
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  @ApiSchema({ description: 'only runs of this business date or later', examples: ['2026-11-01'] })
  from?: string;

  @IsOptional()
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  @ApiSchema({ description: 'only runs of this business date or earlier (from = to: one date)', examples: ['2026-11-30'] })
  to?: string;
}

export class ListReconciliationCasesQuery extends PageQuery {
  @IsOptional()
  @IsIn(CASE_STATUSES)
  @ApiSchema({ description: 'only cases in this status', examples: ['pending_review'] })
  status?: CaseStatus;

  @IsOptional()
  @IsIn(CLASSES)
  @ApiSchema({ description: 'only cases of this class', examples: ['amount_mismatch'] })
  class?: (typeof CLASSES)[number];

  @IsOptional()
  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({ description: 'only cases of this channel', examples: ['alipay'] })
  channel?: PaymentChannel;

  @IsOptional()
  @IsIn(['true', 'false'])
  @ApiSchema({ description: 'true: only unresolved cases', examples: ['true'] })
  open?: 'true' | 'false';
}

export class ResolveCaseRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ description: 'why the case is closed (kept in its history)', examples: ['渠道已确认重复记账，次日冲正'] })
  note!: string;
}

export class ProposeAdjustmentRequest {
  @IsInt()
  @Min(-MAX_FEN)
  @Max(MAX_FEN)
  @ApiSchema({
    description: "the change of the merchant's payable in fen (positive: the merchant is owed more; never 0); see the case's suggestedAdjustmentFen",
    examples: [100],
  })
  amountFen!: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ description: 'why (shown to the approving operator and kept in the history)', examples: ['渠道实收多 1 元，经核实为渠道正确'] })
  reason!: string;
}

export class RejectAdjustmentRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ description: 'why the adjustment is rejected', examples: ['金额有误，请重新核对'] })
  reason!: string;
}

export class ReconciliationSettingsRequest {
  @IsIn(['refund', 'make_up_order'])
  @ApiSchema({
    description:
      'what a late channel success on an order closed locally becomes: an automatic full refund, or a make-up order (补单): online acquiring makes the order succeed (payment.succeeded webhook, the payment posted with its fee); a QR order goes to review',
    examples: ['refund'],
  })
  lateSuccessAction!: 'refund' | 'make_up_order';
}

@ApiSchema({ examples: [{ lateSuccessAction: 'refund', updatedBy: null, updatedAt: null }] })
export class ReconciliationSettings {
  @IsIn(['refund', 'make_up_order'])
  lateSuccessAction!: 'refund' | 'make_up_order';

  @Nullable()
  @IsString()
  updatedBy!: string | null;

  @Nullable()
  @IsISO8601({ strict: true })
  updatedAt!: string | null;
}

@ApiSchema({
  examples: [
    {
      id: '5d0e7c3a-1b2f-4e6d-8a9c-0f1e2d3c4b5a',
      channel: 'wechat',
      businessDate: '2026-11-28',
      runCount: 1,
      statementRows: 120,
      platformRows: 121,
      matched: 118,
      channelOnly: 1,
      platformOnly: 1,
      amountMismatch: 1,
      statusMismatch: 0,
      createdAt: '2026-11-29T02:00:00.000Z',
      updatedAt: '2026-11-29T02:00:00.000Z',
    },
  ],
})
export class ReconciliationRun {
  @IsUUID()
  id!: string;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @Matches(DATE)
  businessDate!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'how many times the date was reconciled (a run again changes no case it already has)', examples: [1] })
  runCount!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "movements on the channel's statement (a reversal folded into its payment)", examples: [120] })
  statementRows!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "the platform's movements of the date on this channel", examples: [121] })
  platformRows!: number;

  @IsInt()
  @Min(0)
  matched!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: '长款: on the statement, unknown to the platform', examples: [1] })
  channelOnly!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: '短款: on the platform, missing from the statement (and from the adjacent days)', examples: [1] })
  platformOnly!: number;

  @IsInt()
  @Min(0)
  amountMismatch!: number;

  @IsInt()
  @Min(0)
  statusMismatch!: number;

  @IsISO8601({ strict: true })
  createdAt!: string;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}

@ApiSchema({
  examples: [
    {
      id: CASE_ID,
      channel: 'wechat',
      kind: 'payment',
      class: 'amount_mismatch',
      status: 'pending_review',
      businessDate: '2026-11-28',
      lastSeenDate: '2026-11-28',
      orderId: ORDER,
      refundId: null,
      channelTradeNo: '42002026112812345678901234',
      merchantId: MERCHANT,
      platformAmountFen: 10000,
      channelAmountFen: 10100,
      platformOutcome: 'succeeded',
      channelOutcome: 'succeeded',
      suggestedAdjustmentFen: 100,
      adjustmentFen: null,
      adjustmentReason: null,
      proposedBy: null,
      approvedBy: null,
      ledgerEntryId: null,
      resolution: null,
      requeryCount: 1,
      createdAt: '2026-11-29T02:00:00.000Z',
      updatedAt: '2026-11-29T02:00:01.000Z',
    },
  ],
})
export class ReconciliationCase {
  @IsUUID()
  id!: string;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsIn(['payment', 'refund'])
  kind!: 'payment' | 'refund';

  @IsIn(CLASSES)
  @ApiSchema({ description: 'channel_only 长款, platform_only 短款, amount_mismatch 金额不符, status_mismatch 状态不符', examples: ['amount_mismatch'] })
  class!: (typeof CLASSES)[number];

  @IsIn(CASE_STATUSES)
  @ApiSchema({ description: 'open → pending_review → pending_approval → resolved (a case stays open across days)', examples: ['pending_review'] })
  status!: CaseStatus;

  @Matches(DATE)
  @ApiSchema({ description: 'the statement date the discrepancy was first found on', examples: ['2026-11-28'] })
  businessDate!: string;

  @Matches(DATE)
  @ApiSchema({ description: 'the latest statement date it was seen on', examples: ['2026-11-28'] })
  lastSeenDate!: string;

  @IsString()
  @MaxLength(64)
  @ApiSchema({ description: "the platform's order number", examples: [ORDER] })
  orderId!: string;

  @Nullable()
  @IsString()
  refundId!: string | null;

  @Nullable()
  @IsString()
  channelTradeNo!: string | null;

  @Nullable()
  @IsUUID()
  merchantId!: string | null;

  @Nullable()
  @IsInt()
  platformAmountFen!: number | null;

  @Nullable()
  @IsInt()
  channelAmountFen!: number | null;

  @Nullable()
  @IsIn(OUTCOMES)
  platformOutcome!: (typeof OUTCOMES)[number] | null;

  @Nullable()
  @IsIn(OUTCOMES)
  channelOutcome!: (typeof OUTCOMES)[number] | null;

  @Nullable()
  @IsInt()
  @ApiSchema({
    description: "for an amount mismatch: the change of the merchant's payable that would make the platform agree with the channel",
    examples: [100],
  })
  suggestedAdjustmentFen!: number | null;

  @Nullable()
  @IsInt()
  adjustmentFen!: number | null;

  @Nullable()
  @IsString()
  adjustmentReason!: string | null;

  @Nullable()
  @IsString()
  proposedBy!: string | null;

  @Nullable()
  @IsString()
  approvedBy!: string | null;

  @Nullable()
  @IsUUID()
  ledgerEntryId!: string | null;

  @Nullable()
  @IsIn(RESOLUTIONS)
  resolution!: Resolution | null;

  @IsInt()
  @Min(0)
  requeryCount!: number;

  @IsISO8601({ strict: true })
  createdAt!: string;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}

export class ReconciliationCaseEvent {
  @IsString()
  @ApiSchema({
    description:
      'opened, to_review, requery, requery_matched, auto_refund, make_up_order, propose_adjustment, approve_adjustment, reject_adjustment, resolve, matched_on_rerun',
    examples: ['opened'],
  })
  action!: string;

  @Nullable()
  @IsIn(CASE_STATUSES)
  fromStatus!: CaseStatus | null;

  @IsIn(CASE_STATUSES)
  toStatus!: CaseStatus;

  @IsIn(['county', 'province', 'system'])
  actorType!: string;

  @IsString()
  actorId!: string;

  @Nullable()
  @IsString()
  note!: string | null;

  @IsISO8601({ strict: true })
  at!: string;
}

export class ReconciliationCaseDetail extends ReconciliationCase {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReconciliationCaseEvent)
  @ApiSchema({ description: 'the history, oldest first' })
  history!: ReconciliationCaseEvent[];
}
