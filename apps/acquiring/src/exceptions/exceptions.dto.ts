import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { PAYMENT_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { EXCEPTION_RESOLUTIONS, type ExceptionResolution } from './exceptions.repository';

/** A payment the platform did not apply (it arrived for a closed order), and its automatic refund. */
export class AcquiringExceptionItem {
  @IsUUID()
  id!: string;

  @IsUUID()
  @ApiSchema({ description: 'the closed order the payment arrived for' })
  orderId!: string;

  @IsIn(['paid_after_close'])
  @ApiSchema({ description: 'paid_after_close: the channel took a payment for an order already closed (or left for another method)' })
  kind!: 'paid_after_close';

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsString()
  @ApiSchema({ examples: ['4200002026112912345678901234'] })
  channelTradeNo!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'what the channel took, in fen (refunded in full)', examples: [3000] })
  amountFen!: number;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the automatic refund' })
  refundId!: string | null;

  @IsIn(EXCEPTION_RESOLUTIONS)
  @ApiSchema({ description: 'refunding → refunded | refund_failed' })
  resolution!: ExceptionResolution;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}

export class ListAcquiringExceptionsQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only the items of this order' })
  orderId?: string;

  @IsOptional()
  @IsIn(EXCEPTION_RESOLUTIONS)
  @ApiSchema({ description: 'only items in this resolution', examples: ['refund_failed'] })
  resolution?: ExceptionResolution;
}
