import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope } from '@countypay/contracts';
import { runWithTenant } from '@countypay/tenancy';
import { inTenantTransaction } from '@countypay/persistence';
import { annotateActiveSpan } from '@countypay/observability';
import { parseEnvelope, InvalidMessageError } from './parse-envelope';
import { deadLetter } from './dead-letter';
import { decodeHeaders } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';

export type EventHandler<T extends object> = (event: EventEnvelope<T>, em: EntityManager) => Promise<void>;

export interface Subscription<T extends object> {
  readonly event: EventDefinition<T>;
  readonly handle: EventHandler<T>;
}

/** Pairs an event with its handler, keeping the data type. */
export function on<T extends object>(event: EventDefinition<T>, handle: EventHandler<T>): Subscription<T> {
  return { event, handle };
}

export interface IdempotentConsumerOptions {
  /** the consumer's name in the inbox and its Kafka group id */
  name: string;
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list of typed subscriptions */
  subscriptions: ReadonlyArray<Subscription<any>>;
  maxAttempts: number;
  backoffMs: number;
  logger?: MessagingLogger;
  fromBeginning?: boolean;
  /** test seam: runs after the database commit and before the offset commit */
  afterCommit?: (event: EventEnvelope) => Promise<void>;
  onOutcome?: (outcome: 'processed' | 'duplicate' | 'dead_lettered' | 'retried', topic: string, tenantId?: string) => void;
}

/**
 * Consumes events exactly once in effect: the handler's writes and the `(consumer, event id)`
 * inbox row commit in one transaction, scoped to the event's tenant; the Kafka offset is
 * committed only after that commit. A redelivered event finds its inbox row and is skipped.
 * A failing handler is retried with exponential backoff; after `maxAttempts` the message goes
 * to `<topic>.dlq` with the error and its original headers. An invalid message goes there at
 * once (retrying cannot fix it).
 */
export class IdempotentConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  /** the messages being handled now: stop() lets them commit first */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly logger: MessagingLogger;
  /** several subscriptions to one topic all run, in order, in the event's one transaction */
  private readonly byTopic = new Map<string, Array<Subscription<object>>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly ds: DataSource,
    private readonly dlqProducer: Producer,
    private readonly opts: IdempotentConsumerOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    for (const sub of opts.subscriptions) this.byTopic.set(sub.event.topic, [...(this.byTopic.get(sub.event.topic) ?? []), sub]);
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.opts.name, sessionTimeout: 30_000, heartbeatInterval: 3000 });
    this.consumer = consumer;
    this.stopping = false;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: this.opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachMessage: (payload) => this.track(payload),
    });
  }

  /**
   * Stops after the messages in flight have committed, database and offset. kafkajs ignores
   * offset commits once its runner is stopping, so they must land before `disconnect()`; a message
   * that arrives meanwhile is left unhandled and uncommitted (the group gets it again).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private track(payload: EachMessagePayload): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const handled: Promise<void> = this.handleMessage(payload).finally(() => this.inFlight.delete(handled));
    this.inFlight.add(handled);
    return handled;
  }

  private async handleMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message, heartbeat } = payload;
    const next = (BigInt(message.offset) + 1n).toString();
    const subs = this.byTopic.get(topic);
    const headers = decodeHeaders(message.headers as Record<string, unknown>);
    let envelope: EventEnvelope<object>;
    try {
      if (!subs?.length) throw new InvalidMessageError('unknown_topic', `no subscription for topic ${topic}`);
      envelope = parseEnvelope(message.value, headers, subs[0].event);
    } catch (err) {
      const e = err instanceof InvalidMessageError ? err : new InvalidMessageError('invalid_message', String(err));
      await deadLetter(this.dlqProducer, { topic, partition, message, headers, group: this.opts.name, code: e.code, error: e.message, attempts: 0 });
      this.logger.warn({ topic, partition, offset: message.offset, code: e.code }, 'invalid message sent to the dead-letter topic');
      this.opts.onOutcome?.('dead_lettered', topic);
      await this.commit(topic, partition, next);
      return;
    }
    annotateActiveSpan({ 'tenant.id': envelope.tenantId, 'messaging.event_id': envelope.id, 'messaging.consumer': this.opts.name });

    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await runWithTenant(envelope.tenantId, () => this.applyOnce(subs!, envelope, topic));
        this.opts.onOutcome?.(outcome, topic, envelope.tenantId);
        if (outcome === 'processed' && this.opts.afterCommit) await this.opts.afterCommit(envelope);
        break;
      } catch (err) {
        if (attempt >= this.opts.maxAttempts) {
          const msg = err instanceof Error ? err.message : String(err);
          await deadLetter(this.dlqProducer, { topic, partition, message, headers, group: this.opts.name, code: 'handler_failed', error: msg, attempts: attempt });
          this.logger.error({ topic, eventId: envelope.id, attempts: attempt, err }, 'event sent to the dead-letter topic after its last attempt');
          this.opts.onOutcome?.('dead_lettered', topic, envelope.tenantId);
          break;
        }
        // stopping: no more retries here; uncommitted, the message comes back to the group
        if (this.stopping) return;
        const delay = this.opts.backoffMs * 2 ** (attempt - 1);
        this.logger.warn({ topic, eventId: envelope.id, attempt, delayMs: delay, err }, 'event handler failed; retrying');
        this.opts.onOutcome?.('retried', topic, envelope.tenantId);
        await this.pause(delay, heartbeat);
      }
    }
    await this.commit(topic, partition, next);
  }

  /** One transaction: the inbox row, then the side effect. A known event id is a duplicate. */
  private applyOnce(subs: ReadonlyArray<Subscription<object>>, envelope: EventEnvelope<object>, topic: string): Promise<'processed' | 'duplicate'> {
    return inTenantTransaction(this.ds, envelope.tenantId, async (em) => {
      const inserted: unknown[] = await em.query(
        `insert into inbox (consumer, event_id, tenant_id, topic) values ($1, $2, $3, $4)
         on conflict (consumer, event_id) do nothing returning event_id`,
        [this.opts.name, envelope.id, envelope.tenantId, topic],
      );
      if (inserted.length === 0) return 'duplicate';
      for (const sub of subs) await sub.handle(envelope, em);
      return 'processed';
    });
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    await this.consumer?.commitOffsets([{ topic, partition, offset }]);
  }

  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await sleep(Math.min(1000, until - Date.now()));
      await heartbeat();
    }
  }
}
