import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNumber, IsString, Min, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { DeadLetterCount } from './dead-letters.dto';

export class TopicLag {
  @IsString()
  topic!: string;

  @IsInt()
  lag!: number;
}

export class ConsumerGroupLag {
  @IsString()
  @ApiSchema({ examples: ['countypay.settlement'] })
  group!: string;

  @IsInt()
  @ApiSchema({ description: 'messages not yet consumed, over all its topics' })
  lag!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TopicLag)
  topics!: TopicLag[];
}

export class CountyWebhookBacklog {
  @IsString()
  tenantId!: string;

  @IsInt()
  @ApiSchema({ description: 'deliveries not yet delivered nor given up' })
  pending!: number;

  @IsNumber()
  @ApiSchema({ description: 'how long the most overdue pending delivery has been due, seconds (0: none overdue)' })
  oldestDueSeconds!: number;
}

/** One service's outbox: events written but not yet published to Kafka. */
export class ServiceOutboxLag {
  @IsString()
  @ApiSchema({ examples: ['qr-payment'] })
  service!: string;

  @IsIn(['ok', 'unavailable'])
  @ApiSchema({ description: '`unavailable`: the service did not answer (its numbers are null)' })
  status!: 'ok' | 'unavailable';

  @Nullable()
  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'outbox events not yet published' })
  pending!: number | null;

  @Nullable()
  @IsNumber()
  @Min(0)
  @ApiSchema({ description: 'age of the oldest unpublished outbox event, seconds (0: none waiting)' })
  oldestPendingSeconds!: number | null;
}

export class OpsHealth {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ConsumerGroupLag)
  @ApiSchema({ description: "the platform's consumer groups and their lag" })
  consumers!: ConsumerGroupLag[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CountyWebhookBacklog)
  @ApiSchema({ description: 'per county with a backlog (a county operator: its own only)' })
  webhookBacklog!: CountyWebhookBacklog[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ServiceOutboxLag)
  @ApiSchema({ description: 'outbox lag per service: the oldest unpublished outbox event of each service with an outbox' })
  outboxLag!: ServiceOutboxLag[];

  @Nullable()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DeadLetterCount)
  @ApiSchema({ description: 'dead letters per topic (province only: null for a county operator)' })
  deadLetters!: DeadLetterCount[] | null;
}
