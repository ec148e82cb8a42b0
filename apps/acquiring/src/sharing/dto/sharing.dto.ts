import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { MAX_SPLIT_RECEIVERS } from '../../domain/split-rules';

export const RECEIVER_RELATIONS = ['partner', 'supplier', 'distributor', 'service_provider', 'store', 'other'] as const;
export type ReceiverRelation = (typeof RECEIVER_RELATIONS)[number];

export const SPLIT_STATES = ['processing', 'succeeded', 'failed'] as const;
export type SplitState = (typeof SPLIT_STATES)[number];

const OUT_SPLIT_NO = /^[A-Za-z0-9_\-|*.]{1,64}$/;
const MERCHANT_EXAMPLE = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';

/** 添加分账接收方: a merchant of the same county that this app's orders may split to. */
export class AddSharingReceiverRequest {
  @IsUUID()
  @ApiSchema({ description: 'the receiving merchant; it must be a merchant of your county (another county’s is a 404)', examples: [MERCHANT_EXAMPLE] })
  merchantId!: string;

  @IsIn(RECEIVER_RELATIONS)
  @ApiSchema({ description: "the receiver's relation to your platform", examples: ['supplier'] })
  relation!: ReceiverRelation;

  @IsOptional()
  @IsString()
  @MaxLength(80)
  @ApiSchema({ description: 'your own note', examples: ['金堂县脐橙合作社'] })
  description?: string;
}

export class SharingReceiver {
  @IsUUID()
  id!: string;

  @IsUUID()
  @ApiSchema({ examples: [MERCHANT_EXAMPLE] })
  merchantId!: string;

  @IsString()
  @ApiSchema({ description: 'the merchant’s legal name, as onboarding knows it', examples: ['金堂县脐橙专业合作社'] })
  merchantName!: string;

  @IsIn(RECEIVER_RELATIONS)
  relation!: ReceiverRelation;

  @Nullable()
  @IsString()
  description!: string | null;

  @IsISO8601()
  createdAt!: string;
}

export class ListSharingReceiversQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only the registration of this merchant', examples: [MERCHANT_EXAMPLE] })
  merchantId?: string;
}

export class SplitShareInput {
  @IsUUID()
  @ApiSchema({ description: 'a registered receiver (its merchant id), or the order’s own merchant', examples: [MERCHANT_EXAMPLE] })
  merchantId!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the share in fen', examples: [1500] })
  amountFen!: Fen;
}

/** 请求分账: move part of a paid order's escrow to receivers. */
export class CreateSplitRequest {
  @Matches(OUT_SPLIT_NO, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  @ApiSchema({ description: 'your split number, unique per app: repeating it answers the same split', examples: ['SP20261129-0001'] })
  outSplitNo!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SPLIT_RECEIVERS)
  @ValidateNested({ each: true })
  @Type(() => SplitShareInput)
  @ApiSchema({ description: `1 to ${MAX_SPLIT_RECEIVERS} receivers, each once` })
  receivers!: SplitShareInput[];
}

export class SplitShare {
  @IsUUID()
  @ApiSchema({ examples: [MERCHANT_EXAMPLE] })
  merchantId!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ examples: [1500] })
  amountFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'what refunds took back from this share (分账回退)', examples: [0] })
  reversedFen!: number;
}

export class Split {
  @IsUUID()
  id!: string;

  @IsUUID()
  orderId!: string;

  @Matches(OUT_SPLIT_NO)
  @ApiSchema({ examples: ['SP20261129-0001'] })
  outSplitNo!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ examples: [1500] })
  totalFen!: number;

  @IsIn(SPLIT_STATES)
  @ApiSchema({ description: 'processing → succeeded | failed' })
  status!: SplitState;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['receiver_not_active'] })
  failureReason!: string | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SplitShare)
  receivers!: SplitShare[];

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}

/** Where the money of a shared order is: fee, split, released, refunded from escrow, and what is still held. */
export class EscrowPositionView {
  @IsUUID()
  orderId!: string;

  @IsBoolean()
  @ApiSchema({ description: 'false: the order was not flagged for profit sharing (everything below is 0)' })
  profitSharing!: boolean;

  @IsInt()
  @Min(0)
  amountFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the fee under the county’s plan' })
  feeFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'shares of processing and succeeded splits, net of reversals' })
  splitFen!: number;

  @IsInt()
  @Min(0)
  releasedFen!: number;

  @IsInt()
  @Min(0)
  refundedFromEscrowFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'still held in escrow' })
  escrowFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'what a new split may still move (pending refunds kept back)' })
  splittableFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the most receivers other than the order’s merchant may still get (the county’s cap)' })
  receiverCapLeftFen!: number;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'when the remainder was released (finished by you, or the county’s maximum hold passed)' })
  finishedAt!: string | null;
}
