import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@countypay/service-kit';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../retry-schedule';

/** `GET /v1/webhooks/deliveries`: the calling app's deliveries, newest first. */
export class ListWebhookDeliveriesQuery extends PageQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
