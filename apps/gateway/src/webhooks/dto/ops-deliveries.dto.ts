import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ApiSchema, PageQuery } from '@countypay/service-kit';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../retry-schedule';
import { WEBHOOK_EVENT_TYPES } from '../webhook-payload';
import { WebhookDelivery } from './webhook-delivery.dto';

/** `GET /v1/ops/webhooks/deliveries`: a county's deliveries, newest first, with the console's filters. */
export class ListOpsWebhookDeliveriesQuery extends PageQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @IsOptional()
  @Matches(/^app_[0-9a-z]{20}$/, { message: 'appId must be app_ followed by 20 lower-case letters or digits' })
  @ApiSchema({ description: "only this app's deliveries", examples: ['app_7k2m9q4x8c1v5b3n6z0p'] })
  appId?: string;

  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES)
  @ApiSchema({ description: 'only deliveries of this event type' })
  eventType?: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: 'only the deliveries of this event (the webhook-id header)' })
  eventId?: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: "only the deliveries about this payment (the payload's data.orderId)" })
  orderId?: string;
}

/** A delivery as an operator sees it: the partner's view plus the app and the county it belongs to. */
export class OpsWebhookDelivery extends WebhookDelivery {
  @Matches(/^app_[0-9a-z]{20}$/)
  @ApiSchema({ examples: ['app_7k2m9q4x8c1v5b3n6z0p'] })
  appId!: string;

  @Matches(/^t\d{6}$/)
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;
}
