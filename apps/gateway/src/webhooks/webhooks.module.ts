import { Module } from '@nestjs/common';
import { loadConfig } from '@countypay/config';
import { RegistryModule } from '../registry/registry.module';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksConfig } from './webhooks.config';
import { OpsWebhooksController } from './ops-webhooks.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound partner webhooks: the read model of app endpoints, one delivery per event and
 * callback URL, the dispatcher (signed POSTs on the published retry schedule), and the partner
 * API of the delivery log. Its Kafka subscriptions come from WebhookEventsService.subscriptions()
 * and are registered in the app's SUBSCRIPTIONS provider (app.module.ts).
 */
@Module({
  imports: [RegistryModule],
  controllers: [WebhooksController, OpsWebhooksController],
  providers: [
    { provide: WebhooksConfig, useFactory: () => loadConfig(WebhooksConfig) },
    WebhooksRepository,
    WebhookSecrets,
    WebhookEndpoints,
    WebhookDispatcher,
    WebhookEventsService,
    WebhooksService,
  ],
  exports: [WebhookEventsService],
})
export class WebhooksModule {}
