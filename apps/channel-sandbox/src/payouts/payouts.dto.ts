import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { PAYOUT_BEHAVIOURS, type PayoutBehaviour } from './payout-scenarios';

export class SettlementPayoutDto {
  /** the platform's instruction id: a payout is made once per instruction id */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'instructionId must be 1 to 64 letters, digits or _.:-' })
  instructionId!: string;

  @Matches(/^\d{6,19}$/, { message: 'accountNo must be 6 to 19 digits' })
  accountNo!: string;

  /** checked against the account holder's name (a mismatch fails the payout) */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  accountName!: string;

  @IsAmountFen()
  amountFen!: Fen;
}

export class PayoutScenarioDto {
  @IsIn(PAYOUT_BEHAVIOURS)
  behaviour!: PayoutBehaviour;

  @IsOptional()
  @Matches(/^\d{6,19}$/)
  accountNo?: string;
}

export class ClearPayoutScenariosDto {
  @IsOptional()
  @Matches(/^\d{6,19}$/)
  accountNo?: string;
}
