import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** The RED labels of every HTTP metric. */
export type HttpLabel = 'method' | 'route' | 'status' | 'tenant';

/** Seconds; fine below 100 ms where most API calls land. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<HttpLabel>;
  httpDuration: Histogram<HttpLabel>;
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** a gauge; with `collect`, measured when scraped (nothing runs between scrapes) */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (this: Gauge<L>) => Promise<void> | void): Gauge<L>;
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: readonly number[]): Histogram<L>;
  render(): Promise<{ contentType: string; body: string }>;
}

export interface HttpObservation {
  method: string;
  /** The route template (`/v1/orders/:id`), never the raw path (cardinality). */
  route: string;
  status: number | string;
  /** Tenant code; `none` when the request had no tenant. */
  tenant?: string;
  seconds: number;
}

/** How often the event-loop lag is sampled (ms). */
export const EVENT_LOOP_SAMPLE_MS = 1000;

/** A registry of its own (default label `service`) with Node process metrics and the RED HTTP metrics. */
export function createMetrics(serviceName: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  // the event-loop lag histogram samples with a timer: prom-client's default (every 10 ms) wakes an
  // idle service 100 times a second — ~5 ms of CPU per second doing nothing; once a second is enough
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    reuse(registry, name, Counter<L>) ?? new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (this: Gauge<L>) => Promise<void> | void): Gauge<L> =>
    reuse(registry, name, Gauge<L>) ?? new Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: readonly number[]): Histogram<L> =>
    reuse(registry, name, Histogram<L>) ??
    new Histogram<L>({ name, help, labelNames, buckets: [...(buckets ?? HTTP_DURATION_BUCKETS)], registers: [registry] });
  const labels: readonly HttpLabel[] = ['method', 'route', 'status', 'tenant'];
  return {
    registry,
    counter,
    gauge,
    histogram,
    httpRequests: counter('http_requests_total', 'HTTP requests handled', labels),
    httpDuration: histogram('http_request_duration_seconds', 'HTTP request duration in seconds', labels),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/** Records one handled HTTP request in the RED metrics. */
export function observeHttp(metrics: Metrics, observation: HttpObservation): void {
  const labels = {
    method: observation.method.toUpperCase(),
    route: observation.route,
    status: String(observation.status),
    tenant: observation.tenant ?? 'none',
  };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, observation.seconds);
}

// The metric already registered under `name`, if it is of the wanted kind; a clash of kinds is a bug.
function reuse<M extends Metric>(registry: Registry, name: string, kind: abstract new (...args: never[]) => M): M | undefined {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return undefined;
  if (existing instanceof kind) return existing;
  throw new Error(`metric ${name} is already registered with another type`);
}
