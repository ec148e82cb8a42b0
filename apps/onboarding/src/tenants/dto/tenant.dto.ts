import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import {
  BarcodeLimitConfig,
  FeeRule,
  IsAmountFen,
  type Fen,
  PAYMENT_CHANNELS,
  PAYMENT_PRODUCTS,
  ProfitSharingConfig,
  QuickPayLimitConfig,
  SettlementAccount,
  TenantConfig,
  type PaymentChannel,
  type PaymentProduct,
} from '@countypay/contracts';
import { ApiSchema } from '@countypay/service-kit';
import type { ActivityStatus } from '../../domain/state-machine';

export const TENANT_KINDS = ['rural_commercial_bank', 'rural_credit_union'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

/**
 * A change of a county's configuration: the top-level fields given replace the current ones
 * whole (arrays and `barcodeLimits` included); the others stay. The same fields and rules as
 * the tenant's `config` (TenantConfig), every one optional.
 */
export class UpdateTenantConfigRequest {
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PAYMENT_PRODUCTS, { each: true })
  enabledProducts?: PaymentProduct[];

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PAYMENT_CHANNELS, { each: true })
  enabledChannels?: PaymentChannel[];

  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => FeeRule)
  @ApiSchema({ description: 'the whole fee plan (replaces the current one)' })
  feePlan?: FeeRule[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BarcodeLimitConfig)
  @ApiSchema({ description: 'the PBoC barcode-payment limits the county lowers (replaces the current ones)' })
  barcodeLimits?: BarcodeLimitConfig;

  @IsOptional()
  @IsIn(['T1', 'D0'])
  settlementCycle?: 'T1' | 'D0';

  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be a time HH:mm between 00:00 and 23:59' })
  @ApiSchema({ description: 'daily cut-off, Asia/Shanghai, HH:mm (00:00-23:59)', examples: ['22:00'] })
  cutoffTime?: string;

  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SettlementAccount)
  @ApiSchema({ description: "the county's own settlement accounts (replaces the current ones)" })
  settlementAccounts?: SettlementAccount[];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  @ApiSchema({ description: "D+0 only: basis points of each merchant's net kept back as a reserve", examples: [500] })
  settlementReserveBp?: number;

  @IsOptional()
  @IsAmountFen({ allowZero: true })
  @ApiSchema({ description: "a settlement batch paying out more than this (fen) needs a second county operator's approval", examples: [50_000_000] })
  settlementApprovalThresholdFen?: Fen;

  @IsOptional()
  @IsIn(['kept', 'returned_pro_rata'])
  @ApiSchema({ description: 'on a refund the fee is kept by the county or returned to the merchant pro rata' })
  refundFeePolicy?: 'kept' | 'returned_pro_rata';

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuickPayLimitConfig)
  @ApiSchema({
    description:
      'card quick-pay daily limits per card in fen by verification strength: twoFactorFen (at most 500000), singleFactorFen (at most 100000), certificateTwoFactorFen (by agreement); replaces the current ones whole',
  })
  quickPayLimits?: QuickPayLimitConfig;

  @IsOptional()
  @IsBoolean()
  @ApiSchema({
    description:
      "card quick pay may be confirmed with the payer's 6-digit payment password (set per card agreement, SMS-confirmed) instead of an SMS code; default false",
  })
  quickPayPassword?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProfitSharingConfig)
  @ApiSchema({
    description:
      'profit sharing (分账): receiverCapBp (default 3000), maxHoldDays (default 30), reverseWindowDays (default 180); replaces the current ones whole',
  })
  profitSharing?: ProfitSharingConfig;

  @IsOptional()
  @Matches(/^\d{2}$/)
  @ApiSchema({ description: "the county bank's own payer-code prefix (2 digits), for POS routing", examples: ['88'] })
  countyBankPayerCodePrefix?: string;
}

/** A county legal entity (a rural commercial bank or credit union) and its configuration. */
export class Tenant {
  @Matches(/^t\d{6}$/)
  @ApiSchema({ description: "`t` + the county's GB/T 2260 division code", examples: ['t510121'] })
  tenantId!: string;

  @Matches(/^\d{6}$/)
  @ApiSchema({ description: 'the GB/T 2260 division code of the county', examples: ['510121'] })
  code!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂农村商业银行股份有限公司'] })
  name!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂农商银行'] })
  shortName!: string;

  @IsString()
  @ApiSchema({ examples: ['Jintang Rural Commercial Bank'] })
  nameEn!: string;

  @IsIn(TENANT_KINDS)
  kind!: TenantKind;

  @IsString()
  @ApiSchema({ examples: ['金堂县'] })
  county!: string;

  @IsString()
  @ApiSchema({ examples: ['成都市'] })
  prefecture!: string;

  @Matches(/^\d{6}$/)
  @ApiSchema({ examples: ['510100'] })
  prefectureCode!: string;

  @IsString()
  @ApiSchema({ examples: ['四川省'] })
  province!: string;

  @IsString()
  @ApiSchema({ examples: ['Asia/Shanghai'] })
  timezone!: string;

  @IsIn(['active', 'suspended'])
  @ApiSchema({ description: "a suspended county's partners and operators cannot change anything in it" })
  status!: ActivityStatus;

  @ValidateNested()
  @Type(() => TenantConfig)
  @ApiSchema({ description: 'the effective configuration (the default one until the province changes it)' })
  config!: TenantConfig;

  @IsBoolean()
  @ApiSchema({ description: 'true while the county has never been configured (the default config applies)' })
  defaultConfig!: boolean;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'increases with every change' })
  version!: number;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}

/** Internal (gateway): is the county open for business? */
export interface TenantStatus {
  tenantId: string;
  status: ActivityStatus;
  version: number;
}
