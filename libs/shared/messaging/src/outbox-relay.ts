import type { DataSource } from 'typeorm';
import type { Producer } from 'kafkajs';
import { startProducerSpan } from '@countypay/observability';
import { HEADER } from './headers';
import type { MessagingLogger } from './logger';
import { silentLogger } from './logger';
import { PollingLoop } from './polling-loop';
import { inScopeStartingWith, PgListener } from '@countypay/persistence';

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
  /**
   * After a notification, the round waits this long (default 0: at once), so that the rows of the
   * commits meanwhile go in the same round: fewer rounds (each a transaction and a produce request)
   * for events no one waits for within that time.
   */
  gatherMs?: number;
  logger?: MessagingLogger;
  /** called after each published batch (metrics) */
  onPublished?: (count: number) => void;
}

/**
 * Publishes outbox rows to Kafka. Each batch is claimed and marked with FOR UPDATE SKIP LOCKED
 * inside a transaction, published (acks=all), then committed; several relays can run at once and
 * never claim the same row. A failed publish rolls the mark back; a crash between publish and
 * commit republishes the batch (at least once); consumers are idempotent on the event id, so
 * effects happen once. A batch goes in one produce request; rows of one key keep their order.
 *
 * Where the claim starts (issue 14): a published row leaves a dead entry in the partial index
 * `outbox_unpublished_idx` until VACUUM, and a claim that started at the lowest seq read them all
 * (≈ 600 buffers a claim on a busy outbox). While its listener is connected the relay keeps a
 * FLOOR instead: every committed row at or below it is published, or a notification naming a
 * lower seq is on its way — the insert trigger (`outboxNotifySql`) notifies the lowest seq each
 * transaction wrote, delivered after its commit, and each notification lowers the floor of the
 * next round. A round that claimed rows raises the floor to the highest it claimed (every
 * visible, unlocked row below it was claimed with it, `order by seq`). From zero (a full scan):
 * after the listener (re)connects, a notification without a seq, and at least every
 * `listeningPollMs` (the safety net: rows a crashed relay held locked when this one passed).
 */
export class OutboxRelay {
  private readonly loop: PollingLoop;
  private readonly sendBatch: Producer['sendBatch'];
  private readonly listener: PgListener;
  /** every committed row with seq ≤ floor is published, or a notification naming a lower one is pending */
  private floor = 0n;
  /** the lowest seq notified since the current round began (0: unknown, scan everything) */
  private notified: bigint | undefined;
  private lastFullScanAt = 0;
  private readonly fullScanMs: number;

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
    this.fullScanMs = opts.listeningPollMs ?? 30_000;
    this.listener = new PgListener(ds, PgListener.channelFor(ds, 'outbox'), {
      onNotify: (payload) => {
        this.lower(/^\d{1,19}$/.test(payload) ? BigInt(payload) : 0n);
        this.loop.wake(opts.gatherMs ?? 0);
      },
      onReset: () => {
        this.lower(0n);
        this.wake();
      },
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

  /** A row at `seq` was committed (0: something may have been, anywhere): the next round scans from below it. */
  private lower(seq: bigint): void {
    if (this.notified === undefined || seq < this.notified) this.notified = seq;
  }

  /** Where this round's claim starts: the floor, lowered by what was notified since the last round; 0 without a listener. */
  private roundFloor(): bigint {
    const notified = this.notified;
    this.notified = undefined;
    const now = Date.now();
    if (!this.listener.connected || now - this.lastFullScanAt >= this.fullScanMs) {
      this.lastFullScanAt = now;
      return 0n;
    }
    if (notified === undefined) return this.floor;
    const below = notified > 0n ? notified - 1n : 0n;
    return below < this.floor ? below : this.floor;
  }

  /**
   * Claims, marks and publishes one batch in ONE transaction of three round trips: begin + claim
   * and mark (one message: `update … returning` over the rows locked `for update skip locked`),
   * the produce request, commit. Returns how many rows it published.
   */
  async publishBatch(): Promise<number> {
    const floor = this.roundFloor();
    const batch = Math.max(1, Math.floor(this.opts.batchSize));
    let highest = floor;
    try {
      const published = await inScopeStartingWith<OutboxRow, number>(
        this.ds,
        { role: 'outbox_relay' },
        // literals: a checked integer and a bigint (the message is a simple query, see inScopeStartingWith)
        `with claimed as materialized (
           select seq from outbox
            where published_at is null and seq > ${floor.toString()}
            order by seq
            limit ${batch}
            for update skip locked)
         update outbox o set published_at = now()
           from claimed c
          where o.seq = c.seq
         returning o.seq, o.id, o.tenant_id, o.topic, o.message_key, o.payload, o.headers`,
        async (rows) => {
          if (rows.length === 0) return 0;
          // publish in seq order (per key, Kafka keeps the order of the produce request)
          const ordered = rows.map((r) => ({ ...r, n: BigInt(r.seq) })).sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
          await this.sendAll(ordered);
          highest = ordered[ordered.length - 1]!.n;
          return rows.length;
        },
      );
      // committed: every row up to the highest claimed that was visible and unlocked is published
      this.floor = highest;
      if (published > 0) this.opts.onPublished?.(published);
      return published;
    } catch (err) {
      // rolled back: the next round starts where this one did
      this.floor = floor;
      throw err;
    }
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
