import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { PipelineModule } from '../pipeline/pipeline.module';
import { ConsoleConfig, ConsoleEnv } from './console.config';
import { ConsoleController } from './console.controller';
import { ConsoleStaticMiddleware } from './console-static.middleware';
import { DeadLettersController } from './dead-letters.controller';
import { OpsHealthController } from './ops-health.controller';
import { OUTBOX_LAG_SERVICE_URLS, OutboxLag } from './outbox-lag';
import { TraceLinks } from './trace-links';

/**
 * The ops console in the gateway (ADR 0010): its pages (`/console/`), its session API
 * (`/console/api/*`) and the province's dead-letter operations (`/v1/ops/dead-letters`).
 */
@Module({
  imports: [PipelineModule],
  controllers: [ConsoleController, DeadLettersController, OpsHealthController],
  providers: [
    { provide: ConsoleConfig, useFactory: () => new ConsoleConfig(loadConfig(ConsoleEnv)) },
    TraceLinks,
    ConsoleStaticMiddleware,
    { provide: OUTBOX_LAG_SERVICE_URLS, useFactory: () => loadConfig(ServiceUrlsConfig) },
    OutboxLag,
  ],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConsoleStaticMiddleware).forRoutes('console', 'console/*path');
  }
}
