import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';

/** The payer names their county credit line (the customer number the partner gave them) and the bank-reserved mobile. */
export class CashierCreditConsentRequest {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ -' })
  @ApiSchema({ description: "the payer's customer number with the partner (the one their credit line was opened with)", examples: ['FARMER-0001'] })
  customerRef!: string;

  @Matches(/^1[3-9]\d{9}$/, { message: '$property must be a mainland mobile number' })
  @ApiSchema({ description: 'the mobile reserved at the county bank: the consent code goes there', examples: ['13800138000'] })
  mobile!: string;
}

export class CashierCreditOffersRequest {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ -' })
  @ApiSchema({ examples: ['FARMER-0001'] })
  customerRef!: string;

  @Matches(/^\d{6}$/, { message: '$property must be 6 digits' })
  @ApiSchema({ description: 'the consent code received by SMS', examples: ['123456'] })
  smsCode!: string;
}

export class CashierCreditConfirmRequest {
  @IsInt()
  @Min(1)
  @Max(36)
  @ApiSchema({ description: 'the installment plan the payer chose (one of the offered ones)', examples: [3] })
  installments!: number;
}

export class CreditPlanLine {
  @IsInt()
  @ApiSchema({ examples: [1] })
  period!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-12-20'] })
  dueDate!: string;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [4267] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [192] })
  interestFen!: number;

  @IsInt()
  @ApiSchema({ description: 'flat-fee products only, in fen', examples: [0] })
  feeFen!: number;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [4459] })
  totalFen!: number;
}

/** One installment plan, disclosed before the payer confirms: the APR prominently, the schedule, the total cost. */
export class CreditPlan {
  @IsInt()
  @ApiSchema({ examples: [12800] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ examples: [3] })
  installments!: number;

  @IsInt()
  @ApiSchema({ description: 'the annualised rate (IRR-based APR) in ppm per annum', examples: [180000] })
  aprPpm!: number;

  @IsString()
  @ApiSchema({ description: '年化利率 as disclosed to the payer', examples: ['18.00%'] })
  aprPercent!: string;

  @IsInt()
  @ApiSchema({ description: 'interest and fees over the whole schedule, in fen', examples: [386] })
  costFen!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreditPlanLine)
  schedule!: CreditPlanLine[];
}

/** The payer consented: what their line allows for this order. */
export class CashierCreditOffers {
  @IsInt()
  @ApiSchema({ description: 'credit available on the line, in fen', examples: [5000000] })
  availableFen!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreditPlan)
  options!: CreditPlan[];
}
