import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { startProducerSpan } from '@countypay/observability';
import { HEADER } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';
import { PollingLoop } from './polling-loop';
import { inScope, PgListener } from '@countypay/persistence';

interface OutboxRow {
  seq: string;
  id: string;
  tenant_id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

export interface OutboxRelayOptions {
  batchSize: number;
  /** the poll interval while no notification can wake the relay (its listener is not connected) */
  pollMs: number;
  /** the safety-net poll interval while notifications wake it (default 30 s) */
  listeningPollMs?: number;
  logger?: MessagingLogger;
  /** called after each published batch (metrics) */
  onPublished?: (count: number) => void;
}

/**
 * Publishes outbox rows to Kafka. Each batch is claimed with FOR UPDATE SKIP LOCKED inside a
 * transaction, published (acks=all), then marked; several relays can run at once and never
 * claim the same row. A crash between publish and commit republishes the batch (at least
 * once); consumers are idempotent on the event id, so effects happen once.
 * A batch goes in one produce request; rows of one key keep their order.
 */
export class OutboxRelay {
  private readonly loop: PollingLoop;
  private readonly sendBatch: Producer['sendBatch'];
  private readonly listener: PgListener;

  constructor(
    private readonly ds: DataSource,
    producer: Producer,
    private readonly opts: OutboxRelayOptions,
  ) {
    // the producer's own sendBatch, not the kafkajs instrumentation's wrapper: it would parent every
    // message's span to one context; sendAll starts each message's span itself
    const send = producer.sendBatch as Producer['sendBatch'] & { __original?: Producer['sendBatch'] };
    this.sendBatch = (send.__original ?? send).bind(producer);
    const logger = opts.logger ?? silentLogger;
    // woken by the outbox's insert trigger (outboxNotifySql): no polling while idle
    this.listener = new PgListener(ds, PgListener.channelFor(ds, 'outbox'), {
      onNotify: () => this.wake(),
      onReset: () => this.wake(),
      onError: (err) => logger.warn({ err }, 'outbox relay: notification listener lost; polling until it is back'),
    });
    this.loop = new PollingLoop({
      round: () => this.publishBatch(),
      batchSize: opts.batchSize,
      pollMs: () => (this.listener.connected ? (opts.listeningPollMs ?? 30_000) : opts.pollMs),
      onError: (err) => logger.error({ err }, 'outbox relay: publishing a batch failed; it will be retried'),
    });
  }

  start(): void {
    this.loop.start();
    void this.listener.start();
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    await this.loop.stop();
  }

  /** Publishes now instead of at the next poll (call after committing an event). */
  wake(): void {
    this.loop.wake();
  }

  /** Claims, publishes and marks one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    return inScope(this.ds, { role: 'outbox_relay' }, async (em) => {
      const rows: OutboxRow[] = await em.query(
        `select seq, id, tenant_id, topic, message_key, payload, headers
           from outbox
          where published_at is null
          order by seq
          limit $1
          for update skip locked`,
        [this.opts.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.sendAll(rows);
      await em.query(`update outbox set published_at = now() where seq = any($1::bigint[])`, [rows.map((r) => r.seq)]);
      this.opts.onPublished?.(rows.length);
      return rows.length;
    });
  }

  /**
   * The whole batch in ONE produce request (acks=all): per topic-partition Kafka keeps the order
   * the rows were claimed in (by seq), so events of one key stay in order. Each message gets a
   * producer span, child of the span that wrote its row (one trace per payment across Kafka).
   */
  private async sendAll(rows: readonly OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
    const spans: Array<{ end: (err?: unknown) => void }> = [];
    for (const r of rows) {
      const headers: Record<string, string> = { ...r.headers, [HEADER.tenantId]: r.tenant_id, [HEADER.eventId]: r.id };
      const key = `${r.tenant_id}:${r.message_key}`;
      spans.push(startProducerSpan(r.topic, key, headers));
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key, value: JSON.stringify(r.payload), headers });
      byTopic.set(r.topic, list);
    }
    try {
      await this.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const s of spans) s.end();
    } catch (err) {
      for (const s of spans) s.end(err);
      throw err;
    }
  }
}
