import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import type { AccountStatus } from '../core-banking.repository';

export class OpenAccountDto {
  /** 6–19 digits; generated (12 digits) when omitted */
  @IsOptional()
  @Matches(/^\d{6,19}$/, { message: 'accountNo must be 6 to 19 digits' })
  accountNo?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  holderName!: string;

  @IsAmountFen({ allowZero: true })
  balanceFen!: Fen;

  @IsOptional()
  @IsIn(['normal', 'frozen'])
  status?: AccountStatus;
}

export class PayoutDto {
  @Matches(/^\d{6,19}$/, { message: 'accountNo must be 6 to 19 digits' })
  accountNo!: string;

  @IsAmountFen()
  amountFen!: Fen;

  /** the payer's own reference: a payout is made once per reference */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'reference must be 1 to 64 letters, digits or _.:-' })
  reference!: string;
}
