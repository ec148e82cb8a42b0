import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema } from '@countypay/service-kit';

/** A county's credit settings: the APR ceiling, the unsecured cap, when an overdue line freezes. */
export class UpdateCreditSettingsRequest {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3_600)
  @ApiSchema({ description: 'the APR ceiling in basis points per annum (2400 = 24%): no product or drawdown may exceed it', examples: [2400] })
  aprCeilingBp?: number;

  @IsOptional()
  @IsAmountFen()
  @ApiSchema({ description: 'the largest unsecured credit line in fen', examples: [20000000] })
  unsecuredCapFen?: Fen;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  @ApiSchema({ description: 'days past due after which a line is frozen', examples: [30] })
  freezeAfterDays?: number;
}

export class AdvanceClockRequest {
  @IsInt()
  @Min(1)
  @Max(400)
  @ApiSchema({ description: 'business days to advance; the daily jobs run for every date passed', examples: [1] })
  days!: number;
}

export class CreditSettings {
  @Matches(/^t\d{6}$/)
  @ApiSchema({ examples: ['t510122'] })
  tenantId!: string;

  @IsInt()
  @ApiSchema({ examples: [2400] })
  aprCeilingBp!: number;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [20000000] })
  unsecuredCapFen!: number;

  @IsInt()
  @ApiSchema({ examples: [30] })
  freezeAfterDays!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ description: "the tenant's credit business date", examples: ['2026-11-29'] })
  businessDate!: string;
}
