import { IsIn, IsISO8601, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';
import { VERIFICATION_STRENGTHS, type VerificationStrength } from '../../domain/quickpay-limits';

/** 绑卡: the card and its holder as the county bank knows them. Never send CVV2, PIN or track data. */
export class BindCardRequest {
  @Matches(/^\d{16,19}$/, { message: '$property must be 16 to 19 digits' })
  @ApiSchema({ description: "the payer's debit card number (stored encrypted, shown as BIN + last 4 only)", examples: ['6228480402564890018'] })
  cardNo!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(60)
  @ApiSchema({ description: "the card holder's name", examples: ['李四'] })
  holderName!: string;

  @Matches(/^\d{17}[\dX]$/, { message: '$property must be an 18-character resident ID number' })
  @ApiSchema({ description: "the holder's resident ID number (checked by the bank, not stored)", examples: ['11010519491231002X'] })
  idNumber!: string;

  @Matches(/^1[3-9]\d{9}$/, { message: '$property must be a mainland mobile number' })
  @ApiSchema({ description: 'the mobile number reserved at the bank: the SMS code goes there', examples: ['13800138000'] })
  mobile!: string;
}

export class SmsCodeRequest {
  @Matches(/^\d{6}$/, { message: '$property must be 6 digits' })
  @ApiSchema({ description: 'the 6-digit code the payer received by SMS', examples: ['123456'] })
  smsCode!: string;
}

export class QuickPaySmsRequest {
  @IsUUID()
  @ApiSchema({ description: 'the card agreement (from binding)', examples: ['5d1f0e9b-8a7c-4b2e-9c1a-4f3d4e8ba6c5'] })
  agreementId!: string;
}

export class QuickPayConfirmRequest extends SmsCodeRequest {
  @IsUUID()
  @ApiSchema({ description: 'the card agreement the code was sent for', examples: ['5d1f0e9b-8a7c-4b2e-9c1a-4f3d4e8ba6c5'] })
  agreementId!: string;
}

/** A card agreement (协议): the token to pay with, and the card shown as BIN + last 4. */
export class CardAgreement {
  @IsUUID()
  @ApiSchema({ description: 'the agreement token' })
  agreementId!: string;

  @IsIn(['pending', 'active', 'unbinding', 'revoked'])
  @ApiSchema({
    description:
      'pending until the SMS code confirms the binding; unbinding once the payer asked to unbind and until the county bank confirms the revocation (paying is refused already); revoked once the bank revoked it',
  })
  status!: 'pending' | 'active' | 'unbinding' | 'revoked';

  @Matches(/^\d{6}$/)
  @ApiSchema({ examples: ['622848'] })
  cardBin!: string;

  @Matches(/^\d{4}$/)
  @ApiSchema({ examples: ['0018'] })
  cardLast4!: string;

  @IsString()
  @ApiSchema({ description: 'where SMS codes go, masked', examples: ['138****8000'] })
  mobileMasked!: string;

  @IsIn(VERIFICATION_STRENGTHS)
  @ApiSchema({
    description:
      'decides the daily limit: two_factor (agreement + SMS code or payment password) ¥5,000, single_factor ¥1,000, certificate_two_factor by agreement',
  })
  strength!: VerificationStrength;

  @IsIn(['none', 'set', 'locked'])
  @ApiSchema({ description: 'the payment password of this agreement: none, set, or locked after 5 wrong tries (set it again to unlock)' })
  paymentPassword!: 'none' | 'set' | 'locked';
}

/** An SMS code was sent. */
export class SmsSent {
  @IsString()
  @ApiSchema({ examples: ['138****8000'] })
  sentTo!: string;

  @IsISO8601()
  expiresAt!: string;

  @IsISO8601()
  @ApiSchema({ description: 'no new code before this instant (60 s)' })
  resendAfter!: string;
}

/** A binding started: the pending agreement and where its SMS code went. */
export class CardBinding extends CardAgreement {
  @IsString()
  @ApiSchema({ examples: ['138****8000'] })
  sentTo!: string;

  @IsISO8601()
  expiresAt!: string;

  @IsISO8601()
  resendAfter!: string;
}
