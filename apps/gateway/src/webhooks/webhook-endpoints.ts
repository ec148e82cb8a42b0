import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inTenantTransaction, PgListener } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { type EndpointRow, WebhooksRepository } from './webhooks.repository';

/** A kept endpoint is read again after this long even without a notification (belt and braces, as the app registry). */
const ENDPOINT_CACHE_TTL_MS = 60_000;
const ENDPOINT_CACHE_MAX = 50_000;

const keyOf = (tenantId: string, appId: string): string => `${tenantId}:${appId}`;

/**
 * Apps' webhook endpoints (callback URLs, encrypted secret) in memory, so neither the consumer
 * that creates deliveries nor the dispatcher that signs them reads `webhook_endpoints` per event
 * (it did 2.2 times per payment). The app registry's pattern (registry.service.ts): every change
 * to the table notifies `webhooks_<schema>` (migration 1768300000000) and each gateway instance
 * drops that endpoint at once, and everything when its listener (re)connects; without a
 * connected listener nothing is served from memory, and a read that began before a change is
 * not kept. The secret stays encrypted in memory (opened only to sign, as before).
 *
 * A transaction that writes an endpoint (`wrote`) reads that endpoint from the database for the
 * rest of the transaction and keeps nothing of it: its uncommitted row is not shared with others.
 */
@Injectable()
export class WebhookEndpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache = new Map<string, { row: EndpointRow; at: number }>();
  private readonly listener: PgListener;
  /** bumped by every invalidation: a read that started before one is not kept */
  private epoch = 0;
  /** endpoints written by a transaction still open (its manager) */
  private readonly written = new WeakMap<EntityManager, Set<string>>();

  constructor(
    private readonly ds: DataSource,
    private readonly repo: WebhooksRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.listener = new PgListener(ds, PgListener.channelFor(ds, 'webhooks'), {
      onNotify: (payload) => this.invalidate(payload),
      onReset: () => {
        this.epoch++;
        this.cache.clear();
      },
      onError: (err) => this.logger.warn({ err }, 'webhook endpoints listener: connection lost; reconnecting'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  /** Starts listening (the service does it at bootstrap; tests that build the class themselves call it). */
  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  /** `<tenant>:<app>` changed (any other payload: everything). */
  private invalidate(payload: string): void {
    this.epoch++;
    if (this.cache.delete(payload)) return;
    if (!/^[^:]+:[^:]+$/.test(payload)) this.cache.clear();
  }

  /** `em`'s transaction writes this endpoint: from now on it reads it from the database, and it is dropped here. */
  wrote(em: EntityManager, tenantId: string, appId: string): void {
    const key = keyOf(tenantId, appId);
    let keys = this.written.get(em);
    if (!keys) this.written.set(em, (keys = new Set()));
    keys.add(key);
    this.epoch++;
    this.cache.delete(key);
  }

  /** The endpoint, read in `em`'s transaction (the caller's tenant scope) when it is not in memory. */
  find(em: EntityManager, tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    return this.get(tenantId, appId, () => this.repo.findEndpoint(em, tenantId, appId), em);
  }

  /** The endpoint, read in a transaction of its own (the tenant's scope) when it is not in memory. */
  findOutsideTransaction(tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    return this.get(tenantId, appId, () => inTenantTransaction(this.ds, tenantId, (em) => this.repo.findEndpoint(em, tenantId, appId)));
  }

  private async get(tenantId: string, appId: string, read: () => Promise<EndpointRow | undefined>, em?: EntityManager): Promise<EndpointRow | undefined> {
    const key = keyOf(tenantId, appId);
    const dirty = em !== undefined && this.written.get(em)?.has(key) === true;
    const now = Date.now();
    if (!dirty) {
      const hit = this.cache.get(key);
      if (hit && this.listener.connected && now - hit.at < ENDPOINT_CACHE_TTL_MS) return hit.row;
    }
    const epoch = this.epoch;
    const row = await read();
    if (row && !dirty && this.listener.connected && epoch === this.epoch) {
      if (this.cache.size >= ENDPOINT_CACHE_MAX) this.cache.clear();
      this.cache.set(key, { row, at: now });
    }
    return row;
  }
}
