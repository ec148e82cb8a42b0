import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';

export class PaymentStatsQuery {
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day, YYYY-MM-DD' })
  @ApiSchema({ description: 'the Beijing-time calendar day (default: today)', examples: ['2026-11-29'] })
  date?: string;
}

export class HourPaymentStats {
  @IsInt()
  @Min(0)
  @Max(23)
  @ApiSchema({ description: 'hour of the day, Beijing time' })
  hour!: number;

  @IsInt()
  orders!: number;

  @IsInt()
  succeeded!: number;

  @IsInt()
  @ApiSchema({ description: 'succeeded amount in fen (分)' })
  amountFen!: number;

  @Nullable()
  @IsInt()
  @ApiSchema({ description: 'mean order-to-paid time of the succeeded orders, ms' })
  latencyMsAvg!: number | null;
}

export class CountyPaymentStats {
  @IsString()
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;

  @IsInt()
  orders!: number;

  @IsInt()
  succeeded!: number;

  @IsInt()
  failed!: number;

  @IsInt()
  @ApiSchema({ description: 'succeeded amount in fen (分)' })
  amountFen!: number;

  @Nullable()
  @IsNumber()
  @ApiSchema({ description: 'succeeded / (succeeded + failed), 0..1; null before any order is final' })
  successRate!: number | null;

  @Nullable()
  @IsInt()
  latencyMsAvg!: number | null;

  @Nullable()
  @IsInt()
  latencyMsP95!: number | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HourPaymentStats)
  @ApiSchema({ description: '24 slots, hour 0 to 23' })
  hours!: HourPaymentStats[];
}

export class PaymentStats {
  @IsString()
  @ApiSchema({ examples: ['2026-11-29'] })
  date!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CountyPaymentStats)
  @ApiSchema({ description: 'the counties with payments that day (a county operator: its own only), by county id' })
  counties!: CountyPaymentStats[];
}
