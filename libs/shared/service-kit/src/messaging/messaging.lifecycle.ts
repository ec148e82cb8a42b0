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
      commitIntervalMs: this.config.CONSUMER_COMMIT_INTERVAL_MS,
      lingerMs: this.config.CONSUMER_LINGER_MS,
      logger: this.logger,
      onOutcome: (outcome, topic, tenant) => outcomes.inc({ topic, outcome, tenant: tenant ?? 'none' }),
    });
    // not awaited: the group join waits for a dead predecessor's session, the service listens meanwhile
    this.consumer.startInBackground();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop().catch((err: unknown) => this.logger.warn({ err }, 'consumer stop failed'));
    await this.relay.stop();
    await this.producer.disconnect().catch(() => {});
    if (this.ds.isInitialized) await this.ds.destroy();
  }

  /** Outbox lag, measured when Prometheus scrapes (no timer: an idle service runs nothing). */
  private registerOutboxLag(): void {
    const ds = this.ds;
    const logger = this.logger;
    let last: Promise<{ n: number; age: number }> | undefined;
    const sample = (): Promise<{ n: number; age: number }> =>
      (last ??= inScope(ds, { role: 'outbox_relay' }, async (em) => {
        const [row] = (await em.query(
          `select count(*)::int as n, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
             from outbox where published_at is null`,
        )) as Array<{ n: number; age: number }>;
        return row ?? { n: 0, age: 0 };
      }).finally(() => setTimeout(() => (last = undefined), 1000).unref()));
    const collect = async function (this: { set: (v: number) => void }, pick: 'n' | 'age'): Promise<void> {
      try {
        this.set((await sample())[pick]);
      } catch (err) {
        logger.warn({ err }, 'outbox lag sample failed');
      }
    };
    this.metrics.gauge('outbox_pending_events', 'Outbox events not yet published', [], function () {
      return collect.call(this, 'n');
    });
    this.metrics.gauge('outbox_oldest_pending_seconds', 'Age of the oldest unpublished outbox event', [], function () {
      return collect.call(this, 'age');
    });
  }
}
