import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';

export const PRODUCT_METHODS = ['equal_installment', 'equal_principal', 'flat_fee'] as const;
export type ProductMethod = (typeof PRODUCT_METHODS)[number];

/** A credit product of the county bank (set up by its operator, audited). */
export class CreateCreditProductRequest {
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'code must be 1-32 of A-Z a-z 0-9 _ -' })
  @ApiSchema({ description: "the product's code, unique in the county", examples: ['AGRI-12'] })
  code!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(60)
  @ApiSchema({ examples: ['惠农贷 12 期'] })
  name!: string;

  @IsIn(PRODUCT_METHODS)
  @ApiSchema({
    description: 'how installments are computed: equal_installment 等额本息, equal_principal 等额本金, flat_fee 等本等费',
    examples: ['equal_installment'],
  })
  method!: ProductMethod;

  @IsInt()
  @Min(0)
  @Max(3_600)
  @ApiSchema({ description: 'annual interest rate in basis points (1800 = 18%); daily rate = annual / 360', examples: [1800] })
  annualRateBp!: number;

  @IsInt()
  @Min(0)
  @Max(1_000)
  @ApiSchema({ description: 'flat_fee only: the monthly fee in basis points of the principal (60 = 0.6%)', examples: [0] })
  monthlyFeeBp!: number;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(36, { each: true })
  @ApiSchema({ description: 'allowed installment counts; 1 is a single repayment', examples: [[1, 3, 6, 12]] })
  installmentCounts!: number[];

  @IsInt()
  @Min(0)
  @Max(60)
  @ApiSchema({ description: 'single repayments due within this many days of the purchase accrue no interest', examples: [50] })
  interestFreeDays!: number;

  @IsInt()
  @Min(1)
  @Max(28)
  @ApiSchema({ description: 'day of the month the statement is cut', examples: [1] })
  statementDay!: number;

  @IsInt()
  @Min(1)
  @Max(28)
  @ApiSchema({ description: 'day of the month a statement is due (the first such day after the statement)', examples: [20] })
  dueDay!: number;

  @IsInt()
  @Min(0)
  @Max(10)
  @ApiSchema({ description: 'days after the due date before penalty interest starts', examples: [3] })
  graceDays!: number;

  @IsInt()
  @Min(10_000)
  @Max(15_000)
  @ApiSchema({ description: 'penalty rate = annual rate × this (basis points of the rate: 15000 = 1.5×)', examples: [15000] })
  penaltyMultiplierBp!: number;

  @IsInt()
  @Min(0)
  @Max(10_000)
  @ApiSchema({ description: 'minimum payment: all fees, penalty and interest due plus this share of the principal due (1000 = 10%)', examples: [1000] })
  minPaymentPrincipalBp!: number;
}

export class CreditProduct extends CreateCreditProductRequest {
  @IsUUID()
  @ApiSchema({ examples: ['6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b'] })
  id!: string;

  @IsIn(['active', 'retired'])
  status!: 'active' | 'retired';

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T07:30:00.000Z'] })
  createdAt!: string;
}
