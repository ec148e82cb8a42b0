import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsAmountFen, type Fen } from '../../money';
import { PAYMENT_CHANNELS, PAYMENT_PRODUCTS, type PaymentChannel, type PaymentProduct } from '../payment/payment.events';

/** A fee rule: basis points of the amount, at least `minFeeFen` (rounding: see @countypay/money). */
export class FeeRule {
  @IsIn(PAYMENT_PRODUCTS)
  product!: PaymentProduct;

  /** a channel, or `*` for every channel of the product */
  @IsIn([...PAYMENT_CHANNELS, '*'])
  channel!: PaymentChannel | '*';

  @IsInt({ message: '$property must be an integer number of basis points' })
  @Min(0)
  @Max(10_000)
  rateBp!: number;

  @IsAmountFen({ allowZero: true })
  minFeeFen!: Fen;
}

/** Tenant overrides of the PBoC barcode-payment limits (lower only; see qr-payment domain). */
export class BarcodeLimitConfig {
  @IsOptional()
  @IsAmountFen()
  staticFen?: Fen;

  @IsOptional()
  @IsAmountFen()
  dynamicLevelCFen?: Fen;

  @IsOptional()
  @IsAmountFen()
  dynamicLevelBFen?: Fen;

  /** level A is by agreement: absent means the level B limit applies */
  @IsOptional()
  @IsAmountFen()
  dynamicLevelAFen?: Fen;
}

export class SettlementAccount {
  @IsIn(['merchant_settlement', 'fee_income', 'clearing'])
  purpose!: 'merchant_settlement' | 'fee_income' | 'clearing';

  @Matches(/^\d{8,32}$/, { message: '$property must be 8 to 32 digits' })
  @JSONSchema({ examples: ['51050142610800000123'] })
  accountNo!: string;

  @IsString()
  @MaxLength(100)
  accountName!: string;

  @IsString()
  @MaxLength(100)
  bankName!: string;
}

/**
 * A county's daily card quick-pay limits per payer per card by verification strength (PBoC 2015
 * No. 43 style). A county may lower the platform's (two factors ¥5,000, fewer ¥1,000), never
 * raise them; two factors including a digital certificate are by agreement (absent: no platform limit).
 */
export class QuickPayLimitConfig {
  @IsOptional()
  @IsAmountFen()
  certificateTwoFactorFen?: Fen;

  @IsOptional()
  @IsAmountFen()
  twoFactorFen?: Fen;

  @IsOptional()
  @IsAmountFen()
  singleFactorFen?: Fen;
}

/** Profit sharing (分账) rules of a county; every field has a default. */
export class ProfitSharingConfig {
  /** at most this share of an order (basis points of its amount) goes to receivers other than the order's merchant (default 3000 = 30%) */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  receiverCapBp?: number;

  /** the escrow of an order is released to its merchant this many days after payment at the latest (default 30) */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(180)
  maxHoldDays?: number;

  /** a refund reverses splits (分账回退) made within this many days (default 180) */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  reverseWindowDays?: number;
}

export class TenantConfig {
  @IsArray()
  @ArrayUnique()
  @IsIn(PAYMENT_PRODUCTS, { each: true })
  enabledProducts!: PaymentProduct[];

  @IsArray()
  @ArrayUnique()
  @IsIn(PAYMENT_CHANNELS, { each: true })
  enabledChannels!: PaymentChannel[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FeeRule)
  feePlan!: FeeRule[];

  @ValidateNested()
  @Type(() => BarcodeLimitConfig)
  barcodeLimits!: BarcodeLimitConfig;

  @IsIn(['T1', 'D0'])
  settlementCycle!: 'T1' | 'D0';

  /** daily cut-off, Asia/Shanghai, HH:mm (00:00–23:59) */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be a time HH:mm between 00:00 and 23:59' })
  @JSONSchema({ description: 'daily cut-off, Asia/Shanghai, HH:mm (00:00-23:59)', examples: ['23:00'] })
  cutoffTime!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SettlementAccount)
  settlementAccounts!: SettlementAccount[];

  /** D+0 only: basis points of each merchant's net kept back as a reserve (default 0) */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  settlementReserveBp?: number;

  /** a settlement batch paying out more than this needs a second county operator's approval (default 500,000.00 yuan) */
  @IsOptional()
  @IsAmountFen({ allowZero: true })
  settlementApprovalThresholdFen?: Fen;

  /** on a refund the fee is kept by the county (default) or returned to the merchant pro rata */
  @IsOptional()
  @IsIn(['kept', 'returned_pro_rata'])
  refundFeePolicy?: 'kept' | 'returned_pro_rata';

  /** card quick-pay daily limits by verification strength (lower than the platform's only) */
  @IsOptional()
  @ValidateNested()
  @Type(() => QuickPayLimitConfig)
  quickPayLimits?: QuickPayLimitConfig;

  /** card quick pay may be confirmed with the payer's 6-digit payment password instead of an SMS code (default off) */
  @IsOptional()
  @IsBoolean()
  quickPayPassword?: boolean;

  /** profit sharing: receiver cap, maximum hold, reversal window (defaults when absent) */
  @IsOptional()
  @ValidateNested()
  @Type(() => ProfitSharingConfig)
  profitSharing?: ProfitSharingConfig;

  /** the county bank's own payer-code prefix (2 digits) and length, for POS routing */
  @IsOptional()
  @Matches(/^\d{2}$/)
  @JSONSchema({ description: "the county bank's own payer-code prefix (2 digits), for POS routing", examples: ['88'] })
  countyBankPayerCodePrefix?: string;
}

/** The configuration a newly seeded county starts with (the province may change it). */
export function defaultTenantConfig(): TenantConfig {
  return Object.assign(new TenantConfig(), {
    enabledProducts: ['qr', 'acquiring', 'credit'],
    enabledChannels: ['wechat', 'alipay', 'unionpay', 'county_bank'],
    feePlan: [
      Object.assign(new FeeRule(), { product: 'qr', channel: '*', rateBp: 38, minFeeFen: 1 }),
      Object.assign(new FeeRule(), { product: 'qr', channel: 'county_bank', rateBp: 20, minFeeFen: 0 }),
      Object.assign(new FeeRule(), { product: 'acquiring', channel: '*', rateBp: 55, minFeeFen: 1 }),
      Object.assign(new FeeRule(), { product: 'credit', channel: '*', rateBp: 60, minFeeFen: 1 }),
    ],
    barcodeLimits: new BarcodeLimitConfig(),
    settlementCycle: 'T1',
    cutoffTime: '23:00',
    settlementAccounts: [],
    countyBankPayerCodePrefix: '88',
  });
}
