import { Global, Module, type DynamicModule, type MiddlewareConsumer, type NestModule, Inject } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Level } from 'pino';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { DatabaseConfig, HttpConfig, KafkaConfig, loadConfig } from '@countypay/config';
import { createKafka, createProducer, OutboxRelay } from '@countypay/messaging';
import { createServiceDataSource } from '@countypay/persistence';
import { currentTenantId } from '@countypay/tenancy';
import { createLogger, createMetrics, nestLoggerModuleParams, type Logger, type Metrics } from '@countypay/observability';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { HttpDrainOnShutdown } from './http/graceful-drain';
import { httpMetricsMiddleware, tenantContextMiddleware } from './http/tenant-context.middleware';
import { MessagingLifecycle } from './messaging/messaging.lifecycle';
import { ProbeController } from './probe/probe.controller';
import { ProfileController } from './probe/profile.controller';
import { ProbeRepository } from './probe/probe.repository';
import { ProbeService } from './probe/probe.service';
import { KAFKA, LOGGER, METRICS, PRODUCER, SERVICE_NAME } from './tokens';
import { AccessGuard } from './auth/access';
import { NoBodyGuard } from './http/no-body.guard';
import { ServiceAuth, ServiceAuthConfig } from './auth/service-auth';
import { APP_GUARD } from '@nestjs/core';

export interface ServiceKitOptions {
  /** the service name (`gateway`, `qr-payment`…): logs, metrics, traces, consumer group */
  service: string;
  migrations: Array<new () => MigrationInterface>;
  /* eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's entity list type */
  entities?: Function[];
  /**
   * The outbox relay's wait after a notification (OutboxRelayOptions.gatherMs; default 0, at once):
   * for a service whose events nobody awaits within it, fewer relay rounds per event (issue 14).
   */
  outboxGatherMs?: number;
}

/**
 * What every countypay service has: typed config, its database (own schema, non-owner role),
 * Kafka with the outbox relay and an idempotent consumer group, JSON logs with masking,
 * Prometheus metrics, health endpoints and the ops probe.
 */
function logLevelOrDefault(): Level {
  try {
    return loadConfig(HttpConfig).LOG_LEVEL as Level;
  } catch {
    return 'info';
  }
}

@Global()
@Module({})
export class ServiceKitModule implements NestModule {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  static forRoot(opts: ServiceKitOptions): DynamicModule {
    // module definitions are evaluated when main.ts imports them, before runService has
    // validated the config: a bad value must not throw here, runService reports it
    const logger = createLogger({ serviceName: opts.service, level: logLevelOrDefault(), getTenantId: currentTenantId });
    return {
      module: ServiceKitModule,
      imports: [LoggerModule.forRoot(nestLoggerModuleParams(logger))],
      controllers: [HealthController, MetricsController, ProbeController, ProfileController],
      providers: [
        { provide: SERVICE_NAME, useValue: opts.service },
        // who this service trusts to call it, and how it proves itself when it calls others
        { provide: ServiceAuth, useFactory: () => new ServiceAuth(opts.service, loadConfig(ServiceAuthConfig)) },
        { provide: LOGGER, useValue: logger },
        { provide: HttpConfig, useFactory: () => loadConfig(HttpConfig) },
        { provide: DatabaseConfig, useFactory: () => loadConfig(DatabaseConfig) },
        { provide: KafkaConfig, useFactory: () => loadConfig(KafkaConfig) },
        { provide: METRICS, useFactory: () => createMetrics(opts.service) },
        {
          provide: DataSource,
          inject: [DatabaseConfig],
          useFactory: async (db: DatabaseConfig) => {
            const ds = createServiceDataSource({
              url: db.DATABASE_URL,
              schema: db.DATABASE_SCHEMA,
              entities: opts.entities ?? [],
              migrations: opts.migrations,
              poolSize: db.DATABASE_POOL_SIZE,
              idleTimeoutMs: db.DATABASE_POOL_IDLE_TIMEOUT_MS,
              poolMin: db.DATABASE_POOL_MIN,
              applicationName: `countypay-${opts.service}`,
            });
            return ds.initialize();
          },
        },
        {
          provide: KAFKA,
          inject: [KafkaConfig, LOGGER],
          useFactory: (k: KafkaConfig, log: Logger) => createKafka({ brokers: k.KAFKA_BROKERS, clientId: `countypay-${opts.service}`, logger: log }),
        },
        {
          provide: PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: ReturnType<typeof createKafka>): Promise<Producer> => {
            const p = createProducer(kafka);
            await p.connect();
            return p;
          },
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, PRODUCER, KafkaConfig, LOGGER, METRICS],
          useFactory: (ds: DataSource, producer: Producer, k: KafkaConfig, log: Logger, metrics: Metrics) => {
            const published = metrics.counter('outbox_published_total', 'Outbox events published to Kafka', []);
            return new OutboxRelay(ds, producer, {
              batchSize: k.OUTBOX_BATCH_SIZE,
              pollMs: k.OUTBOX_POLL_MS,
              gatherMs: opts.outboxGatherMs ?? 0,
              logger: log,
              onPublished: (n) => published.inc(n),
            });
          },
        },
        ProbeRepository,
        ProbeService,
        MessagingLifecycle,
        HttpDrainOnShutdown,
        // every route declares who may call it (@Authenticated / @PublicRoute / @InternalRoute / @PlatformRoute); undeclared routes are closed
        { provide: APP_GUARD, useClass: AccessGuard },
        // a route that takes no body refuses one
        { provide: APP_GUARD, useClass: NoBodyGuard },
      ],
      exports: [SERVICE_NAME, ServiceAuth, LOGGER, METRICS, HttpConfig, DatabaseConfig, KafkaConfig, DataSource, KAFKA, PRODUCER, OutboxRelay],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware(this.metrics), tenantContextMiddleware).forRoutes('*');
  }
}
