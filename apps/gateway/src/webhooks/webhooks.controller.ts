import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { APP_SCOPES } from '@countypay/contracts';
import type { Page } from '@countypay/persistence';
import { ApiOperation, appActorOf, Auth, Authenticated, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { ListWebhookDeliveriesQuery } from './dto/list-deliveries.dto';
import { WebhookDelivery } from './dto/webhook-delivery.dto';
import { WebhooksService } from './webhooks.service';

/** Partner API: the calling app's webhook delivery log and manual resend. Any app may use it, whatever its scopes. */
@Controller('v1/webhooks/deliveries')
@Authenticated({ actors: ['app'], scopes: APP_SCOPES })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "Your app's webhook deliveries, newest first, with every attempt (the delivery log)",
    tag: 'Webhooks',
    response: { page: WebhookDelivery },
  })
  list(@Auth() actor: Actor, @Query() query: ListWebhookDeliveriesQuery): Promise<Page<WebhookDelivery>> {
    return this.webhooks.list(appActorOf(actor), query);
  }

  @Get(':deliveryId')
  @ApiOperation({ operationId: 'getWebhookDelivery', summary: 'A webhook delivery of your app and its attempts', tag: 'Webhooks', response: WebhookDelivery })
  get(@Auth() actor: Actor, @Param('deliveryId', uuidParam('webhook delivery')) id: string): Promise<WebhookDelivery> {
    return this.webhooks.get(appActorOf(actor), id);
  }

  /** Idempotent per Idempotency-Key through the gateway's idempotency layer. */
  @Post(':deliveryId/resend')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'resendWebhookDelivery',
    summary: 'Send a delivery again now (one attempt; a pending delivery keeps its schedule)',
    tag: 'Webhooks',
    response: WebhookDelivery,
    responseDescription: 'Accepted: the delivery is queued for an attempt now',
  })
  resend(@Auth() actor: Actor, @Param('deliveryId', uuidParam('webhook delivery')) id: string, @RequestId() requestId?: string): Promise<WebhookDelivery> {
    return this.webhooks.resend(appActorOf(actor), id, requestId);
  }
}
