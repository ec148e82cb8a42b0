import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { MPM_ERROR_CODES, type MpmErrorCode } from '@countypay/emvco';
import { ApiSchema } from '@countypay/service-kit';

/** Any scanned EMVCo merchant-presented payload, to decode and validate. */
export class DecodeQrPayloadRequest {
  @IsString()
  @Length(1, 512)
  @ApiSchema({
    description: 'the scanned text, as the scanner read it',
    examples: ['00020101021126530012cn.countypay0122bxwtPkpbTG2Of5AaKzxNXg0307t5101215204541153031565802CN5909金堂县赵镇便民超市6002成都6304A745'],
  })
  payload!: string;
}

const TAG_PATTERN = /^\d{2}$/;

/** One tag-length-value entry, raw. */
export class QrPayloadTlv {
  @Matches(TAG_PATTERN)
  @ApiSchema({ description: 'two-digit tag', examples: ['15'] })
  tag!: string;

  @IsString()
  @ApiSchema({ examples: ['6228480402564890018'] })
  value!: string;
}

/** A merchant account information template (tags 26-51). */
export class QrPayloadMerchantAccount {
  @Matches(TAG_PATTERN)
  @ApiSchema({ description: 'the template tag, 26-51', examples: ['26'] })
  tag!: string;

  @IsString()
  @ApiSchema({ description: 'sub-tag 00: who the account belongs to (reverse domain name or AID)', examples: ['cn.countypay'] })
  globallyUniqueId!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadTlv)
  subfields!: QrPayloadTlv[];
}

/** Tags 55-57: tip or convenience fee. */
export class QrPayloadTip {
  @IsIn(['prompt_tip', 'fixed_fee', 'percentage_fee'])
  kind!: 'prompt_tip' | 'fixed_fee' | 'percentage_fee';

  @IsOptional()
  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'fixed_fee: the fee in fen', examples: [100] })
  feeFen?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'percentage_fee: the fee in basis points', examples: [150] })
  basisPoints?: number;
}

/** Tag 62: additional data (each 1-25 characters). */
export class QrPayloadAdditionalData {
  @IsOptional() @IsString() @ApiSchema({ examples: ['m8Q2rLw5SdaLr2kC9wpd1w'] }) billNumber?: string;
  @IsOptional() @IsString() mobileNumber?: string;
  @IsOptional() @IsString() storeLabel?: string;
  @IsOptional() @IsString() loyaltyNumber?: string;
  @IsOptional() @IsString() referenceLabel?: string;
  @IsOptional() @IsString() customerLabel?: string;
  @IsOptional() @IsString() terminalLabel?: string;
  @IsOptional() @IsString() purposeOfTransaction?: string;
  @IsOptional() @IsString() additionalConsumerDataRequest?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadTlv)
  otherSubfields?: QrPayloadTlv[];
}

/** Tag 64: the merchant's name (and city) in another language. */
export class QrPayloadLanguage {
  @IsString()
  @ApiSchema({ examples: ['ZH'] })
  languagePreference!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇便民超市'] })
  merchantName!: string;

  @IsOptional()
  @IsString()
  @ApiSchema({ examples: ['成都'] })
  merchantCity?: string;
}

/** A valid payload's fields. */
export class QrPayloadFields {
  @IsIn(['static', 'dynamic'])
  @ApiSchema({ description: 'tag 01: static (reusable, 11) or dynamic (one payment, 12)' })
  pointOfInitiation!: 'static' | 'dynamic';

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadTlv)
  @ApiSchema({ description: 'tags 02-25: card network accounts' })
  networkAccounts?: QrPayloadTlv[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadMerchantAccount)
  merchantAccounts!: QrPayloadMerchantAccount[];

  @Matches(/^\d{4}$/)
  @ApiSchema({ description: 'tag 52: merchant category code (ISO 18245)', examples: ['5411'] })
  merchantCategoryCode!: string;

  @Matches(/^\d{3}$/)
  @ApiSchema({ description: "tag 53: transaction currency, ISO 4217 numeric ('156' is CNY)", examples: ['156'] })
  transactionCurrency!: string;

  @Matches(/^[A-Z]{2}$/)
  @ApiSchema({ description: 'tag 58: country code, ISO 3166-1 alpha-2', examples: ['CN'] })
  countryCode!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @ApiSchema({
    description: "tag 54: the amount in hundredths of the currency's unit — fen for CNY (dynamic codes, fixed-price static ones)",
    examples: [12800],
  })
  amountFen?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => QrPayloadTip)
  tipOrConvenience?: QrPayloadTip;

  @IsString()
  @ApiSchema({ description: 'tag 59', examples: ['金堂县赵镇便民超市'] })
  merchantName!: string;

  @IsString()
  @ApiSchema({ description: 'tag 60', examples: ['成都'] })
  merchantCity!: string;

  @IsOptional()
  @IsString()
  @ApiSchema({ description: 'tag 61', examples: ['610400'] })
  postalCode?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => QrPayloadAdditionalData)
  additionalData?: QrPayloadAdditionalData;

  @IsOptional()
  @ValidateNested()
  @Type(() => QrPayloadLanguage)
  merchantInfoLanguage?: QrPayloadLanguage;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadTlv)
  @ApiSchema({ description: 'tags 65-99, raw' })
  additionalTags?: QrPayloadTlv[];
}

/** One problem of an invalid payload. */
export class QrPayloadProblem {
  @IsIn(MPM_ERROR_CODES)
  @ApiSchema({ examples: ['crc_mismatch'] })
  code!: MpmErrorCode;

  @IsString()
  @ApiSchema({
    examples: [
      "tag 63 (CRC) is 'A744' but the payload up to and including '6304' computes to 'A745' (CRC-16/CCITT-FALSE over its UTF-8 bytes): the payload was altered or mis-encoded",
    ],
  })
  message!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'where in the payload, in characters', examples: [92] })
  offset?: number;

  @IsOptional()
  @Matches(TAG_PATTERN)
  @ApiSchema({ description: 'the top-level tag concerned', examples: ['63'] })
  tag?: string;
}

/** Why this platform cannot pay a valid payload. */
export class QrPayloadNotPayableReason {
  @IsIn(['currency_not_supported', 'country_not_supported'])
  code!: 'currency_not_supported' | 'country_not_supported';

  @IsIn(['53', '58'])
  tag!: '53' | '58';

  @IsString()
  @ApiSchema({ examples: ["this platform pays in CNY (156) only; the payload's currency is 840"] })
  message!: string;
}

/**
 * What a scanned payload says, as two questions: is it a valid EMVCo payload (`valid`: every
 * field when it is, every problem found when not), and can this platform pay it (`payable`, with
 * the reasons when not — e.g. a valid UnionPay code in USD from Cambodia is valid but not payable).
 */
export class DecodedQrPayload {
  @IsBoolean()
  @ApiSchema({ description: 'a well-formed EMVCo merchant-presented payload (tags, lengths, CRC, nested templates)' })
  valid!: boolean;

  @IsBoolean()
  @ApiSchema({ description: 'valid, and in a currency and country this platform pays (CNY, CN); false for any invalid payload' })
  payable!: boolean;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadNotPayableReason)
  @ApiSchema({ description: 'present when valid but not payable here: why' })
  notPayable?: QrPayloadNotPayableReason[];

  @IsOptional()
  @ValidateNested()
  @Type(() => QrPayloadFields)
  @ApiSchema({ description: 'present when valid' })
  fields?: QrPayloadFields;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => QrPayloadProblem)
  @ApiSchema({ description: 'present when not valid: every problem found' })
  errors?: QrPayloadProblem[];
}
