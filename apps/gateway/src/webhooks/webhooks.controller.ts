import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { webhookCallerOf } from './webhook-caller';
import { ListDeliveriesQuery } from './dto/list-deliveries.dto';
import type { WebhookDeliveryPage, WebhookDeliveryView } from './dto/webhook-delivery.dto';
import { WebhooksService } from './webhooks.service';

/** Partner API: the calling app's webhook delivery log and manual resend (signed app requests only). */
@Controller('v1/webhooks/deliveries')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  list(@Req() req: Request, @Query() query: ListDeliveriesQuery): Promise<WebhookDeliveryPage> {
    return this.webhooks.list(webhookCallerOf(req), query);
  }

  @Get(':id')
  get(@Req() req: Request, @Param('id') id: string): Promise<WebhookDeliveryView> {
    return this.webhooks.get(webhookCallerOf(req), id);
  }

  /** Idempotent per Idempotency-Key through the gateway's idempotency layer. */
  @Post(':id/resend')
  @HttpCode(202)
  resend(@Req() req: Request, @Param('id') id: string): Promise<WebhookDeliveryView> {
    return this.webhooks.resend(webhookCallerOf(req), id);
  }
}
