import { IsIn, IsInt, IsOptional, Matches } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema } from '@countypay/service-kit';

/** A repayment debited from the customer's repayment account now. */
export class CreateRepaymentRequest {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'outRepaymentNo must be 1-64 of A-Z a-z 0-9 _ -' })
  @ApiSchema({ description: 'your repayment number: the same number is the same repayment', examples: ['RP-20261129-0001'] })
  outRepaymentNo!: string;

  @IsIn(['due', 'payoff'])
  @ApiSchema({
    description:
      'due: repay `amountFen` of what is due (fees → penalty → interest → principal, oldest first); payoff: repay everything now, interest only to today',
    examples: ['due'],
  })
  mode!: 'due' | 'payoff';

  @IsOptional()
  @IsAmountFen()
  @ApiSchema({ description: 'mode due: the amount in fen (at most what is due); ignored for a payoff', examples: [412060] })
  amountFen?: Fen;
}

export class CreditRepayment {
  @Matches(/^[A-Za-z0-9:_/-]{1,120}$/)
  @ApiSchema({ examples: ['manual:RP-20261129-0001'] })
  reference!: string;

  @IsIn(['manual', 'payoff', 'auto_debit'])
  kind!: 'manual' | 'payoff' | 'auto_debit';

  @IsInt()
  @ApiSchema({ description: 'debited, in fen', examples: [412060] })
  amountFen!: number;

  @IsInt()
  @ApiSchema({ description: 'applied to principal, in fen', examples: [394060] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ description: 'applied to interest, in fen', examples: [18000] })
  interestFen!: number;

  @IsInt()
  @ApiSchema({ description: 'applied to fees, in fen', examples: [0] })
  feeFen!: number;

  @IsInt()
  @ApiSchema({ description: 'applied to penalty interest, in fen', examples: [0] })
  penaltyFen!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-12-20'] })
  businessDate!: string;
}
