import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { defineEvent } from '../../envelope';
import { IsAmountFen, type Fen } from '../../money';

export const PAYMENT_PRODUCTS = ['qr', 'acquiring', 'credit'] as const;
export type PaymentProduct = (typeof PAYMENT_PRODUCTS)[number];

/**
 * `county_credit`: the payer's credit line at the county bank (a hold when the payment is confirmed,
 * a drawdown when it succeeds) — a method of the county bank's own app, not an external channel.
 */
export const PAYMENT_CHANNELS = ['wechat', 'alipay', 'unionpay', 'county_bank', 'county_credit'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

/** The channels that are external systems with a daily statement to reconcile (not the county's own credit lines). */
export const RECONCILED_CHANNELS = ['wechat', 'alipay', 'unionpay', 'county_bank'] as const satisfies readonly PaymentChannel[];

/** What every payment and refund event says about the money's order, merchant and route. */
export class OrderMoneyRef {
  @IsUUID()
  orderId!: string;

  @IsUUID()
  merchantId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsIn(PAYMENT_PRODUCTS)
  product!: PaymentProduct;

  @IsAmountFen()
  amountFen!: Fen;

  @Matches(/^CNY$/)
  currency!: 'CNY';
}

/** What every payment event of a paid (or attempted) order says about it. */
export class PaymentRef extends OrderMoneyRef {
  /** the partner's own order number */
  @IsString()
  @MaxLength(64)
  outTradeNo!: string;

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;
}

export class PaymentSucceededData extends PaymentRef {
  /** the channel's own transaction number (for reconciliation) */
  @IsString()
  @MaxLength(64)
  channelTradeNo!: string;

  @IsISO8601({ strict: true })
  paidAt!: string;

  /**
   * Profit sharing (分账): the merchant's net is held in escrow (the ledger's pending account)
   * until the partner splits or finishes it. Absent (older producers) means false.
   */
  @IsOptional()
  @IsBoolean()
  escrow?: boolean;
}

export class PaymentFailedData extends PaymentRef {
  /** stable reason code, e.g. insufficient_funds, card_frozen, risk_rejected, channel_timeout */
  @Matches(/^[a-z_]+$/)
  reason!: string;

  @IsISO8601({ strict: true })
  failedAt!: string;
}

/** An order closed unpaid: expired or closed before any wallet was chosen has no channel. */
export class PaymentClosedData extends OrderMoneyRef {
  @IsString()
  @MaxLength(64)
  outTradeNo!: string;

  @IsOptional()
  @IsIn(PAYMENT_CHANNELS)
  channel?: PaymentChannel;

  @IsIn(['expired', 'closed_by_partner', 'reversed'])
  reason!: 'expired' | 'closed_by_partner' | 'reversed';

  @IsISO8601({ strict: true })
  closedAt!: string;
}

export class RefundData extends OrderMoneyRef {
  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsUUID()
  refundId!: string;

  /** the partner's refund number, unique per order */
  @IsString()
  @MaxLength(64)
  outRefundNo!: string;

  @IsISO8601({ strict: true })
  at!: string;

  @IsOptional()
  @Matches(/^[a-z_]+$/)
  reason?: string;

  /**
   * Profit sharing: the part of the refund taken from the order's escrow (the rest from the
   * merchant's payable). Absent (older producers, unshared orders) means 0.
   */
  @IsOptional()
  @IsAmountFen({ allowZero: true })
  escrowFen?: Fen;
}

export const PaymentSucceededV1 = defineEvent({ type: 'payment.succeeded', version: 1, dataClass: PaymentSucceededData, key: (d) => d.orderId });
export const PaymentFailedV1 = defineEvent({ type: 'payment.failed', version: 1, dataClass: PaymentFailedData, key: (d) => d.orderId });
export const PaymentClosedV1 = defineEvent({ type: 'payment.closed', version: 1, dataClass: PaymentClosedData, key: (d) => d.orderId });
export const RefundSucceededV1 = defineEvent({ type: 'refund.succeeded', version: 1, dataClass: RefundData, key: (d) => d.orderId });
export const RefundFailedV1 = defineEvent({ type: 'refund.failed', version: 1, dataClass: RefundData, key: (d) => d.orderId });
