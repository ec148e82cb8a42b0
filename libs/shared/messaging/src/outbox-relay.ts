import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { runDetached, withTraceparent } from '@countypay/observability';
import { HEADER } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';

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
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private pending: Promise<void> = Promise.resolve();
  private readonly logger: MessagingLogger;

  constructor(
    private readonly ds: DataSource,
    private readonly producer: Producer,
    private readonly opts: OutboxRelayOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pending;
  }

  /** Publishes now instead of at the next poll (call after committing an event). */
  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    // detached: a wake() from inside a request must not make later batches part of its trace
    this.timer = runDetached(() =>
      setTimeout(() => {
        this.pending = this.tick();
      }, ms),
    );
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let next = this.opts.pollMs;
    try {
      const n = await this.publishBatch();
      if (n === this.opts.batchSize) next = 0; // more waiting: keep going
    } catch (err) {
      this.logger.error({ err }, 'outbox relay: publishing a batch failed; it will be retried');
      next = Math.min(this.opts.pollMs * 4, 5000);
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.schedule(next);
  }

  /** Claims, publishes and marks one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    return this.ds.transaction(async (em) => {
      await em.query(`select set_config('app.outbox_relay', 'on', true)`);
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
