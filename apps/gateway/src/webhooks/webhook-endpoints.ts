import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inTenantTransaction, NotifiedCache } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { type EndpointRow, WebhooksRepository } from './webhooks.repository';

/** A kept endpoint is read again after this long even without a notification (belt and braces, as the app registry). */
const ENDPOINT_CACHE_TTL_MS = 60_000;
const ENDPOINT_CACHE_MAX = 50_000;

const keyOf = (tenantId: string, appId: string): string => `${tenantId}:${appId}`;
const ENDPOINT_KEY = /^[^:]+:[^:]+$/;

/**
 * Apps' webhook endpoints (callback URLs, encrypted secret) in memory, so neither the consumer
 * that creates deliveries nor the dispatcher that signs them reads `webhook_endpoints` per event
 * (it did 2.2 times per payment). The app registry's pattern (registry.service.ts): every change
 * to the table notifies `webhooks_<schema>` (migration 1768300000000) and each gateway instance
 * drops that endpoint at once, and everything when its listener (re)connects; without a
 * connected listener nothing is served from memory, and a read that began before a change is
 * not kept; a transaction that writes an endpoint (`wrote`) reads it from the database for the
 * rest of the transaction (the rules of `NotifiedCache`). The secret stays encrypted here; its
 * signing key is kept beside the copy, and goes with it (`WebhookSecrets`).
 */
@Injectable()
export class WebhookEndpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache: NotifiedCache<EndpointRow>;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: WebhooksRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.cache = new NotifiedCache<EndpointRow>(ds, {
      channel: 'webhooks',
      max: ENDPOINT_CACHE_MAX,
      ttlMs: ENDPOINT_CACHE_TTL_MS,
      // `<tenant>:<app>` changed; any other payload: everything
      drops: (payload) => (ENDPOINT_KEY.test(payload) ? payload : 'all'),
      onError: (err) => logger.warn({ err }, 'webhook endpoints listener: connection lost; reconnecting'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.cache.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.stop();
  }

  /** Starts listening (the service does it at bootstrap; tests that build the class themselves call it). */
  start(): Promise<void> {
    return this.cache.start();
  }

  stop(): Promise<void> {
    return this.cache.stop();
  }

  /** `em`'s transaction writes this endpoint: from now on it reads it from the database, and it is dropped here. */
  wrote(em: EntityManager, tenantId: string, appId: string): void {
    this.cache.wrote(em, keyOf(tenantId, appId));
  }

  /** The endpoint, read in `em`'s transaction (the caller's tenant scope) when it is not in memory. */
  find(em: EntityManager, tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    return this.cache.get(keyOf(tenantId, appId), () => this.repo.findEndpoint(em, tenantId, appId), em);
  }

  /** The endpoint, read in a transaction of its own (the tenant's scope) when it is not in memory. */
  findOutsideTransaction(tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    return this.cache.get(keyOf(tenantId, appId), () => inTenantTransaction(this.ds, tenantId, (em) => this.repo.findEndpoint(em, tenantId, appId)));
  }
}
