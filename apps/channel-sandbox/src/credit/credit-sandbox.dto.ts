import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';

export class SmsMessageDto {
  @Matches(/^1[3-9]\d{9}$/, { message: 'mobile must be a mainland mobile number' })
  mobile!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  text!: string;
}

/** A credit repayment debit of the customer's deposit account (auto-debit or manual repayment). */
export class CreditDebitDto {
  @Matches(/^\d{8,32}$/, { message: 'accountNo must be 8 to 32 digits' })
  accountNo!: string;

  @IsAmountFen()
  amountFen!: Fen;

  @Matches(/^[A-Za-z0-9:_-]{1,100}$/, { message: 'reference must be 1-100 of A-Z a-z 0-9 : _ -' })
  reference!: string;
}
