import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ServiceUrlsConfig, loadConfig } from '@countypay/config';
import { NonceRepository } from '../auth/nonce.repository';
import { AdmissionRepository } from './admission.repository';
import { OperatorAuthService } from '../auth/operator-auth.service';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { OpenApiController } from '../openapi/openapi.controller';
import { SERVICE_URLS, UpstreamClient } from '../proxy/upstream.client';
import { PurgeRepository } from '../rate-limit/purge.repository';
import { RateLimitRepository } from '../rate-limit/rate-limit.repository';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { RegistryModule } from '../registry/registry.module';
import { RouteTable } from '../routing/route-table';
import { GatewayMetrics } from './gateway-metrics';
import { GatewayMiddleware } from './gateway.middleware';
import { PurgeService } from './purge.service';
import { ResponseSigner } from './response-signer';

/**
 * The public edge: authentication, anti-replay, scopes, rate limits, idempotency, routing and
 * response signatures for every `/v1` request (GatewayMiddleware), plus the OpenAPI document.
 * The gateway's own `/v1` controllers (webhooks…) sit behind the same middleware and read the
 * same actor headers as the internal services.
 */
@Module({
  imports: [RegistryModule],
  controllers: [OpenApiController],
  providers: [
    { provide: SERVICE_URLS, useFactory: () => loadConfig(ServiceUrlsConfig) },
    UpstreamClient,
    OperatorAuthService,
    NonceRepository,
    AdmissionRepository,
    IdempotencyRepository,
    RateLimitRepository,
    RateLimitService,
    PurgeRepository,
    PurgeService,
    ResponseSigner,
    // the routes of the published OpenAPI document (tests may give the pipeline another table)
    { provide: RouteTable, useFactory: () => new RouteTable() },
    GatewayMetrics,
    GatewayMiddleware,
  ],
  exports: [ResponseSigner, UpstreamClient, OperatorAuthService],
})
export class PipelineModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GatewayMiddleware).forRoutes('*');
  }
}
