import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../../envelope';
import { PAYMENT_PRODUCTS, type PaymentProduct } from '../payment/payment.events';
import { TenantConfig } from './tenant-config';

/** Every onboarding event carries the full current state and a version: consumers keep the highest. */

export class TenantUpdatedData {
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsString()
  name!: string;

  @IsIn(['active', 'suspended'])
  status!: 'active' | 'suspended';

  @ValidateNested()
  @Type(() => TenantConfig)
  config!: TenantConfig;

  @IsInt()
  @Min(1)
  version!: number;
}

export const PARTNER_KINDS = [
  'ecommerce_platform',
  'industry_medical',
  'industry_education',
  'industry_social_security',
  'industry_transport',
  'industry_government',
  'county_market',
  'regional_platform',
  'county_bank_app',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export class PartnerUpdatedData {
  @IsUUID()
  partnerId!: string;

  @IsString()
  @MaxLength(100)
  name!: string;

  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @IsIn(['active', 'suspended'])
  status!: 'active' | 'suspended';

  @IsInt()
  @Min(1)
  version!: number;
}

export const SIGNATURE_ALGS = ['HMAC-SHA256', 'SM2-SM3', 'RSA-SHA256'] as const;
export type SignatureAlg = (typeof SIGNATURE_ALGS)[number];

/**
 * A credential of a partner app. An HMAC secret travels only encrypted with the platform's
 * credential key (FieldCipher, shared by onboarding and the gateway); public keys travel as is.
 */
export class AppCredential {
  @IsUUID()
  credentialId!: string;

  @IsIn(SIGNATURE_ALGS)
  alg!: SignatureAlg;

  @IsOptional()
  @IsString()
  secretCiphertext?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  publicKey?: string;

  /** `retiring` credentials stay valid until notAfter (rotation grace period) */
  @IsIn(['active', 'retiring'])
  status!: 'active' | 'retiring';

  @IsOptional()
  @IsISO8601({ strict: true })
  notAfter?: string;
}

export const APP_SCOPES = [...PAYMENT_PRODUCTS.map((p) => `${p}:pay` as const), 'merchants:read', 'merchants:write', 'refunds:write'] as const;
export type AppScope = (typeof APP_SCOPES)[number] | `${PaymentProduct}:pay`;

export class AppUpdatedData {
  /** the public app id (`app_…`) */
  @Matches(/^app_[0-9a-z]{20}$/)
  appId!: string;

  @IsUUID()
  partnerId!: string;

  @IsString()
  @MaxLength(100)
  name!: string;

  @IsIn(['active', 'suspended'])
  status!: 'active' | 'suspended';

  @IsArray()
  @IsIn(APP_SCOPES, { each: true })
  scopes!: AppScope[];

  @IsArray()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { each: true })
  callbackUrls!: string[];

  /** empty: any source address */
  @IsArray()
  @IsString({ each: true })
  ipAllowlist!: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AppCredential)
  credentials!: AppCredential[];

  /** the Standard Webhooks secret, encrypted with the credential key */
  @IsString()
  webhookSecretCiphertext!: string;

  @IsInt()
  @Min(1)
  version!: number;
}

export const MERCHANT_STATUSES = ['pending_review', 'active', 'suspended', 'closed'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

export class TerminalRef {
  @IsUUID()
  terminalId!: string;

  @IsString()
  @MaxLength(40)
  serialNo!: string;

  @IsIn(['active', 'disabled'])
  status!: 'active' | 'disabled';
}

export class StoreRef {
  @IsUUID()
  storeId!: string;

  @IsString()
  @MaxLength(100)
  name!: string;

  @IsIn(['active', 'disabled'])
  status!: 'active' | 'disabled';

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TerminalRef)
  terminals!: TerminalRef[];
}

/** No personal data: the legal representative's details and account numbers stay in onboarding. */
export class MerchantUpdatedData {
  @IsUUID()
  merchantId!: string;

  @IsString()
  @MaxLength(100)
  legalName!: string;

  @Matches(/^\d{4}$/)
  mcc!: string;

  @IsOptional()
  @IsUUID()
  partnerId?: string;

  @IsIn(MERCHANT_STATUSES)
  status!: MerchantStatus;

  @IsIn(['low', 'medium', 'high'])
  riskLevel!: 'low' | 'medium' | 'high';

  @IsString()
  @MaxLength(40)
  city!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StoreRef)
  stores!: StoreRef[];

  @IsInt()
  @Min(1)
  version!: number;
}

export const TenantUpdatedV1 = defineEvent({ type: 'onboarding.tenant-updated', version: 1, dataClass: TenantUpdatedData, key: (d) => d.tenantId });
export const PartnerUpdatedV1 = defineEvent({ type: 'onboarding.partner-updated', version: 1, dataClass: PartnerUpdatedData, key: (d) => d.partnerId });
export const AppUpdatedV1 = defineEvent({ type: 'onboarding.app-updated', version: 1, dataClass: AppUpdatedData, key: (d) => d.appId });
export const MerchantUpdatedV1 = defineEvent({ type: 'onboarding.merchant-updated', version: 1, dataClass: MerchantUpdatedData, key: (d) => d.merchantId });
