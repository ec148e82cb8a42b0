import { Type } from 'class-transformer';
import { IsArray, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ApiSchema, CreditQuote } from '@countypay/service-kit';

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

/** The payer consented: what their line allows for this order. */
export class CashierCreditOffers {
  @IsInt()
  @ApiSchema({ description: 'credit available on the line, in fen', examples: [5000000] })
  availableFen!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreditQuote)
  options!: CreditQuote[];
}
