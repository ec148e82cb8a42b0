import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { ORDER_STATES, type OrderState } from '../domain/order-state';
import { ONLINE_METHODS, ORDER_METHODS, type CashierAction, type OnlineMethod, type OrderMethod } from '../domain/payment-methods';

/** What the hosted cashier shows the payer (no partner details: the order id is the only capability). */
export class CashierView {
  @IsUUID()
  orderId!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂县农特产商城有限公司'] })
  merchantName!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂脐橙 5kg ×2'] })
  subject!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ examples: [12800] })
  amountFen!: number;

  @IsIn(ORDER_STATES)
  status!: OrderState;

  @IsISO8601()
  expiresAt!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'seconds left to pay', examples: [1740] })
  remainingSeconds!: number;

  @IsIn(ORDER_METHODS, { each: true })
  @ApiSchema({
    description:
      "the methods the county enabled, in the form that works in the payer's browser; card_quickpay and county_credit run through the cashier's own card and credit steps",
  })
  methods!: OrderMethod[];

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the partner's page to go back to (display only)" })
  returnUrl!: string | null;
}

export class CashierPayRequest {
  @IsIn(ONLINE_METHODS)
  @ApiSchema({ examples: ['alipay_wap'] })
  method!: OnlineMethod;
}

/** The payer chose a method: what the page does next. */
export class CashierPayment {
  @IsIn(ORDER_STATES)
  status!: OrderState;

  @IsIn(['js_bridge', 'redirect', 'qr_code'])
  action!: CashierAction;

  @IsOptional()
  @IsString()
  redirectUrl?: string;

  @IsOptional()
  @IsString()
  qrPayload?: string;

  @IsOptional()
  @IsString()
  @ApiSchema({ description: 'wechat_jsapi: the getBrandWCPayRequest parameters as JSON' })
  payParamsJson?: string;
}

export class CashierQuery {
  @IsOptional()
  @IsIn(['zh', 'en'])
  @ApiSchema({ description: 'page language: zh (default) or en', examples: ['en'] })
  lang?: 'zh' | 'en';
}
