import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';

const TENANT = { message: 'tenantId must be t followed by six digits' };

export class CardHolderDto {
  @Matches(/^\d{16,19}$/, { message: 'cardNo must be 16 to 19 digits' })
  cardNo!: string;

  @Matches(/^\d{17}[\dX]$/, { message: 'idNumber must be 18 characters' })
  idNumber!: string;

  @Matches(/^1[3-9]\d{9}$/, { message: 'mobile must be a mainland mobile number' })
  mobile!: string;
}

export class VerifyCardDto extends CardHolderDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  holderName!: string;
}

export class SendSmsDto {
  @Matches(/^1[3-9]\d{9}$/, { message: 'mobile must be a mainland mobile number' })
  mobile!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  text!: string;
}

export class SmsQueryDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @Matches(/^1[3-9]\d{9}$/, { message: 'mobile must be a mainland mobile number' })
  mobile!: string;
}

export class QuickPayDto {
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

  @Matches(/^\d{16,19}$/, { message: 'cardNo must be 16 to 19 digits' })
  cardNo!: string;

  /** the agreement (协议号) the payment is made on: the bank refuses a revoked or unknown one */
  @IsOptional()
  @IsUUID()
  agreementId?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  notifyUrl?: string;
}

/** 签约: the platform registers the agreement it confirmed with the payer. */
export class SignAgreementDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsUUID()
  agreementId!: string;

  @Matches(/^\d{16,19}$/, { message: 'cardNo must be 16 to 19 digits' })
  cardNo!: string;
}

export class TenantBodyDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;
}

export const REVOKE_SCENARIOS = ['timeout_before_revoke', 'timeout_after_revoke'] as const;
export type RevokeScenario = (typeof REVOKE_SCENARIOS)[number];

export class RevokeScenarioDto {
  @IsIn(REVOKE_SCENARIOS)
  scenario!: RevokeScenario;
}
