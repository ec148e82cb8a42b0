import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { ApiSchema, PageQuery } from '@countypay/service-kit';
import { LOAN_CLASSES, type LoanClass } from '../../domain/classification';
import { LINE_STATES, LOAN_STATES, type LineState, type LoanState } from '../../domain/state-machines';

export class ListCreditLinesQuery extends PageQuery {
  @IsOptional()
  @IsIn(LINE_STATES)
  @ApiSchema({ description: 'only lines in this state', examples: ['active'] })
  state?: LineState;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  @ApiSchema({ description: "only the line of this customer (the partner's own reference)", examples: ['cust-20261129-001'] })
  customerRef?: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only lines of this credit product', examples: ['2f1e0d9c-8b7a-4c6d-9e5f-4a3b2c1d0e9f'] })
  productId?: string;
}

export class ListCreditDrawdownsQuery extends PageQuery {
  @IsOptional()
  @IsIn(LOAN_STATES)
  @ApiSchema({ description: 'only drawdowns in this state', examples: ['active'] })
  state?: LoanState;
}

export class ListOverdueLoansQuery extends PageQuery {
  @IsOptional()
  @IsIn(LOAN_CLASSES)
  @ApiSchema({ description: 'only loans of this five-category class', examples: ['substandard'] })
  loanClass?: LoanClass;
}

export class ClassificationCategory {
  @IsIn(LOAN_CLASSES)
  @ApiSchema({ examples: ['substandard'] })
  loanClass!: LoanClass;

  @IsString()
  @ApiSchema({ description: '五级分类 (Chinese first)', examples: ['次级'] })
  labelZh!: string;

  @IsString()
  @ApiSchema({ examples: ['Substandard'] })
  labelEn!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'active loans in the class', examples: [3] })
  loans!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'their outstanding principal, in fen', examples: [2400000] })
  outstandingPrincipalFen!: number;
}

@ApiSchema({ description: "The county's loan book by five-category classification (正常/关注/次级/可疑/损失): counts and balances" })
export class CreditClassificationReport {
  @Matches(/^t\d{6}$/)
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ description: "the county's business date", examples: ['2026-12-01'] })
  businessDate!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClassificationCategory)
  @ApiSchema({ description: 'all five classes, in order, zero when empty' })
  categories!: ClassificationCategory[];

  @IsInt()
  @Min(0)
  @ApiSchema({ examples: [42] })
  totalLoans!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ examples: [52000000] })
  totalOutstandingPrincipalFen!: number;

  @IsISO8601({ strict: true })
  @ApiSchema({ examples: ['2026-12-01T08:00:00.000Z'] })
  asOf!: string;
}
