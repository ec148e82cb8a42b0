import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { PAYMENT_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import { CHANNEL_STATUSES, type ChannelPaymentStatus } from '../domain/channel-status';

/** A channel's asynchronous payment notification (channel sandbox contract). */
export class ChannelNotificationDto {
  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsUUID()
  orderId!: string;

  @IsString()
  @MaxLength(64)
  channelTradeNo!: string;

  @IsIn(CHANNEL_STATUSES)
  status!: ChannelPaymentStatus;

  @IsInt()
  @Min(0)
  amountFen!: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  payerId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  reason?: string;

  @IsISO8601()
  at!: string;

  @IsString()
  @MaxLength(64)
  notifyId!: string;
}
