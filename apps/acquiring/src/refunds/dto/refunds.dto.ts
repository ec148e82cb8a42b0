import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { REFUND_STATES, type RefundState } from '../../domain/order-state';

const OUT_REFUND_NO = /^[A-Za-z0-9_\-|*.]{1,64}$/;

/** A partial or full refund of a paid online order; the same outRefundNo is the same refund. */
export class CreateAcquiringRefundRequest {
  @Matches(OUT_REFUND_NO, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  @ApiSchema({ description: 'your refund number, unique per order: repeating it answers the same refund', examples: ['RF20261129-0001'] })
  outRefundNo!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the amount to refund in fen; all refunds of an order never exceed what was paid', examples: [2000] })
  amountFen!: Fen;

  @IsOptional()
  @IsString()
  @MaxLength(80)
  @ApiSchema({ description: 'shown to the payer by the channel', examples: ['商品缺货'] })
  reason?: string;
}

export class AcquiringRefund {
  @IsUUID()
  id!: string;

  @IsUUID()
  orderId!: string;

  @Matches(OUT_REFUND_NO)
  @ApiSchema({ examples: ['RF20261129-0001'] })
  outRefundNo!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ examples: [2000] })
  amountFen!: number;

  @IsIn(REFUND_STATES)
  @ApiSchema({ description: 'pending (only while the channel cannot be reached: the platform keeps querying) → succeeded | failed' })
  status!: RefundState;

  @Nullable()
  @IsString()
  reason!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the channel's refund number", examples: ['50302026112912345678901234'] })
  channelRefundNo!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['refund_exceeds_paid'] })
  failureReason!: string | null;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}
