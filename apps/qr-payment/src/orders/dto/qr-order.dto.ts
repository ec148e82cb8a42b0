import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { PAYMENT_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, CreditQuote, Nullable } from '@countypay/service-kit';
import { CLOSE_REASONS, ORDER_STATES, type CloseReason, type OrderState } from '../../domain/order-state';
import { ORDER_KINDS, type OrderKind } from '../orders.repository';
import { OUT_NO_PATTERN, OUT_TRADE_NO_SCHEMA } from './orders.dto';

/** A QR payment order: a dynamic code, a payer code scanned at the POS, or a static code paid by a payer. */
export class QrOrder {
  @IsUUID()
  @ApiSchema({ description: 'the order id', examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'] })
  id!: string;

  @Matches(OUT_NO_PATTERN)
  @ApiSchema({ ...OUT_TRADE_NO_SCHEMA, description: "your order number (static-code orders: the platform's, st_…)" })
  outTradeNo!: string;

  @IsUUID()
  @ApiSchema({ examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the store the payment was taken at, if any', examples: ['11111111-2222-4333-8444-555555555555'] })
  storeId!: string | null;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the POS terminal that scanned the payer code, if any', examples: ['2c4e6a8b-0d1f-4a3b-8c5d-7e9f0a1b2c3d'] })
  terminalId!: string | null;

  @IsIn(ORDER_KINDS)
  @ApiSchema({
    description:
      "dynamic: a merchant-presented code for this order; payer_code: the payer's code scanned at the POS; static: a store sticker paid by the payer",
  })
  kind!: OrderKind;

  @Nullable()
  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({ description: 'the channel paying it (null until a wallet is chosen)' })
  channel!: PaymentChannel | null;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the amount in fen (分)', examples: [12800] })
  amountFen!: number;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsIn(ORDER_STATES)
  @ApiSchema({ description: 'created → paying → succeeded | failed; created or paying → closed' })
  status!: OrderState;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the payer's id at the channel, once known", examples: ['oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'] })
  payerId!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({
    description: "the channel's transaction number, once known (county_credit: the drawdown's id at credit)",
    examples: ['4200002101202611290123456789'],
  })
  channelTradeNo!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "why the payment failed (the channel's reason code)", examples: ['insufficient_funds'] })
  failureReason!: string | null;

  @Nullable()
  @IsIn(CLOSE_REASONS)
  @ApiSchema({ description: 'why the order was closed: expired unpaid, closed by you, or reversed at the channel' })
  closeReason!: CloseReason | null;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇便民超市 购物'] })
  description!: string | null;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'until when a dynamic code can be paid', examples: ['2026-11-29T06:15:00.000Z'] })
  expiresAt!: string | null;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T06:01:12.345Z'] })
  paidAt!: string | null;

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T06:00:00.123Z'] })
  createdAt!: string;

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T06:01:12.345Z'] })
  updatedAt!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'increases with every change of the order', examples: [1] })
  version!: number;
}

/** The code of a dynamic order: show `payload` as a QR code, or fetch its image. */
export class QrOrderCode {
  @IsString()
  @ApiSchema({
    description: 'the EMVCo merchant-presented payload (point of initiation 12, the amount, the order reference)',
    examples: [
      '00020101021226790012cn.countypay0122bxwtPkpbTG2Of5AaKzxNXg0307t5101210422ERERESIiQzOERFVVVVVVVQ5204541153031565406128.005802CN5913金堂县赵镇便民超市有限公司6003成都市62520122my58Gk89ToumxS0fDpuKfA0522my58Gk89ToumxS0fDpuKfA630445BF',
    ],
  })
  payload!: string;

  @IsString()
  @ApiSchema({ description: 'the PNG image of the code, under /v1', examples: ['/qr/orders/9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c/qr.png'] })
  pngPath!: string;

  @IsString()
  @ApiSchema({ description: 'the SVG image of the code, under /v1', examples: ['/qr/orders/9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c/qr.svg'] })
  svgPath!: string;
}

/** A dynamic order just created, with its code. */
export class CreatedQrOrder extends QrOrder {
  @ValidateNested()
  @Type(() => QrOrderCode)
  qr!: QrOrderCode;
}

/** What the payer sees before confirming a county credit payment of a QR order: schedule, APR (年化利率), cost. */
export class QrCreditQuote extends CreditQuote {
  @IsUUID()
  @ApiSchema({ examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'] })
  orderId!: string;
}
