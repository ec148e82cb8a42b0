import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { withTraceparent } from '@countypay/observability';
import { HEADER } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';
import { PollingLoop } from './polling-loop';
import { inScope } from '@countypay/persistence';

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
  pollMs: number;
  logger?: MessagingLogger;
  /** called after each published batch (metrics) */
  onPublished?: (count: number) => void;
}

/**
 * Publishes outbox rows to Kafka. Each batch is claimed with FOR UPDATE SKIP LOCKED inside a
 * transaction, published (acks=all), then marked; several relays can run at once and never
 * claim the same row. A crash between publish and commit republishes the batch (at least
 * once); consumers are idempotent on the event id, so effects happen once.
 * Rows of one key are sent in order, one after another; different keys go in parallel.
 */
export class OutboxRelay {
  private readonly loop: PollingLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: Producer,
    private readonly opts: OutboxRelayOptions,
  ) {
    const logger = opts.logger ?? silentLogger;
    this.loop = new PollingLoop({
      round: () => this.publishBatch(),
      batchSize: opts.batchSize,
      pollMs: opts.pollMs,
      onError: (err) => logger.error({ err }, 'outbox relay: publishing a batch failed; it will be retried'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
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
      const byKey = new Map<string, OutboxRow[]>();
      for (const r of rows) {
        const k = `${r.topic}\u0000${r.message_key}`;
        byKey.set(k, [...(byKey.get(k) ?? []), r]);
      }
      await Promise.all(
        [...byKey.values()].map(async (group) => {
          for (const r of group) await this.send(r);
        }),
      );
      await em.query(`update outbox set published_at = now() where seq = any($1::bigint[])`, [rows.map((r) => r.seq)]);
      this.opts.onPublished?.(rows.length);
      return rows.length;
    });
  }

  private send(r: OutboxRow): Promise<unknown> {
    const headers: Record<string, string> = { ...r.headers, [HEADER.tenantId]: r.tenant_id, [HEADER.eventId]: r.id };
    // the kafkajs instrumentation injects the producer span, a child of the stored context
    return withTraceparent(headers[HEADER.traceparent], () =>
      this.producer.send({
        topic: r.topic,
        acks: -1,
        messages: [{ key: `${r.tenant_id}:${r.message_key}`, value: JSON.stringify(r.payload), headers }],
      }),
    );
  }
}
