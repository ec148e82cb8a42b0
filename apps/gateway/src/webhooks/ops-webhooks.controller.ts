import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { ListOpsWebhookDeliveriesQuery, OpsWebhookDelivery } from './dto/ops-deliveries.dto';
import { WebhooksService } from './webhooks.service';

/**
 * The ops console's webhook deliveries (issue 11): a county's deliveries of every app, with their
 * attempts, and a manual resend. A county operator acts in its own county, a province operator in
 * the one it names (X-CP-Tenant-Id); another county's delivery is a 404. Each resend is recorded
 * (who, when, request id) in the resend's own transaction.
 */
@Controller('v1/ops/webhooks/deliveries')
@Authenticated({ actors: ['province', 'county'] })
export class OpsWebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({
    operationId: 'listOpsWebhookDeliveries',
    summary:
      "A county's webhook deliveries of every app, newest first, with every attempt; filtered by app, status, event type, event id or the payment's order id",
    tag: 'Operations',
    response: { page: OpsWebhookDelivery },
    errors: ['invalid_tenant'],
  })
  list(@Auth() actor: Actor, @Query() q: ListOpsWebhookDeliveriesQuery): Promise<Page<OpsWebhookDelivery>> {
    return this.webhooks.listForOperator(actor, q);
  }

  @Get(':deliveryId')
  @ApiOperation({
    operationId: 'getOpsWebhookDelivery',
    summary: "A webhook delivery of the county and its attempts (another county's is a 404)",
    tag: 'Operations',
    response: OpsWebhookDelivery,
    errors: ['invalid_tenant'],
  })
  get(@Auth() actor: Actor, @Param('deliveryId', uuidParam('webhook delivery')) id: string): Promise<OpsWebhookDelivery> {
    return this.webhooks.getForOperator(actor, id);
  }

  @Post(':deliveryId/resend')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'resendOpsWebhookDelivery',
    summary: 'Send a delivery of the county again now (one attempt; a pending delivery keeps its schedule); recorded with the operator who asked',
    tag: 'Operations',
    response: OpsWebhookDelivery,
    responseDescription: 'Accepted: the delivery is queued for an attempt now',
    errors: ['invalid_tenant'],
  })
  resend(@Auth() actor: Actor, @Param('deliveryId', uuidParam('webhook delivery')) id: string, @RequestId() requestId?: string): Promise<OpsWebhookDelivery> {
    return this.webhooks.resendForOperator(actor, id, requestId);
  }
}
