import { Global, Module } from '@nestjs/common';
import { AppUpdatedV1, TenantUpdatedV1 } from '@countypay/contracts';
import { on, type Subscription } from '@countypay/messaging';
import { SUBSCRIPTIONS, ServiceKitModule } from '@countypay/service-kit';
import { ConsoleModule } from './console/console.module';
import { entities, migrations } from './data-source';
import { PipelineModule } from './pipeline/pipeline.module';
import { RegistryModule } from './registry/registry.module';
import { RegistryService } from './registry/registry.service';
import { WebhookEventsService } from './webhooks/webhook-events.service';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The consumer group's subscriptions (the service kit finds SUBSCRIPTIONS in any module). */
@Global()
@Module({
  imports: [RegistryModule, WebhooksModule],
  providers: [
    {
      provide: SUBSCRIPTIONS,
      inject: [RegistryService, WebhookEventsService],
      // AppUpdatedV1 feeds both the app registry and the webhook endpoints: the consumer runs
      // every subscription of a topic, in this order, in the event's one transaction
      useFactory: (registry: RegistryService, webhooks: WebhookEventsService): Subscription<object>[] => [
        on(AppUpdatedV1, (event, em) => registry.onAppUpdated(event, em)) as Subscription<object>,
        on(TenantUpdatedV1, (event, em) => registry.onTenantUpdated(event, em)) as Subscription<object>,
        ...webhooks.subscriptions(),
      ],
    },
  ],
  exports: [SUBSCRIPTIONS],
})
export class GatewaySubscriptionsModule {}

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'gateway', migrations, entities }),
    RegistryModule,
    PipelineModule,
    WebhooksModule,
    GatewaySubscriptionsModule,
    ConsoleModule,
  ],
})
export class AppModule {}
