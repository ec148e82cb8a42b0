import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { MERCHANT_STATUSES, type MerchantStatus } from '../../domain/merchant-status';

export class SettlementAccountDto {
  /** a bank card / account number (12–19 digits, Luhn) */
  @MaxLength(40)
  @IsString()
  accountNo!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  accountName!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  bankName!: string;
}

export class CreateMerchantDto {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  legalName!: string;

  @MaxLength(40)
  @IsString()
  uscc!: string;

  @MinLength(1)
  @MaxLength(50)
  @IsString()
  legalRepName!: string;

  @MaxLength(40)
  @IsString()
  legalRepIdNumber!: string;

  @MaxLength(40)
  @IsString()
  phone!: string;

  @Matches(/^\d{4}$/, { message: 'mcc must be 4 digits' })
  mcc!: string;

  @MinLength(1)
  @MaxLength(200)
  @IsString()
  address!: string;

  @MinLength(1)
  @MaxLength(40)
  @IsString()
  city!: string;

  @ValidateNested()
  @Type(() => SettlementAccountDto)
  @IsObject()
  settlementAccount!: SettlementAccountDto;
}

export class UpdateMerchantDto {
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  legalName?: string;

  @IsOptional()
  @MaxLength(40)
  @IsString()
  phone?: string;

  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'mcc must be 4 digits' })
  mcc?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  address?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(40)
  @IsString()
  city?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SettlementAccountDto)
  @IsObject()
  settlementAccount?: SettlementAccountDto;
}

export class MerchantListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(MERCHANT_STATUSES)
  status?: MerchantStatus;
}

export class ReviewDto {
  /** recorded with reject, suspend and close */
  @IsOptional()
  @MaxLength(500)
  @IsString()
  reason?: string;
}

export class CreateStoreDto {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  name!: string;
}

export class CreateTerminalDto {
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'serialNo must be 1 to 40 letters, digits, _ or -' })
  serialNo!: string;
}
