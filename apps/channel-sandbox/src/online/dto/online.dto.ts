import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ONLINE_METHODS, type OnlineMethod } from '../online-methods';

const TENANT = { message: 'tenantId must be t followed by six digits' };

/** 统一下单: a prepay order for an online method (WeChat JSAPI/H5/Native, Alipay wap/page, UnionPay online). */
export class CreateOnlineOrderDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsUUID()
  orderId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  merchantId!: string;

  @IsAmountFen()
  amountFen!: Fen;

  @IsIn(ONLINE_METHODS)
  method!: OnlineMethod;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  notifyUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  description?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'payerId must be 1 to 64 letters, digits or _.:-' })
  payerId?: string;

  @IsOptional()
  @IsISO8601()
  expiresAt?: string;
}

/** What the simulated payer does on the wallet's (or UnionPay's) page. */
export class PayerActionDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsIn(['pay', 'decline'])
  action!: 'pay' | 'decline';

  @IsOptional()
  @IsIn(['insufficient_funds', 'card_frozen', 'risk_rejected'])
  reason?: 'insufficient_funds' | 'card_frozen' | 'risk_rejected';

  /** false: the channel's notification is lost (the platform finds the outcome by querying, 补单) */
  @IsOptional()
  @IsBoolean()
  notify?: boolean;
}

export class OnlineRefundDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsUUID()
  orderId!: string;

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'refundId must be 1 to 64 letters, digits or _.:-' })
  refundId!: string;

  @IsAmountFen()
  amountFen!: Fen;
}

export class TenantQuery {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;
}

/** The payer pays on a page opened before the platform closed the order. */
export class PayAfterCloseDto extends TenantQuery {
  /**
   * false: the channel's notification of this late success is lost — the platform learns of it only
   * from the channel's statement (reconciliation's late success, 对账长款/状态不符)
   */
  @IsOptional()
  @IsBoolean()
  notify?: boolean;
}

export class CheckoutQuery extends TenantQuery {
  @IsOptional()
  @IsIn(ONLINE_METHODS)
  method?: OnlineMethod;
}
