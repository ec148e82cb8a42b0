import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ServiceUrlsConfig } from '@countypay/config';
import { col, inScope, one, rowOf } from '@countypay/persistence';
import type { ServiceOutboxLag } from './dto/ops-health.dto';
import { outboxLagFromMetrics, serviceNames } from './ops-health';

/** Where the other services listen (the gateway's COUNTYPAY_SERVICE_URLS). */
export const OUTBOX_LAG_SERVICE_URLS = Symbol('OUTBOX_LAG_SERVICE_URLS');

const OWN = rowOf({ pending: col.int(), oldestPendingSeconds: col.float() });
const SCRAPE_TIMEOUT_MS = 2000;

/**
 * Outbox lag per service: the age of the oldest unpublished outbox row and how many wait. Each
 * service owns its outbox, so the gateway reads the other services' own gauges from their
 * Prometheus endpoint (`/metrics`, measured when scraped) — never their tables — and its own
 * outbox directly, in the relay's scope. A service that does not answer is `unavailable`, not an error.
 */
@Injectable()
export class OutboxLag {
  constructor(
    @Inject(OUTBOX_LAG_SERVICE_URLS) private readonly urls: ServiceUrlsConfig,
    private readonly ds: DataSource,
  ) {}

  async measure(): Promise<ServiceOutboxLag[]> {
    const others = serviceNames(this.urls.COUNTYPAY_SERVICE_URLS).filter((s) => s !== 'gateway');
    const [own, ...rest] = await Promise.all([this.own(), ...others.map((s) => this.scrape(s))]);
    return [own, ...rest.filter((r): r is ServiceOutboxLag => r !== undefined)].sort((a, b) => a.service.localeCompare(b.service));
  }

  private async own(): Promise<ServiceOutboxLag> {
    try {
      const row = await inScope(this.ds, { role: 'outbox_relay' }, (em) =>
        one(
          em,
          OWN,
          `select count(*)::int as pending, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_pending_seconds
             from outbox where published_at is null`,
        ),
      );
      return { service: 'gateway', status: 'ok', pending: row?.pending ?? 0, oldestPendingSeconds: row?.oldestPendingSeconds ?? 0 };
    } catch {
      return { service: 'gateway', status: 'unavailable', pending: null, oldestPendingSeconds: null };
    }
  }

  /** undefined: the service has no outbox (its metrics carry no outbox gauges). */
  private async scrape(service: string): Promise<ServiceOutboxLag | undefined> {
    try {
      const res = await fetch(`${this.urls.url(service)}/metrics`, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!res.ok) return { service, status: 'unavailable', pending: null, oldestPendingSeconds: null };
      const sample = outboxLagFromMetrics(await res.text());
      return sample ? { service, status: 'ok', ...sample } : undefined;
    } catch {
      return { service, status: 'unavailable', pending: null, oldestPendingSeconds: null };
    }
  }
}
