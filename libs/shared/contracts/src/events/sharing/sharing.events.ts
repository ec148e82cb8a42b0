import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { defineEvent } from '../../envelope';
import { IsAmountFen, type Fen } from '../../money';
import { PAYMENT_CHANNELS, type PaymentChannel } from '../payment/payment.events';

/** One receiver's share of a split (分账接收方与金额). */
export class SplitReceiverShare {
  /** the receiving merchant (same county as the order) */
  @IsUUID()
  merchantId!: string;

  @IsAmountFen()
  amountFen!: Fen;
}

/** What every profit-sharing event says about the shared order. */
export class SharingRef {
  @IsUUID()
  orderId!: string;

  /** the order's merchant, whose escrow holds the money */
  @IsUUID()
  merchantId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsIn(['acquiring'])
  product!: 'acquiring';

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsAmountFen()
  amountFen!: Fen;

  @Matches(/^CNY$/)
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  at!: string;
}

/** A split request reached its final state: succeeded (escrow → receivers) or failed (nothing moved). */
export class SplitData extends SharingRef {
  @IsUUID()
  splitId!: string;

  /** the partner's split number, unique per app */
  @IsString()
  @MaxLength(64)
  outSplitNo!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SplitReceiverShare)
  receivers!: SplitReceiverShare[];

  @IsOptional()
  @Matches(/^[a-z_]+$/)
  reason?: string;
}

/** The unsplit remainder went from escrow to the order's merchant: the partner finished, or the tenant's maximum hold passed. */
export class SplitReleasedData extends SharingRef {
  @IsUUID()
  releaseId!: string;

  @IsIn(['finished', 'hold_expired'])
  reason!: 'finished' | 'hold_expired';
}

/** 分账回退: before a refund, shares went back from receivers to the order's escrow. */
export class SplitReversedData extends SharingRef {
  @IsUUID()
  reversalId!: string;

  @IsUUID()
  splitId!: string;

  /** the refund the reversal makes room for */
  @IsUUID()
  refundId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SplitReceiverShare)
  receivers!: SplitReceiverShare[];
}

export const SplitSucceededV1 = defineEvent({ type: 'split.succeeded', version: 1, dataClass: SplitData, key: (d) => d.orderId });
export const SplitFailedV1 = defineEvent({ type: 'split.failed', version: 1, dataClass: SplitData, key: (d) => d.orderId });
export const SplitReleasedV1 = defineEvent({ type: 'split.released', version: 1, dataClass: SplitReleasedData, key: (d) => d.orderId });
export const SplitReversedV1 = defineEvent({ type: 'split.reversed', version: 1, dataClass: SplitReversedData, key: (d) => d.orderId });
