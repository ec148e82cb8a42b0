import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { PAYMENT_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { CLOSE_REASONS, ORDER_STATES, REFUND_SUB_STATES, type CloseReason, type OrderState, type RefundSubState } from '../../domain/order-state';
import { ORDER_METHODS, type CashierAction, type OrderMethod } from '../../domain/payment-methods';
import { GoodsLineInput, OUT_NO_PATTERN, OUT_TRADE_NO_SCHEMA } from './orders.dto';

/** An online acquiring order. */
export class AcquiringOrder {
  @IsUUID()
  @ApiSchema({ description: 'the order id', examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'] })
  id!: string;

  @Matches(OUT_NO_PATTERN)
  @ApiSchema(OUT_TRADE_NO_SCHEMA)
  outTradeNo!: string;

  @IsUUID()
  @ApiSchema({ examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the amount in fen (分)', examples: [12800] })
  amountFen!: number;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsString()
  @ApiSchema({ examples: ['金堂县农特产商城 订单MALL20261129-000123'] })
  subject!: string;

  @Nullable()
  @ValidateNested({ each: true })
  @Type(() => GoodsLineInput)
  @ApiSchema({ description: 'the goods details given at creation, if any' })
  goods!: GoodsLineInput[] | null;

  @IsBoolean()
  @ApiSchema({ description: 'held for profit sharing', examples: [false] })
  profitSharing!: boolean;

  @IsIn(ORDER_STATES)
  @ApiSchema({ description: 'created → paying → succeeded | failed | closed (closed also by expiry)' })
  status!: OrderState;

  @IsIn(REFUND_SUB_STATES)
  @ApiSchema({ description: 'how much of a succeeded order is refunded: none, partial or full' })
  refundStatus!: RefundSubState;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'refunded so far, in fen', examples: [0] })
  refundedFen!: number;

  @Nullable()
  @IsIn(ORDER_METHODS)
  @ApiSchema({ description: 'the method the payer chose (null until then)' })
  method!: OrderMethod | null;

  @Nullable()
  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({ description: 'the channel of that method' })
  channel!: PaymentChannel | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the channel's transaction number, once known", examples: ['4200002026112912345678901234'] })
  channelTradeNo!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the payer's id at the channel, once known", examples: ['oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'] })
  payerId!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "why the payment failed (the channel's reason code)", examples: ['insufficient_funds'] })
  failureReason!: string | null;

  @Nullable()
  @IsIn(CLOSE_REASONS)
  @ApiSchema({ description: 'why the order was closed: expired unpaid, or closed by you' })
  closeReason!: CloseReason | null;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['https://mall.example/countypay/notify'] })
  notifyUrl!: string | null;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['https://mall.example/orders/MALL20261129-000123'] })
  returnUrl!: string | null;

  @IsString()
  @ApiSchema({
    description: 'the hosted cashier page of this order (public; send the payer there)',
    examples: ['/v1/acquiring/cashier/t510121/9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'],
  })
  cashierPath!: string;

  @IsISO8601()
  expiresAt!: string;

  @Nullable()
  @IsISO8601()
  paidAt!: string | null;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;

  @IsInt()
  @Min(1)
  version!: number;
}

/** What the cashier needs to let the payer pay with the chosen method. */
export class CashierInstruction {
  @IsIn(['js_bridge', 'redirect', 'qr_code', 'none'])
  @ApiSchema({
    description:
      "js_bridge: call the wallet's JS API with payParams; redirect: open redirectUrl; qr_code: show qrPayload as a QR code; none (county_credit): the order's status is already the result",
  })
  action!: CashierAction;

  @IsOptional()
  @IsObject()
  @ApiSchema({ description: 'wechat_jsapi: the parameters of WeixinJSBridge getBrandWCPayRequest (appId, timeStamp, nonceStr, package, signType, paySign)' })
  payParams?: Record<string, string>;

  @IsOptional()
  @IsString()
  @ApiSchema({
    description: "redirect methods: the wallet's or UnionPay's payment page",
    examples: ['https://sandbox.example/online/checkout/alipay/9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'],
  })
  redirectUrl?: string;

  @IsOptional()
  @IsString()
  @ApiSchema({ description: 'wechat_native: the code_url to show as a QR code', examples: ['weixin://wxpay/bizpayurl?pr=AbCdEf1'] })
  qrPayload?: string;
}

/** The order after the payer chose a method, with what the cashier does next. */
export class AcquiringPayment {
  @ValidateNested()
  @Type(() => AcquiringOrder)
  order!: AcquiringOrder;

  @ValidateNested()
  @Type(() => CashierInstruction)
  next!: CashierInstruction;
}
