import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope } from '@countypay/contracts';
import { runWithTenant } from '@countypay/tenancy';
import { bindTenant, col, execute, inTenantTransaction, isDatabaseUnavailable, isTransientConflict, many, rowOf } from '@countypay/persistence';
import { inConsumerSpan } from '@countypay/observability';
import { parseEnvelope, InvalidMessageError } from './parse-envelope';
import { deadLetter } from './dead-letter';
import { decodeHeaders } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';

interface ChunkItem {
  message: KafkaMessage;
  headers: Record<string, string>;
  envelope?: EventEnvelope<object>;
  invalid?: InvalidMessageError;
}

/** At most this many events commit in one transaction. */
const BATCH_CHUNK = 100;
/** A batch that met a deadlock or serialization failure is run again whole this many times before it is halved. */
const CONFLICT_RETRIES = 5;
const INBOX_ID = rowOf({ eventId: col.uuid() });
/** While the database is unavailable, an event is tried again this often (its attempts are not used up). */
const DATABASE_WAIT_MS = 1000;

export type EventHandler<T extends object> = (event: EventEnvelope<T>, em: EntityManager) => Promise<void>;

export interface Subscription<T extends object> {
  readonly event: EventDefinition<T>;
  readonly handle: EventHandler<T>;
  /**
   * Optional: the same effect written for a whole batch at once, in ONE statement of its own (no
   * consumer transaction). Used when this is the only subscription of its topic; `handle` is then
   * not called by the consumer.
   */
  readonly batch?: BatchWriter<T>;
}

/** A consumer event with what its subscription's {@link BatchWriter.prepare} made of it. */
export interface PreparedEvent<T extends object, P = unknown> {
  readonly envelope: EventEnvelope<T>;
  readonly prepared: P;
}

/**
 * Writes a batch of one topic's events in ONE statement that is its own transaction — their inbox
 * rows `(consumer, event_id, tenant_id, topic)` and the effects of the events not in the inbox yet,
 * every tenant of the batch under its own tenant scope — and returns the ids of the events it found
 * new (a redelivered event: not among them, and no effect written again). What makes the writer
 * exactly once is that the inbox rows and the effects commit together in that one statement.
 */
export interface BatchWriter<T extends object, P = unknown> {
  /** Per event, in the event's consumer span and tenant context, before the write (reads only: it may run again on a retry). */
  prepare(event: EventEnvelope<T>): Promise<P>;
  /** The one statement for `events` (distinct ids, in offset order). */
  write(consumer: string, topic: string, events: ReadonlyArray<PreparedEvent<T, P>>): Promise<ReadonlySet<string>>;
}

/** Pairs an event with its handler, keeping the data type; `batch`: the handler's batch form (see {@link Subscription.batch}). */
export function on<T extends object>(event: EventDefinition<T>, handle: EventHandler<T>, batch?: BatchWriter<T>): Subscription<T> {
  return batch ? { event, handle, batch } : { event, handle };
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
  /**
   * How long the group waits for a silent member (a killed or paused instance) before giving its
   * partitions to the others, and how long a restarted instance waits to rejoin (6 s: the broker's
   * minimum; heartbeats at most every 2 s while busy).
   */
  sessionTimeoutMs?: number;
  /**
   * Offsets of handled events are committed to Kafka at most this often (and when the consumer
   * stops): an OffsetCommit per consumer per interval instead of one per partition batch. Events
   * handled since the last commit come back after a crash and are skipped by the inbox.
   */
  commitIntervalMs?: number;
  /**
   * After handling a batch smaller than a chunk, the consumer waits this long before its next
   * fetch, so that the events published meanwhile come in one fetch and commit in one transaction
   * per partition. An idle consumer does not wait (its fetch long-polls as before). 0: no wait.
   */
  lingerMs?: number;
}

/** The group's session timeout by default (Kafka's group.min.session.timeout.ms). */
export const CONSUMER_SESSION_TIMEOUT_MS = 6000;
/** The longest a consumer's fetch waits at the broker for new messages (kafkajs' default; returns at once when one arrives). */
export const CONSUMER_MAX_WAIT_MS = 5000;
/** How often a busy consumer commits its offsets by default (Kafka's auto.commit.interval.ms is 5 s). */
export const CONSUMER_COMMIT_INTERVAL_MS = 1000;
/** How long a busy consumer lets events gather before its next fetch by default (payment → ledger-posted p99 budget: 500 ms). */
export const CONSUMER_LINGER_MS = 50;

/** The batch writer of a topic whose only subscription has one. */
function batchWriterOf(subs: ReadonlyArray<Subscription<object>>): BatchWriter<object> | undefined {
  return subs.length === 1 ? subs[0]!.batch : undefined;
}

/**
 * Consumes events exactly once in effect: the handler's writes and the `(consumer, event id)`
 * inbox row commit in one transaction, scoped to the event's tenant; the Kafka offset is
 * committed only after that commit. Events arrive in batches; up to 100 of a partition commit
 * together (each under its own tenant), which is what lets a consumer keep up with the payments. A redelivered event finds its inbox row and is skipped.
 * A topic whose only subscription has a {@link BatchWriter} commits each chunk in that writer's
 * one statement instead (inbox rows included), with the same halving, retries and dead letters.
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
  /** the next offset of each partition handled (database committed) but not yet committed to Kafka */
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommitAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  /** a flush in progress: commits are serialised so that an older offset never lands after a newer one */
  private flushing: Promise<void> = Promise.resolve();
  /** aborts a consumer's linger when it stops */
  private lingerAbort = new AbortController();

  constructor(
    private readonly kafka: Kafka,
    private readonly ds: DataSource,
    private readonly dlqProducer: Producer,
    private readonly opts: IdempotentConsumerOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    for (const sub of opts.subscriptions) this.byTopic.set(sub.event.topic, [...(this.byTopic.get(sub.event.topic) ?? []), sub]);
  }

  /**
   * Joins the group and runs; resolves once the consumer has joined (which waits for the session of
   * a member that died without leaving). Services use {@link startInBackground}.
   */
  async start(): Promise<void> {
    const sessionTimeout = this.opts.sessionTimeoutMs ?? CONSUMER_SESSION_TIMEOUT_MS;
    // Idle, a consumer costs the broker one long poll (maxWaitTime) and one heartbeat per poll:
    // kafkajs heartbeats from its fetch loop, so the poll must return well within the session
    // (5 s of 6 s; a longer poll needs a longer session, i.e. slower fail-over). Busy, a heartbeat
    // goes out after a batch at most every heartbeatInterval: a third of the session, as Kafka
    // advises (it was a sixth: twice the heartbeats for nothing). docs/perf/throughput.md "tpgw".
    const consumer = this.kafka.consumer({
      groupId: this.opts.name,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 3)),
      maxWaitTimeInMs: Math.min(CONSUMER_MAX_WAIT_MS, Math.floor((sessionTimeout * 5) / 6)),
    });
    this.consumer = consumer;
    this.stopping = false;
    this.pending.clear();
    this.lastCommitAt = Date.now();
    this.lingerAbort = new AbortController();
    // a rebalance may have given a partition to another member: its offset is no longer ours to commit
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment;
      for (const [key, p] of this.pending) if (!assigned[p.topic]?.includes(p.partition)) this.pending.delete(key);
    });
    // kafkajs does not restart a consumer after a non-retriable error — e.g. an offset commit
    // refused because the group evicted this member while it was paused past its session — and the
    // service would run on without consuming: such a crash rejoins the group in the background
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      this.logger.error({ err: payload.error, group: this.opts.name }, 'consumer crashed and kafkajs does not restart it; rejoining the group');
      void this.rejoinAfterCrash(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: this.opts.fromBeginning ?? true });
    // the consumer's own run, not the kafkajs instrumentation's wrapper: it would put every batch in
    // a trace of its own; each event gets a span here, child of the span that published it
    const run = consumer.run as Consumer['run'] & { __original?: Consumer['run'] };
    await (run.__original ?? run).call(consumer, {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async (payload) => {
        await this.track(() => this.handleBatch(payload));
        if (payload.batch.messages.length < BATCH_CHUNK) await this.linger();
      },
    });
  }

  /**
   * Starts without waiting for the group: a restarted service listens at once while it rejoins
   * (the join waits for its dead predecessor's session). Should the start fail (Kafka down), it is
   * tried again every second until it runs or {@link stop} is called; `started` settles when it runs.
   */
  startInBackground(): void {
    this.stopping = false;
    this.started = (async () => {
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.start();
          return;
        } catch (err) {
          this.logger.warn({ err, attempt }, 'consumer start failed; trying again in 1 s');
          await this.consumer?.disconnect().catch(() => undefined);
          this.consumer = undefined;
          await sleep(1000);
        }
      }
    })();
  }

  private async rejoinAfterCrash(crashed: Consumer): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await crashed.disconnect().catch(() => undefined);
    if (this.stopping || this.consumer !== crashed) return;
    this.consumer = undefined;
    this.startInBackground();
  }

  /** settles when a {@link startInBackground} has joined the group (or given up on stop) */
  started: Promise<void> = Promise.resolve();

  /**
   * Stops after the messages in flight have committed, database and offset. kafkajs ignores
   * offset commits once its runner is stopping, so they must land before `disconnect()`; a message
   * that arrives meanwhile is left unhandled and uncommitted (the group gets it again).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.lingerAbort.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.flush().catch((err: unknown) =>
      this.logger.warn({ err, group: this.opts.name }, 'offset commit on stop failed; the group gets those events again'),
    );
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private track(work: () => Promise<void>): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const handled: Promise<void> = work().finally(() => this.inFlight.delete(handled));
    this.inFlight.add(handled);
    return handled;
  }

  /**
   * A batch of one partition, in chunks: each chunk's events — their inbox rows and their effects —
   * commit in ONE database transaction, then the chunk's offset. Should the transaction fail, the
   * chunk is halved and each half tried again, down to single events (retried, then dead-lettered),
   * so one bad event never holds up or fails the others, and the rest still commit in batches.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const { topic, partition } = batch;
    const subs = this.byTopic.get(topic);
    for (let from = 0; from < batch.messages.length; from += BATCH_CHUNK) {
      if (this.stopping || !isRunning() || isStale()) return;
      const chunk = batch.messages.slice(from, from + BATCH_CHUNK).map((message) => {
        const headers = decodeHeaders(message.headers as Record<string, unknown>);
        try {
          if (!subs?.length) throw new InvalidMessageError('unknown_topic', `no subscription for topic ${topic}`);
          return { message, headers, envelope: parseEnvelope(message.value, headers, subs[0]!.event) };
        } catch (err) {
          return { message, headers, invalid: err instanceof InvalidMessageError ? err : new InvalidMessageError('invalid_message', String(err)) };
        }
      });
      const done = await this.commitChunk(topic, partition, chunk, subs ?? [], heartbeat);
      if (done) resolveOffset(chunk[chunk.length - 1]!.message.offset);
      else return;
      await heartbeat();
    }
  }

  /** Commits `chunk` (in order), halving it on failure; false when stopping cut it short. */
  private async commitChunk(
    topic: string,
    partition: number,
    chunk: ReadonlyArray<ChunkItem>,
    subs: ReadonlyArray<Subscription<object>>,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    if (this.stopping) return false;
    const valid = chunk.filter((p): p is ChunkItem & { envelope: EventEnvelope<object> } => p.envelope !== undefined);
    if (chunk.length === 1 || valid.length === 0 || subs.length === 0) {
      for (const item of chunk) {
        if (this.stopping) return false;
        if (item.invalid) {
          await this.deadLetterInvalid(topic, partition, item.message, item.headers, item.invalid);
          await this.commit(topic, partition, (BigInt(item.message.offset) + 1n).toString());
        } else await this.handleMessage({ topic, partition, message: item.message, heartbeat }, item.envelope);
      }
      return true;
    }
    let outcomes: Array<'processed' | 'duplicate'>;
    try {
      outcomes = await this.applyBatchRetryingConflicts(subs, valid, topic, heartbeat);
    } catch (err) {
      if (this.stopping) return false;
      this.logger.warn({ topic, partition, events: valid.length, err }, 'batch transaction failed; trying its halves');
      const half = Math.ceil(chunk.length / 2);
      return (
        (await this.commitChunk(topic, partition, chunk.slice(0, half), subs, heartbeat)) &&
        this.commitChunk(topic, partition, chunk.slice(half), subs, heartbeat)
      );
    }
    valid.forEach((p, i) => this.opts.onOutcome?.(outcomes[i]!, topic, p.envelope.tenantId));
    if (this.opts.afterCommit) for (let i = 0; i < valid.length; i++) if (outcomes[i] === 'processed') await this.opts.afterCommit(valid[i]!.envelope);
    for (const item of chunk) if (item.invalid) await this.deadLetterInvalid(topic, partition, item.message, item.headers, item.invalid);
    await this.commit(topic, partition, (BigInt(chunk[chunk.length - 1]!.message.offset) + 1n).toString());
    return true;
  }

  /** A deadlock or serialization failure says nothing about the events: the same batch runs again after a short, jittered pause. */
  private async applyBatchRetryingConflicts(
    subs: ReadonlyArray<Subscription<object>>,
    items: ReadonlyArray<{ envelope: EventEnvelope<object>; headers: Record<string, string> }>,
    topic: string,
    heartbeat: () => Promise<void>,
  ): Promise<Array<'processed' | 'duplicate'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const writer = batchWriterOf(subs);
        return await (writer ? this.applyWriter(writer, items, topic) : this.applyBatch(subs, items, topic));
      } catch (err) {
        if (!isTransientConflict(err) || attempt > CONFLICT_RETRIES || this.stopping) throw err;
        this.logger.warn({ topic, events: items.length, attempt, err }, 'batch transaction met a lock conflict; running it again');
        await this.pause(Math.round(20 * attempt * (1 + Math.random())), heartbeat);
      }
    }
  }

  /**
   * One transaction for several events: their inbox rows (one statement per tenant), then the
   * effects of those not seen before, each under its own tenant's scope and in its own span.
   */
  private applyBatch(
    subs: ReadonlyArray<Subscription<object>>,
    items: ReadonlyArray<{ envelope: EventEnvelope<object>; headers: Record<string, string> }>,
    topic: string,
  ): Promise<Array<'processed' | 'duplicate'>> {
    return inTenantTransaction(this.ds, items[0]!.envelope.tenantId, async (em) => {
      const outcomes: Array<'processed' | 'duplicate'> = new Array(items.length).fill('duplicate');
      const byTenant = new Map<string, number[]>();
      items.forEach((it, i) => byTenant.set(it.envelope.tenantId, [...(byTenant.get(it.envelope.tenantId) ?? []), i]));
      for (const [tenantId, indexes] of byTenant) {
        await bindTenant(em, tenantId);
        const fresh = new Set(
          (
            await many(
              em,
              INBOX_ID,
              `insert into inbox (consumer, event_id, tenant_id, topic)
               select $1, e, $2, $3 from unnest($4::uuid[]) as e
               on conflict (consumer, event_id) do nothing returning event_id`,
              [this.opts.name, tenantId, topic, indexes.map((i) => items[i]!.envelope.id)],
            )
          ).map((r) => r.eventId),
        );
        for (const i of indexes) {
          const { envelope, headers } = items[i]!;
          if (!fresh.delete(envelope.id)) continue;
          await runWithTenant(tenantId, () =>
            inConsumerSpan(topic, headers, { 'tenant.id': tenantId, 'messaging.event_id': envelope.id, 'messaging.consumer': this.opts.name }, async () => {
              for (const sub of subs) await sub.handle(envelope, em);
            }),
          );
          outcomes[i] = 'processed';
        }
      }
      return outcomes;
    });
  }

  /**
   * A topic whose only subscription writes batches: each event prepared in its consumer span and
   * tenant context, then ONE statement (the writer's) for the inbox rows and the effects of all.
   */
  private async applyWriter(
    writer: BatchWriter<object>,
    items: ReadonlyArray<{ envelope: EventEnvelope<object>; headers: Record<string, string> }>,
    topic: string,
  ): Promise<Array<'processed' | 'duplicate'>> {
    const prepared: Array<PreparedEvent<object>> = [];
    const ids = new Set<string>();
    for (const { envelope, headers } of items) {
      if (ids.has(envelope.id)) continue; // the same event twice in a batch: the second is a duplicate
      ids.add(envelope.id);
      const attrs = { 'tenant.id': envelope.tenantId, 'messaging.event_id': envelope.id, 'messaging.consumer': this.opts.name };
      prepared.push({
        envelope,
        prepared: await runWithTenant(envelope.tenantId, () => inConsumerSpan(topic, headers, attrs, () => writer.prepare(envelope))),
      });
    }
    const fresh = new Set(await writer.write(this.opts.name, topic, prepared));
    return items.map((it) => (fresh.delete(it.envelope.id) ? 'processed' : 'duplicate'));
  }

  private async deadLetterInvalid(
    topic: string,
    partition: number,
    message: KafkaMessage,
    headers: Record<string, string>,
    e: InvalidMessageError,
  ): Promise<void> {
    await deadLetter(this.dlqProducer, { topic, partition, message, headers, group: this.opts.name, code: e.code, error: e.message, attempts: 0 });
    this.logger.warn({ topic, partition, offset: message.offset, code: e.code }, 'invalid message sent to the dead-letter topic');
    this.opts.onOutcome?.('dead_lettered', topic);
  }

  /**
   * One event on its own (a chunk whose transaction failed, or a chunk of one): retries, then the
   * dead-letter topic. `parsed` is its envelope when the batch already parsed and validated it.
   */
  private async handleMessage(
    payload: Pick<EachMessagePayload, 'topic' | 'partition' | 'message' | 'heartbeat'>,
    parsed?: EventEnvelope<object>,
  ): Promise<void> {
    const { topic, partition, message, heartbeat } = payload;
    const next = (BigInt(message.offset) + 1n).toString();
    const subs = this.byTopic.get(topic);
    const headers = decodeHeaders(message.headers as Record<string, unknown>);
    let envelope: EventEnvelope<object>;
    try {
      if (!subs?.length) throw new InvalidMessageError('unknown_topic', `no subscription for topic ${topic}`);
      envelope = parsed ?? parseEnvelope(message.value, headers, subs[0].event);
    } catch (err) {
      await this.deadLetterInvalid(
        topic,
        partition,
        message,
        headers,
        err instanceof InvalidMessageError ? err : new InvalidMessageError('invalid_message', String(err)),
      );
      await this.commit(topic, partition, next);
      return;
    }

    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await runWithTenant(envelope.tenantId, () =>
          inConsumerSpan(topic, headers, { 'tenant.id': envelope.tenantId, 'messaging.event_id': envelope.id, 'messaging.consumer': this.opts.name }, () =>
            this.applyOnce(subs!, envelope, topic),
          ),
        );
        this.opts.onOutcome?.(outcome, topic, envelope.tenantId);
        if (outcome === 'processed' && this.opts.afterCommit) await this.opts.afterCommit(envelope);
        break;
      } catch (err) {
        // the database being down (a restart, a failover) is not the event's fault either: it waits,
        // a second at a time, without using up attempts, rather than dead-lettering good events
        if (isDatabaseUnavailable(err) && !this.stopping) {
          attempt--;
          this.logger.warn({ topic, eventId: envelope.id, err }, 'database unavailable; the event waits for it');
          await this.pause(DATABASE_WAIT_MS, heartbeat);
          continue;
        }
        // a lock conflict is not the event's fault: it does not use up an attempt (within reason)
        if (isTransientConflict(err) && conflicts++ < CONFLICT_RETRIES * 4 && !this.stopping) {
          attempt--;
          await this.pause(Math.round(20 * conflicts * (1 + Math.random())), heartbeat);
          continue;
        }
        if (attempt >= this.opts.maxAttempts) {
          const msg = err instanceof Error ? err.message : String(err);
          await deadLetter(this.dlqProducer, {
            topic,
            partition,
            message,
            headers,
            group: this.opts.name,
            code: 'handler_failed',
            error: msg,
            attempts: attempt,
          });
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
  private async applyOnce(subs: ReadonlyArray<Subscription<object>>, envelope: EventEnvelope<object>, topic: string): Promise<'processed' | 'duplicate'> {
    const writer = batchWriterOf(subs);
    if (writer) {
      // already in the event's span: prepared and written as a batch of one
      const fresh = await writer.write(this.opts.name, topic, [{ envelope, prepared: await writer.prepare(envelope) }]);
      return fresh.has(envelope.id) ? 'processed' : 'duplicate';
    }
    return inTenantTransaction(this.ds, envelope.tenantId, async (em) => {
      const inserted = await execute(
        em,
        `insert into inbox (consumer, event_id, tenant_id, topic) values ($1, $2, $3, $4)
         on conflict (consumer, event_id) do nothing`,
        [this.opts.name, envelope.id, envelope.tenantId, topic],
      );
      if (inserted === 0) return 'duplicate';
      for (const sub of subs) await sub.handle(envelope, em);
      return 'processed';
    });
  }

  /**
   * Records `offset` as the partition's next one to commit; commits the pending offsets when the
   * commit interval has passed since the last commit, else at its end (a timer). The database
   * commit of every event before `offset` has happened: a crash before the Kafka commit redelivers
   * them and the inbox skips them.
   */
  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    if (!this.consumer) return;
    this.pending.set(`${topic}|${partition}`, { topic, partition, offset });
    const interval = this.opts.commitIntervalMs ?? CONSUMER_COMMIT_INTERVAL_MS;
    const wait = this.lastCommitAt + interval - Date.now();
    if (wait <= 0) {
      await this.flush();
      return;
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      if (this.stopping) return;
      this.flush().catch((err: unknown) =>
        this.logger.warn({ err, group: this.opts.name }, 'periodic offset commit failed; the group gets those events again'),
      );
    }, wait).unref();
  }

  /** Commits every pending offset (one OffsetCommit request), after any commit already under way. */
  private flush(): Promise<void> {
    const run = this.flushing
      .catch(() => undefined)
      .then(async () => {
        clearTimeout(this.commitTimer);
        this.commitTimer = undefined;
        const consumer = this.consumer;
        if (!consumer || this.pending.size === 0) return;
        const offsets = [...this.pending.values()];
        this.pending.clear();
        this.lastCommitAt = Date.now();
        await consumer.commitOffsets(offsets);
      });
    this.flushing = run;
    return run;
  }

  /** Lets events gather before the next fetch (see {@link IdempotentConsumerOptions.lingerMs}); ends at once on stop. */
  private async linger(): Promise<void> {
    const ms = this.opts.lingerMs ?? CONSUMER_LINGER_MS;
    if (ms <= 0 || this.stopping) return;
    await sleep(ms, undefined, { signal: this.lingerAbort.signal }).catch(() => undefined);
  }

  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await sleep(Math.min(1000, until - Date.now()));
      await heartbeat();
    }
  }
}
