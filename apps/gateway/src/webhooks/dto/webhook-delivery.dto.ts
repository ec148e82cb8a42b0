import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsString, IsUrl, IsUUID, Min, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../retry-schedule';
import { WEBHOOK_EVENT_TYPES } from '../webhook-payload';

export const ATTEMPT_ERROR_CLASSES = [
  'http_status',
  'redirect',
  'timeout',
  'connection_refused',
  'dns',
  'network',
  'invalid_url',
  'secret_unavailable',
  'url_removed',
] as const;

/** One HTTP attempt of a delivery. */
export class WebhookAttempt {
  @IsInt()
  @Min(1)
  attemptNo!: number;

  @IsIn(['schedule', 'resend'])
  triggeredBy!: 'schedule' | 'resend';

  @Nullable()
  @IsInt()
  @ApiSchema({ description: "the receiver's HTTP status; null when no answer came (timeout, connection refused…)" })
  statusCode!: number | null;

  @IsInt()
  @Min(0)
  durationMs!: number;

  @Nullable()
  @IsIn(ATTEMPT_ERROR_CLASSES)
  @ApiSchema({ description: 'why a failed attempt failed; null for a delivered one' })
  errorClass!: string | null;

  @IsIn(['delivered', 'failed'])
  outcome!: 'delivered' | 'failed';

  @IsISO8601()
  at!: string;
}

/** A webhook delivery: one event to one callback URL, with every attempt. */
export class WebhookDelivery {
  @IsUUID()
  id!: string;

  @IsIn(['webhook_delivery'])
  object!: 'webhook_delivery';

  @IsUUID()
  @ApiSchema({ description: "the event id, also the webhook-id header and the payload's id" })
  eventId!: string;

  @IsIn(WEBHOOK_EVENT_TYPES)
  eventType!: string;

  @IsUrl({ require_tld: false })
  @ApiSchema({ examples: ['https://mall.example/countypay/webhooks'] })
  url!: string;

  @IsIn(DELIVERY_STATUSES)
  status!: DeliveryStatus;

  @IsInt()
  @Min(0)
  attemptCount!: number;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'when the next attempt is due (pending deliveries only)' })
  nextAttemptAt!: string | null;

  @Nullable()
  @IsISO8601()
  lastAttemptAt!: string | null;

  @Nullable()
  @IsInt()
  lastStatusCode!: number | null;

  @Nullable()
  @IsString()
  lastErrorClass!: string | null;

  @Nullable()
  @IsISO8601()
  deliveredAt!: string | null;

  @IsISO8601()
  createdAt!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WebhookAttempt)
  attempts!: WebhookAttempt[];
}
