import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsAmountFen, IsInstant, PAYMENT_CHANNELS, type Fen, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, PageQuery } from '@countypay/service-kit';
import { ORDER_STATES, type OrderState } from '../../domain/order-state';

/** The shortest validity a dynamic order may ask for (the order-expiry sweep's longest pause relies on it). */
export const MIN_EXPIRES_IN_SECONDS = 60;

export const OUT_NO_PATTERN = /^[A-Za-z0-9_\-|*.]{1,64}$/;
export const OUT_NO_MESSAGE = '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .';
export const PAYER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const PAYER_ID_MESSAGE = '$property must be 1 to 64 of A-Z a-z 0-9 _ . : -';

/** The partner's order number (`outTradeNo`): unique per app. */
export const OUT_TRADE_NO_SCHEMA = { description: 'your order number, unique per app (1-64 of A-Z a-z 0-9 _ - | * .)', examples: ['JT20261129-000123'] };

/** A dynamic (merchant-presented) QR order: one amount, one code the payer scans with a wallet app. */
export class CreateQrOrderRequest {
  @IsUUID()
  @ApiSchema({ description: 'the merchant taking the payment (active, of your county)', examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: "one of the merchant's active stores; its id goes into the code", examples: ['11111111-2222-4333-8444-555555555555'] })
  storeId?: string;

  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema(OUT_TRADE_NO_SCHEMA)
  outTradeNo!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the amount in fen (分); 12800 is ¥128.00', examples: [12800] })
  amountFen!: Fen;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  @ApiSchema({ description: 'shown to the payer and passed to the channel', examples: ['金堂县赵镇便民超市 购物'] })
  description?: string;

  @IsOptional()
  @IsInt()
  @Min(MIN_EXPIRES_IN_SECONDS)
  @Max(86_400)
  @ApiSchema({ description: 'how long the code can be paid, 60-86400 seconds (default: the service setting, 900)', examples: [900] })
  expiresInSeconds?: number;
}

/** The payer's county credit line and installments: what the county bank's own app offers the payer (county credit). */
export class QrCreditTermsRequest {
  @IsUUID()
  @ApiSchema({ description: "the payer's credit line (one of your app's lines)", examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  creditLineId!: string;

  @IsInt()
  @Min(1)
  @Max(36)
  @ApiSchema({ description: 'installments (one of the credit product’s counts; 1 is a single repayment)', examples: [3] })
  installments!: number;
}

/**
 * A wallet that scanned a dynamic code pays it (what the wallet's own backend does through its
 * channel); or the county bank's own app pays it with the payer's credit line (`county_credit`).
 */
export class PayQrOrderRequest {
  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({
    description:
      "the channel of the payer's wallet (enabled for the county); `county_credit`: the payer's county credit line, from the county bank's own app (an app with the `credit:pay` scope that owns the line; credit payment enabled for the county) — show the schedule and APR of `POST /v1/qr/orders/{id}/credit-quote` before the payer confirms",
    examples: ['wechat'],
  })
  channel!: PaymentChannel;

  @ValidateIf((o: PayQrOrderRequest) => o.channel !== 'county_credit' || o.payerId !== undefined)
  @IsString()
  @Matches(PAYER_ID_PATTERN, { message: PAYER_ID_MESSAGE })
  @ApiSchema({
    description: "the payer's id in the wallet (e.g. a WeChat openid); county_credit: not needed (the line is the payer)",
    examples: ['oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'],
  })
  payerId?: string;

  @ValidateIf((o: PayQrOrderRequest) => o.channel === 'county_credit' || o.creditLineId !== undefined)
  @IsUUID()
  @ApiSchema({ description: "county_credit only: the payer's credit line (one of your app's lines)", examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  creditLineId?: string;

  @ValidateIf((o: PayQrOrderRequest) => o.channel === 'county_credit' || o.installments !== undefined)
  @IsInt()
  @Min(1)
  @Max(36)
  @ApiSchema({ description: 'county_credit only: the installments the payer chose (one of the credit product’s counts)', examples: [3] })
  installments?: number;
}

export class ListQrOrdersQuery extends PageQuery {
  @IsOptional()
  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema({ description: 'only the order with this order number', examples: ['JT20261129-000123'] })
  outTradeNo?: string;

  @IsOptional()
  @IsIn(ORDER_STATES)
  @ApiSchema({ description: 'only orders in this status', examples: ['succeeded'] })
  status?: OrderState;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: "only this merchant's orders", examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId?: string;

  @IsOptional()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'channelTradeNo must be letters, digits, _ or -' })
  @ApiSchema({ description: "only the order with this channel transaction number (the wallet's)", examples: ['4200002611301357611343'] })
  channelTradeNo?: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only the order this refund belongs to' })
  refundId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsAmountFen()
  @ApiSchema({ description: 'only orders of at least this amount, fen (分)', examples: [1000] })
  minAmountFen?: number;

  @IsOptional()
  @Type(() => Number)
  @IsAmountFen()
  @ApiSchema({ description: 'only orders of at most this amount, fen (分)', examples: [100000] })
  maxAmountFen?: number;

  @IsOptional()
  @IsInstant()
  @ApiSchema({ description: 'only orders created at or after this instant', examples: ['2026-11-29T00:00:00+08:00'] })
  createdFrom?: string;

  @IsOptional()
  @IsInstant()
  @ApiSchema({ description: 'only orders created before this instant', examples: ['2026-11-30T00:00:00+08:00'] })
  createdTo?: string;
}
