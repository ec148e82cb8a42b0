import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KafkaConfig } from '@countypay/config';
import { inScope } from '@countypay/persistence';
import { PlatformProbeV1 } from '@countypay/contracts';
import { IdempotentConsumer, OutboxRelay, on, type Subscription } from '@countypay/messaging';
import type { Logger, Metrics } from '@countypay/observability';
import { ProbeService } from '../probe/probe.service';
import { KAFKA, LOGGER, METRICS, PRODUCER, SERVICE_NAME, SUBSCRIPTIONS } from '../tokens';

/**
 * Starts the outbox relay and the service's consumer group (its own subscriptions plus the
 * ops probe) when the app is up; stops them, the producer and the database pool on shutdown.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: IdempotentConsumer | undefined;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: Metrics,
    private readonly config: KafkaConfig,
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly probes: ProbeService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * The app's SUBSCRIPTIONS provider, wherever the app declared it (its AppModule or a feature
   * module): this global module cannot inject a provider of the modules that import it.
   */
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list of typed subscriptions */
  private appSubscriptions(): ReadonlyArray<Subscription<any>> {
    try {
      /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above */
      return this.moduleRef.get<ReadonlyArray<Subscription<any>>>(SUBSCRIPTIONS, { strict: false });
    } catch {
      return [];
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.registerOutboxLag();
    this.relay.start();
    const outcomes = this.metrics.counter('consumer_events_total', 'Consumed events by outcome', ['topic', 'outcome', 'tenant']);
    this.consumer = new IdempotentConsumer(this.kafka, this.ds, this.producer, {
      name: `${this.config.KAFKA_GROUP_PREFIX}.${this.service}`,
      subscriptions: [...this.appSubscriptions(), on(PlatformProbeV1, (e, em) => this.probes.record(e, em))],
      maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
      backoffMs: this.config.CONSUMER_BACKOFF_MS,
      logger: this.logger,
      onOutcome: (outcome, topic, tenant) => outcomes.inc({ topic, outcome, tenant: tenant ?? 'none' }),
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.consumer?.stop().catch((err: unknown) => this.logger.warn({ err }, 'consumer stop failed'));
    await this.relay.stop();
    await this.producer.disconnect().catch(() => {});
    if (this.ds.isInitialized) await this.ds.destroy();
  }

  private registerOutboxLag(): void {
    const ds = this.ds;
    const pending = this.metrics.gauge('outbox_pending_events', 'Outbox events not yet published', []);
    const age = this.metrics.gauge('outbox_oldest_pending_seconds', 'Age of the oldest unpublished outbox event', []);
    const sample = async (): Promise<void> => {
      const [row] = await inScope(ds, { role: 'outbox_relay' }, async (em) => {
        return em.query(
          `select count(*)::int as n, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
             from outbox where published_at is null`,
        );
      });
      pending.set(row.n);
      age.set(row.age);
    };
    this.lagTimer = setInterval(() => {
      sample().catch((err: unknown) => this.logger.warn({ err }, 'outbox lag sample failed'));
    }, 5000);
    this.lagTimer.unref();
  }
}
