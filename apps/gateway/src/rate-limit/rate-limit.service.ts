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

  async check(tenantId: string, appId: string, nowMs = Date.now()): Promise<RateLimitOutcome> {
    const appBucket = `app:${appId}`;
    const counts = await this.repo.hit(tenantId, [appBucket, 'tenant'], windowStart(nowMs), WINDOW_MS);
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
