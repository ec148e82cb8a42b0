import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Matches, ValidateNested } from 'class-validator';
import { ApiSchema } from './api-operation';

/**
 * The disclosure of a purchase on county credit, as every API that offers credit shows it before
 * the customer confirms (credit's quote, a QR order's credit quote, the hosted cashier's plans):
 * one schedule line shape and one set of figures, so a partner reads the same fields everywhere.
 */
export class ScheduleLineView {
  @IsInt()
  @ApiSchema({ examples: [1] })
  period!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2026-12-20'] })
  dueDate!: string;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [39406] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [1800] })
  interestFen!: number;

  @IsInt()
  @ApiSchema({ description: 'flat-fee products only, in fen', examples: [0] })
  feeFen!: number;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [41206] })
  totalFen!: number;
}

/** Schedule, APR (年化利率, prominently) and total cost of a purchase on credit. */
export class CreditQuote {
  @IsInt()
  @ApiSchema({ description: 'the amount drawn on the line, in fen', examples: [120000] })
  principalFen!: number;

  @IsInt()
  @ApiSchema({ examples: [3] })
  installments!: number;

  @IsInt()
  @ApiSchema({ description: 'the annualised rate (IRR-based APR) in ppm per annum: 180000 = 18.00%', examples: [180000] })
  aprPpm!: number;

  @IsString()
  @ApiSchema({ description: 'the annualised rate as disclosed to the customer (年化利率)', examples: ['18.00%'] })
  aprPercent!: string;

  @IsInt()
  @ApiSchema({ description: 'interest and fees over the whole schedule, in fen', examples: [3618] })
  costFen!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ScheduleLineView)
  schedule!: ScheduleLineView[];
}
