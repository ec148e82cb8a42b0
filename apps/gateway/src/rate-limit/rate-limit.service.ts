import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway.config';
import { type RateDecision, WINDOW_MS, decide, windowStart } from '../domain/rate-window';
import { RateLimitRepository } from './rate-limit.repository';

export interface RateLimitOutcome {
  allowed: boolean;
  /** which limit refused the request */
  refusedBy?: 'app' | 'tenant';
  /** the decision whose numbers go into the X-RateLimit-* headers (the tighter one) */
  reported: RateDecision;
  retryAfterSeconds: number;
}

/** Per-app and per-tenant limits (a per-app override can be added to the app read model later). */
@Injectable()
export class RateLimitService {
  constructor(
    private readonly repo: RateLimitRepository,
    private readonly config: GatewayConfig,
  ) {}

  /** The counters a request of `appId` increments: its app's and its tenant's. */
  buckets(appId: string): string[] {
    return [`app:${appId}`, 'tenant'];
  }

  /** Counts a request (its own round trip; the gateway's pipeline counts within its one admission statement). */
  async check(tenantId: string, appId: string, nowMs = Date.now()): Promise<RateLimitOutcome> {
    return this.decide(appId, await this.repo.hit(tenantId, this.buckets(appId), windowStart(nowMs), WINDOW_MS), nowMs);
  }

  /** The decision for a request of `appId`, from its buckets' counts (this request included). */
  decide(appId: string, counts: ReadonlyMap<string, { current: number; previous: number }>, nowMs = Date.now()): RateLimitOutcome {
    const appBucket = `app:${appId}`;
    const app = decide(counts.get(appBucket) ?? { current: 1, previous: 0 }, this.config.GATEWAY_RATE_LIMIT_APP_PER_MINUTE, nowMs);
    const tenant = decide(counts.get('tenant') ?? { current: 1, previous: 0 }, this.config.GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE, nowMs);
    const refusedBy = !app.allowed ? 'app' : !tenant.allowed ? 'tenant' : undefined;
    const reported = refusedBy === 'tenant' || (refusedBy === undefined && tenant.remaining < app.remaining) ? tenant : app;
    return {
      allowed: refusedBy === undefined,
      ...(refusedBy ? { refusedBy } : {}),
      reported,
      retryAfterSeconds: Math.max(app.allowed ? 0 : app.retryAfterSeconds, tenant.allowed ? 0 : tenant.retryAfterSeconds),
    };
  }
}
