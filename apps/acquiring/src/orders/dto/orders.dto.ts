import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsAmountFen, IsInstant, type Fen } from '@countypay/contracts';
import { ApiSchema, PageQuery } from '@countypay/service-kit';
import { ORDER_STATES, type OrderState } from '../../domain/order-state';
import { MAX_EXPIRY_SECONDS, MIN_EXPIRY_SECONDS, ONLINE_METHODS, type OnlineMethod } from '../../domain/payment-methods';

/** validator.js's IsUrl lets some C0 controls through (the fuzzer found one): a URL never has them */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

export const OUT_NO_PATTERN = /^[A-Za-z0-9_\-|*.]{1,64}$/;
export const OUT_NO_MESSAGE = '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .';
export const OUT_TRADE_NO_SCHEMA = { description: 'your order number, unique per app (1-64 of A-Z a-z 0-9 _ - | * .)', examples: ['MALL20261129-000123'] };
const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** One line of the goods details (display and channel detail only). */
export class GoodsLineInput {
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  @ApiSchema({ description: 'your goods id', examples: ['SKU-10086'] })
  goodsId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @ApiSchema({ examples: ['金堂脐橙 5kg'] })
  name!: string;

  @IsInt()
  @Min(1)
  @Max(100_000)
  @ApiSchema({ examples: [2] })
  quantity!: number;

  @IsAmountFen({ allowZero: true })
  @ApiSchema({ description: 'unit price in fen', examples: [6400] })
  priceFen!: Fen;
}

/** An online order: created unpaid; the payer picks the payment method at the cashier (or you call pay). */
export class CreateAcquiringOrderRequest {
  @IsUUID()
  @ApiSchema({ description: 'the merchant taking the payment (active, of your county)', examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema(OUT_TRADE_NO_SCHEMA)
  outTradeNo!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the amount in fen (分); 12800 is ¥128.00', examples: [12800] })
  amountFen!: Fen;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @ApiSchema({ description: 'what is bought, shown to the payer and passed to the channel', examples: ['金堂县农特产商城 订单MALL20261129-000123'] })
  subject!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GoodsLineInput)
  @ApiSchema({ description: 'goods details, 1-50 lines (display only: the order amount is what is charged)' })
  goods?: GoodsLineInput[];

  @IsOptional()
  @IsInt()
  @Min(MIN_EXPIRY_SECONDS)
  @Max(MAX_EXPIRY_SECONDS)
  @ApiSchema({
    description: `how long the order can be paid, ${MIN_EXPIRY_SECONDS}-${MAX_EXPIRY_SECONDS} seconds (1 minute to 15 days; default 1800)`,
    examples: [1800],
  })
  expiresInSeconds?: number;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  @MaxLength(512)
  @ApiSchema({
    description: "kept with the order for your records; payment.* webhooks go to your app's registered callback URLs",
    examples: ['https://mall.example/countypay/notify'],
  })
  notifyUrl?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' })
  @MaxLength(512)
  @ApiSchema({
    description: 'where the cashier sends the payer back after paying (display only: it never makes an order paid)',
    examples: ['https://mall.example/orders/MALL20261129-000123'],
  })
  returnUrl?: string;

  @IsOptional()
  @IsBoolean()
  @ApiSchema({ description: 'the payment is held for profit sharing (分账) instead of going to the merchant directly', examples: [false] })
  profitSharing?: boolean;
}

/** The payer's choice of method (what the cashier sends). */
export class PayAcquiringOrderRequest {
  @IsIn([...ONLINE_METHODS, 'county_credit'])
  @ApiSchema({
    description:
      'wechat_jsapi (inside WeChat), wechat_h5 (other mobile browsers), wechat_native (QR on a desktop), alipay_wap, alipay_page, unionpay_online; ' +
      "county_credit: the customer's county credit line (creditLineId, installments), held and drawn at once",
    examples: ['wechat_h5'],
  })
  method!: OnlineMethod | 'county_credit';

  @ValidateIf((o: PayAcquiringOrderRequest) => o.method === 'county_credit')
  @IsUUID()
  @ApiSchema({
    description: 'county_credit: the credit line your customer holds through your app (from the credit API)',
    examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'],
  })
  creditLineId?: string;

  @ValidateIf((o: PayAcquiringOrderRequest) => o.method === 'county_credit')
  @IsInt()
  @Min(1)
  @Max(36)
  @ApiSchema({ description: "county_credit: the installment plan the customer chose after you showed its schedule and APR (credit's quote)", examples: [3] })
  installments?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ . : -' })
  @ApiSchema({ description: "the payer's id at the wallet (wechat_jsapi: the payer's openid)", examples: ['oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'] })
  payerId?: string;
}

export class ListAcquiringOrdersQuery extends PageQuery {
  @IsOptional()
  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema({ description: 'only the order with this order number', examples: ['MALL20261129-000123'] })
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
  @IsInstant()
  @ApiSchema({ description: 'only orders created at or after this instant', examples: ['2026-11-29T00:00:00+08:00'] })
  createdFrom?: string;

  @IsOptional()
  @IsInstant()
  @ApiSchema({ description: 'only orders created before this instant', examples: ['2026-11-30T00:00:00+08:00'] })
  createdTo?: string;

  @IsOptional()
  @Type(() => Number)
  @IsAmountFen()
  @ApiSchema({ description: 'only orders of at least this amount in fen', examples: [1000] })
  minAmountFen?: number;

  @IsOptional()
  @Type(() => Number)
  @IsAmountFen()
  @ApiSchema({ description: 'only orders of at most this amount in fen', examples: [100000] })
  maxAmountFen?: number;
}
