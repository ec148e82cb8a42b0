import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { SETTLEMENT_ACCOUNT_TYPES, type SettlementAccountType } from '../../domain/merchant-kyc';
import { MERCHANT_STATUSES, type MerchantStatus } from '../../domain/merchant-status';

const SERIAL_NO = /^[A-Za-z0-9_-]{1,40}$/;
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}[1-8]\d{5}[0-9A-HJ-NPQRTUWXY]{10}$/;

const ACCOUNT_TYPE_RULE =
  '`debit_card`: a bank card (借记卡) — 16 to 19 digits with a valid check digit (Luhn) and a bank card BIN (first digit 4, 5, 6 or 9). ' +
  '`corporate_account`: a bank account of the business itself (对公账户) — 8 to 32 digits, no check digit. ' +
  'A company (USCC 91…) normally settles to a corporate account in its own name; an individual business (个体工商户, USCC 92…) often to its operator’s debit card.';

/** Where the merchant's money is paid out: the account type decides how the number is checked. */
export class MerchantSettlementAccountInput {
  @IsIn(SETTLEMENT_ACCOUNT_TYPES)
  @ApiSchema({ description: `what the account is. ${ACCOUNT_TYPE_RULE}`, examples: ['corporate_account'] })
  accountType!: SettlementAccountType;

  @MaxLength(40)
  @IsString()
  @ApiSchema({
    description:
      'the card number (debit_card) or account number (corporate_account); spaces are ignored. A number that breaks its type’s rules is 400 invalid_bank_account, the message naming the rule.',
    examples: ['51050142610800000123'],
  })
  accountNo!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ description: 'the account holder’s name', examples: ['金堂县城关便民超市有限公司'] })
  accountName!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['金堂农商银行'] })
  bankName!: string;
}

export class CreateMerchantRequest {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['金堂县城关便民超市有限公司'] })
  legalName!: string;

  @MaxLength(40)
  @IsString()
  @ApiSchema({ description: 'the unified social credit code (GB 32100, 18 characters; lower case accepted)', examples: ['91510121MA6CJ8XK1K'] })
  uscc!: string;

  @MinLength(1)
  @MaxLength(50)
  @IsString()
  @ApiSchema({ description: 'the legal representative’s name', examples: ['欧阳明华'] })
  legalRepName!: string;

  @MaxLength(40)
  @IsString()
  @ApiSchema({ description: 'the legal representative’s resident ID number (GB 11643, 18 characters)', examples: ['510121198803150015'] })
  legalRepIdNumber!: string;

  @MaxLength(40)
  @IsString()
  @ApiSchema({ description: 'a mainland mobile number (`+86`, spaces and dashes accepted)', examples: ['13800138000'] })
  phone!: string;

  @Matches(/^\d{4}$/, { message: 'mcc must be 4 digits' })
  @ApiSchema({ description: 'merchant category code', examples: ['5411'] })
  mcc!: string;

  @MinLength(1)
  @MaxLength(200)
  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇十里大道1号'] })
  address!: string;

  @MinLength(1)
  @MaxLength(40)
  @IsString()
  @ApiSchema({ examples: ['成都'] })
  city!: string;

  @ValidateNested()
  @Type(() => MerchantSettlementAccountInput)
  @IsObject()
  @ApiSchema({ description: `where the merchant is paid. ${ACCOUNT_TYPE_RULE}` })
  settlementAccount!: MerchantSettlementAccountInput;
}

/** The fields given replace the current ones; a settlement account is replaced whole. */
export class UpdateMerchantRequest {
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['金堂县城关便民超市有限公司'] })
  legalName?: string;

  @IsOptional()
  @MaxLength(40)
  @IsString()
  @ApiSchema({ description: 'a mainland mobile number (`+86`, spaces and dashes accepted)', examples: ['13800138000'] })
  phone?: string;

  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'mcc must be 4 digits' })
  @ApiSchema({ description: 'merchant category code', examples: ['5411'] })
  mcc?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇十里大道1号'] })
  address?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(40)
  @IsString()
  @ApiSchema({ examples: ['金堂'] })
  city?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => MerchantSettlementAccountInput)
  @IsObject()
  @ApiSchema({ description: `the new settlement account, whole. ${ACCOUNT_TYPE_RULE}` })
  settlementAccount?: MerchantSettlementAccountInput;
}

/** `GET /v1/merchants`: newest first. */
export class ListMerchantsQuery extends PageQuery {
  @IsOptional()
  @IsIn(MERCHANT_STATUSES)
  @ApiSchema({ description: 'only merchants in this status' })
  status?: MerchantStatus;
}

export class MerchantReviewRequest {
  @IsOptional()
  @MaxLength(500)
  @IsString()
  @ApiSchema({ description: 'why (recorded as the merchant’s statusReason on reject, suspend and close)', examples: ['营业执照已核验'] })
  reason?: string;
}

export class CreateStoreRequest {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['城关店'] })
  name!: string;
}

export class CreateTerminalRequest {
  @Matches(SERIAL_NO, { message: 'serialNo must be 1 to 40 letters, digits, _ or -' })
  @ApiSchema({ description: "the POS terminal's serial number, unique in the county", examples: ['SN-5101210001'] })
  serialNo!: string;
}

/** A merchant's settlement account as answers show it: the number and holder masked. */
export class MerchantSettlementAccount {
  @IsIn(SETTLEMENT_ACCOUNT_TYPES)
  accountType!: SettlementAccountType;

  @IsString()
  @ApiSchema({ description: 'masked: the first 6 and last 4 digits of a number of 12 digits or more, else the last 4', examples: ['510501**********0123'] })
  accountNo!: string;

  @IsString()
  @ApiSchema({ description: 'masked', examples: ['金************'] })
  accountName!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂农商银行'] })
  bankName!: string;
}

/** A POS terminal of a store. */
export class Terminal {
  @IsUUID()
  terminalId!: string;

  @IsUUID()
  storeId!: string;

  @IsUUID()
  merchantId!: string;

  @Matches(SERIAL_NO)
  @ApiSchema({ examples: ['SN-5101210001'] })
  serialNo!: string;

  @IsIn(['active', 'disabled'])
  status!: 'active' | 'disabled';

  @IsISO8601()
  createdAt!: string;
}

/** A store of a merchant, with its POS terminals. */
export class Store {
  @IsUUID()
  storeId!: string;

  @IsUUID()
  merchantId!: string;

  @Matches(/^t\d{6}$/)
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;

  @IsString()
  @ApiSchema({ examples: ['城关店'] })
  name!: string;

  @IsIn(['active', 'disabled'])
  status!: 'active' | 'disabled';

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Terminal)
  terminals!: Terminal[];

  @IsISO8601()
  createdAt!: string;
}

/** A merchant as the API shows it: personal data masked, never in clear. */
export class Merchant {
  @IsUUID()
  merchantId!: string;

  @Matches(/^t\d{6}$/)
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the partner whose app registered the merchant; null when an operator did' })
  partnerId!: string | null;

  @IsString()
  @ApiSchema({ examples: ['金堂县城关便民超市有限公司'] })
  legalName!: string;

  @Matches(USCC)
  @ApiSchema({ description: 'the unified social credit code (upper case)', examples: ['91510121MA6CJ8XK1K'] })
  uscc!: string;

  @IsString()
  @ApiSchema({ description: 'masked', examples: ['欧阳**'] })
  legalRepName!: string;

  @IsString()
  @ApiSchema({ description: 'masked: the first 3 and last 4 characters', examples: ['510***********0015'] })
  legalRepIdNumber!: string;

  @IsString()
  @ApiSchema({ description: 'masked: the first 3 and last 4 digits', examples: ['138****8000'] })
  phone!: string;

  @Matches(/^\d{4}$/)
  @ApiSchema({ examples: ['5411'] })
  mcc!: string;

  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇十里大道1号'] })
  address!: string;

  @IsString()
  @ApiSchema({ examples: ['成都'] })
  city!: string;

  @ValidateNested()
  @Type(() => MerchantSettlementAccount)
  settlementAccount!: MerchantSettlementAccount;

  @IsIn(MERCHANT_STATUSES)
  @ApiSchema({
    description: 'pending_review → active (approved) or rejected; active ⇄ suspended; active or suspended → closed. Only active merchants take payments.',
  })
  status!: MerchantStatus;

  @Nullable()
  @IsString()
  @ApiSchema({ description: 'why it was rejected, suspended or closed' })
  statusReason!: string | null;

  @IsIn(['low', 'medium', 'high'])
  riskLevel!: 'low' | 'medium' | 'high';

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Store)
  @ApiSchema({ description: 'the stores with their terminals: in answers about one merchant, absent from lists' })
  stores?: Store[];

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'increases with every change (of the merchant, its stores or terminals)' })
  version!: number;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}
