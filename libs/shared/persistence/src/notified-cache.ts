import type { DataSource } from 'typeorm';
import { PgListener } from './listener';

/**
 * What a notification drops: the one key it names, the entries a predicate selects, or — for a
 * payload the cache does not understand — everything (`'all'`).
 */
export type NotifiedDrop<V> = string | ((key: string, value: V) => boolean) | 'all';

export interface NotifiedCacheOptions<V> {
  /** the channel's base name: the cache listens on `<base>_<schema>` of its data source (`PgListener.channelFor`) */
  channel: string;
  /** entries kept before the copy starts afresh */
  max: number;
  /** an entry is read again after this long even without a notification (belt and braces); none when absent */
  ttlMs?: number;
  /** what a notification's payload drops (default: the key equal to the payload) */
  drops?: (payload: string) => NotifiedDrop<V>;
  /** the listener's connection was lost (it reconnects by itself) */
  onError?: (err: unknown) => void;
}

/**
 * Rows of a service's own tables kept in memory and dropped by PostgreSQL notifications (issue 14:
 * a hot read per request or per event becomes a map look-up). Every change to the rows notifies
 * `<channel>_<schema>` (a trigger of the service's migration); each instance drops what changed at
 * once, and everything when its listener (re)connects — notifications may have been missed. The
 * rules every user of it relies on:
 *
 * - without a connected listener (not yet connected, lost) nothing is served from memory and
 *   nothing is kept: every read goes to the database;
 * - a read that began before a notification is not kept (`epoch`): it may have seen the row
 *   before the change;
 * - a transaction that wrote a row (`wrote(em, key)`) reads it from the database for the rest of
 *   the transaction and keeps nothing of it: its uncommitted row is not shared with others and a
 *   rollback leaves nothing behind.
 *
 * Several instances each keep their own copy, all told by the same notifications.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private readonly listener: PgListener;
  /** bumped by every invalidation: a read that started before one is not kept */
  private epoch = 0;
  /** keys written by a transaction still open (its entity manager, or whatever identifies it) */
  private readonly written = new WeakMap<object, Set<string>>();

  constructor(
    ds: DataSource,
    private readonly options: NotifiedCacheOptions<V>,
  ) {
    this.listener = new PgListener(ds, PgListener.channelFor(ds, options.channel), {
      onNotify: (payload) => this.drop(options.drops ? options.drops(payload) : payload),
      onReset: () => this.drop('all'),
      onError: options.onError,
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  /** true while answers may come from memory (the listener is in place) */
  get serving(): boolean {
    return this.listener.connected;
  }

  /** entries in memory now */
  get size(): number {
    return this.entries.size;
  }

  /** Drops the key, the entries a predicate selects, or everything; a read under way is not kept. */
  drop(what: NotifiedDrop<V>): void {
    this.epoch++;
    if (what === 'all') this.entries.clear();
    else if (typeof what === 'string') this.entries.delete(what);
    else for (const [key, entry] of this.entries) if (what(key, entry.value)) this.entries.delete(key);
  }

  /** `tx`'s transaction writes `key`: from now on it reads it from the database, and it is dropped here. */
  wrote(tx: object, key: string): void {
    let keys = this.written.get(tx);
    if (!keys) this.written.set(tx, (keys = new Set()));
    keys.add(key);
    this.drop(key);
  }

  /**
   * The value of `key`: from memory when kept (and fresh), else `read()` — kept when it found
   * something, the listener is connected, nothing was notified meanwhile and `tx` (the caller's
   * transaction, when it reads in one) has not written the key. Nothing found is not kept.
   */
  async get(key: string, read: () => Promise<V | undefined>, tx?: object): Promise<V | undefined> {
    const dirty = tx !== undefined && this.written.get(tx)?.has(key) === true;
    const now = Date.now();
    if (!dirty && this.serving) {
      const hit = this.entries.get(key);
      if (hit && (this.options.ttlMs === undefined || now - hit.at < this.options.ttlMs)) return hit.value;
    }
    const epoch = this.epoch;
    const value = await read();
    if (value !== undefined && !dirty && this.serving && epoch === this.epoch) {
      if (this.entries.size >= this.options.max) this.entries.clear();
      this.entries.set(key, { value, at: now });
    }
    return value;
  }
}
