import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsAmountFen, PAYMENT_CHANNELS, type Fen, type PaymentChannel } from '@countypay/contracts';
import { ORDER_STATES, type OrderState } from '../../domain/order-state';

export const OUT_NO_PATTERN = /^[A-Za-z0-9_\-|*.]{1,64}$/;

export class CreateOrderDto {
  @IsUUID()
  merchantId!: string;

  @IsOptional()
  @IsUUID()
  storeId?: string;

  /** the partner's order number, unique per app */
  @Matches(OUT_NO_PATTERN, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  outTradeNo!: string;

  @IsAmountFen()
  amountFen!: Fen;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  description?: string;

  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86_400)
  expiresInSeconds?: number;
}

/** A wallet that scanned a dynamic code pays it (what the wallet's own backend does through the channel). */
export class PayOrderDto {
  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ . : -' })
  payerId!: string;
}

export class ListOrdersQuery {
  @IsOptional()
  @Matches(OUT_NO_PATTERN, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  outTradeNo?: string;

  @IsOptional()
  @IsIn(ORDER_STATES)
  status?: OrderState;

  @IsOptional()
  @IsUUID()
  merchantId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
