import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { ApiSchema } from '@countypay/service-kit';

export class CreditStatementItem {
  @IsUUID()
  @ApiSchema({ description: 'the drawdown (loan) the installment belongs to', examples: ['5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'] })
  loanId!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ examples: [1] })
  period!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-12-20'] })
  dueDate!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'in fen', examples: [39406] })
  principalFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'in fen (0 for an interest-free single-payment purchase)', examples: [1800] })
  interestFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'in fen', examples: [0] })
  feeFen!: number;
}

@ApiSchema({ description: "A credit line's statement of one cycle (账单): the installments it bills, what is owed, the minimum payment and the due date" })
export class CreditStatement {
  @IsUUID()
  @ApiSchema({ examples: ['7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908'] })
  id!: string;

  @IsUUID()
  @ApiSchema({ examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  lineId!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ description: 'the business date the statement was issued (账单日)', examples: ['2026-12-01'] })
  statementDate!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ description: 'the first day of the cycle', examples: ['2026-11-02'] })
  periodStart!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ description: 'pay by this date (到期还款日)', examples: ['2026-12-20'] })
  dueDate!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'drawdowns made in the cycle', examples: [1] })
  newDrawdownCount!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'principal drawn in the cycle, in fen', examples: [120000] })
  newDrawdownsFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'principal owed as of the statement (billed and overdue installments), in fen', examples: [39406] })
  principalFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ examples: [1800] })
  interestFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ examples: [0] })
  feeFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'penalty interest owed, in fen', examples: [0] })
  penaltyFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'everything owed as of the statement, in fen', examples: [41206] })
  totalDueFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "the minimum payment (最低还款额): interest, fees and penalty plus the product's share of the principal", examples: [5741] })
  minimumPaymentFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'repaid or refunded against what the statement billed since it was issued (已还金额), in fen', examples: [20000] })
  paidToDateFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'what the statement billed that is still unpaid (剩余应还), in fen', examples: [21206] })
  remainingDueFen!: number;

  @IsIn(['open', 'paid', 'overdue'])
  @ApiSchema({ description: 'paid: nothing remains; overdue: something remains after the due date; open: otherwise (on the county’s business date)' })
  status!: 'open' | 'paid' | 'overdue';

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreditStatementItem)
  items!: CreditStatementItem[];

  @IsISO8601({ strict: true })
  @ApiSchema({ examples: ['2026-12-01T00:00:03.120Z'] })
  createdAt!: string;
}
