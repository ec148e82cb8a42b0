import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { REFUND_STATES, type RefundState } from '../../domain/order-state';
import { OUT_NO_MESSAGE, OUT_NO_PATTERN } from '../../orders/dto/orders.dto';

const OUT_REFUND_NO_SCHEMA = {
  description: 'your refund number, unique per order: the same number is the same refund (1-64 of A-Z a-z 0-9 _ - | * .)',
  examples: ['RF20261129-0007'],
};

/** A refund of a paid QR order, in full or in part. */
export class CreateQrRefundRequest {
  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema(OUT_REFUND_NO_SCHEMA)
  outRefundNo!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the amount to refund in fen; at most what was paid minus what is refunded or being refunded', examples: [3000] })
  amountFen!: Fen;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  @ApiSchema({ examples: ['顾客退货'] })
  reason?: string;
}

/** A refund of a QR order. */
export class QrRefund {
  @IsUUID()
  @ApiSchema({ examples: ['3d5f7b9c-1e2a-4b4c-9d6e-8f0a1b2c3d4e'] })
  id!: string;

  @IsUUID()
  @ApiSchema({ description: 'the refunded order', examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'] })
  orderId!: string;

  @Matches(OUT_NO_PATTERN)
  @ApiSchema(OUT_REFUND_NO_SCHEMA)
  outRefundNo!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'in fen', examples: [3000] })
  amountFen!: number;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsIn(REFUND_STATES)
  @ApiSchema({ description: 'pending until the channel answers; a pending refund counts against what can still be refunded' })
  status!: RefundState;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['顾客退货'] })
  reason!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the channel's refund number, once known", examples: ['50300107022026112901234567'] })
  channelRefundNo!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "why the refund failed (the channel's reason code)", examples: ['channel_declined'] })
  failureReason!: string | null;

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T07:30:00.000Z'] })
  createdAt!: string;

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T07:30:01.250Z'] })
  updatedAt!: string;
}
