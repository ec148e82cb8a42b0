import { IsUUID, Matches } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';
import { SmsCodeRequest } from './quickpay.dto';

const PASSWORD = /^\d{6}$/;

/** 设置支付密码: the SMS code sent to the card's reserved mobile confirms it is the payer. */
export class SetPaymentPasswordRequest extends SmsCodeRequest {
  @Matches(PASSWORD, { message: '$property must be 6 digits' })
  @ApiSchema({
    description: 'the new 6-digit payment password (not one digit six times, not a run like 123456); kept only as a slow salted hash, never shown again',
    examples: ['480615'],
  })
  paymentPassword!: string;
}

/** 密码支付: the agreement and its payment password, instead of an SMS code (when the county allows it). */
export class QuickPayPasswordRequest {
  @IsUUID()
  @ApiSchema({ description: 'the card agreement', examples: ['5d1f0e9b-8a7c-4b2e-9c1a-4f3d4e8ba6c5'] })
  agreementId!: string;

  @Matches(PASSWORD, { message: '$property must be 6 digits' })
  @ApiSchema({ description: "the agreement's 6-digit payment password", examples: ['480615'] })
  paymentPassword!: string;
}
