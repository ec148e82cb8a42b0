import { Client } from 'pg';
import type { DataSource } from 'typeorm';

export interface ListenerHandlers {
  /** a notification on the channel, with its payload */
  onNotify(payload: string): void;
  /**
   * The listener was (re)connected — or lost: notifications may have been missed, so whatever
   * was kept because of them must be dropped or re-read now.
   */
  onReset(): void;
  onError?(err: unknown): void;
}

/**
 * LISTEN on a PostgreSQL channel over a dedicated connection of the service's database (its
 * own role and schema), reconnecting with backoff when the connection is lost. A process that
 * waits for work this way costs nothing while idle — no polling.
 */
export class PgListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  /** true while LISTEN is in place (nothing can have been missed since the last onReset) */
  connected = false;

  constructor(
    private readonly ds: DataSource,
    readonly channel: string,
    private readonly handlers: ListenerHandlers,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  }

  /** The channel name for `base` in this data source's schema (each schema its own channel). */
  static channelFor(ds: DataSource, base: string): string {
    const schema = (ds.options as { schema?: string }).schema ?? 'public';
    return `${base}_${schema}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.connected = false;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const opts = this.ds.options as { url?: string; schema?: string; applicationName?: string };
    const client = new Client({
      connectionString: opts.url,
      application_name: `${opts.applicationName ?? 'countypay'}-listen`,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    client.on('notification', (n) => {
      if (n.channel === this.channel) this.handlers.onNotify(n.payload ?? '');
    });
    const lost = (err?: unknown): void => {
      if (this.client !== client) return;
      this.client = undefined;
      this.connected = false;
      if (err) this.handlers.onError?.(err);
      this.handlers.onReset();
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', (err) => lost(err));
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
    } catch (err) {
      await client.end().catch(() => {});
      this.handlers.onError?.(err);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connected = true;
    this.backoffMs = 500;
    // anything notified before LISTEN was in place was missed
    this.handlers.onReset();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
  }
}
