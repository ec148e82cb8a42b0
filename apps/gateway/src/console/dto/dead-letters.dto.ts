import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { TOPICS } from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';

export const TOPICS_WITH_DLQ: readonly string[] = TOPICS.map((t) => t.name);

export class ListDeadLettersQuery {
  @IsOptional()
  @IsIn(TOPICS_WITH_DLQ)
  @ApiSchema({
    description: 'the topic whose dead letters to list (its `.dlq`); without it only the count per topic',
    examples: ['countypay.payment.succeeded.v1'],
  })
  topic?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  @ApiSchema({ description: 'at most this many letters, the newest (default 100)' })
  limit?: number;
}

export class DeadLetterCount {
  @IsString()
  topic!: string;

  @IsInt()
  count!: number;
}

export class DeadLetterView {
  @IsString()
  topic!: string;

  @IsInt()
  partition!: number;

  @IsString()
  offset!: string;

  @Nullable()
  @IsUUID()
  eventId!: string | null;

  @Nullable()
  @IsString()
  eventType!: string | null;

  @Nullable()
  @IsString()
  tenantId!: string | null;

  @Nullable()
  @IsString()
  failedAt!: string | null;

  @Nullable()
  @IsInt()
  attempts!: number | null;

  @Nullable()
  @IsString()
  errorCode!: string | null;

  @Nullable()
  @IsString()
  errorMessage!: string | null;

  @Nullable()
  @IsString()
  consumerGroup!: string | null;

  @IsString()
  @ApiSchema({ description: 'the event as it was published (personal data masked), at most 4,000 characters' })
  payload!: string;
}

export class DeadLetterPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DeadLetterCount)
  topics!: DeadLetterCount[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DeadLetterView)
  data!: DeadLetterView[];
}

export class ReplayDeadLettersRequest {
  @IsIn(TOPICS_WITH_DLQ)
  @ApiSchema({ examples: ['countypay.payment.succeeded.v1'] })
  topic!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  @ApiSchema({ description: 'the event ids of the letters to replay' })
  eventIds!: string[];
}

export class ReplayDeadLettersResult {
  @IsString()
  topic!: string;

  @IsInt()
  replayed!: number;
}
