import { Inject, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { METRICS } from '@countypay/service-kit';
import type { Metrics } from '@countypay/observability';

/** The gateway's own Prometheus metrics, beside the kit's RED metrics. */
@Injectable()
export class GatewayMetrics {
  readonly requests: Counter<'app' | 'tenant' | 'status'>;
  readonly authFailures: Counter<'code'>;
  readonly rateLimited: Counter<'limit' | 'tenant'>;
  readonly idempotentReplays: Counter<'tenant'>;
  readonly upstreamFailures: Counter<'service' | 'kind'>;

  constructor(@Inject(METRICS) metrics: Metrics) {
    this.requests = metrics.counter('gateway_requests_total', 'Authenticated API requests per app and tenant', ['app', 'tenant', 'status']);
    this.authFailures = metrics.counter('gateway_auth_failures_total', 'Refused requests by error code (authentication and authorisation)', ['code']);
    this.rateLimited = metrics.counter('gateway_rate_limited_total', 'Requests refused by a rate limit', ['limit', 'tenant']);
    this.idempotentReplays = metrics.counter('gateway_idempotent_replays_total', 'Responses replayed for a repeated Idempotency-Key', ['tenant']);
    this.upstreamFailures = metrics.counter('gateway_upstream_failures_total', 'Upstream timeouts and unreachable services', ['service', 'kind']);
  }
}
