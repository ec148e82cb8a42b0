import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { PollingLoop } from '@countypay/messaging';
import { LOGGER, METRICS } from '@countypay/service-kit';
import { type Logger, type Metrics, withTraceparent } from '@countypay/observability';
import { afterAttempt } from './retry-schedule';
import { sendWebhook, type SendResult } from './webhook-sender';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksConfig } from './webhooks.config';
import { type ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

/** The longest the dispatcher sleeps with nothing due: a safety net for work another instance left (its claims' leases) or a wake-up lost. */
const MAX_IDLE_SLEEP_MS = 30_000;
const tracer = trace.getTracer('countypay-webhooks');
/** A claim outlives the HTTP timeout by this much; after it a crashed instance's claim is taken over. */
const LEASE_MARGIN_SECONDS = 30;
/** At most this many WEBHOOK_BATCH_SIZEs of attempts in flight that the consumer handed over directly; past it, new deliveries wait for a round. */
const DIRECT_BATCHES_IN_FLIGHT = 5;

/**
 * Sends due webhook deliveries: a loop that polls (WEBHOOK_POLL_MS) and can be woken. Each
 * round claims up to WEBHOOK_BATCH_SIZE due deliveries of every tenant (FOR UPDATE SKIP LOCKED,
 * so several gateway instances share the work), POSTs them in parallel, and records every attempt
 * and the delivery's next state in PostgreSQL: a restart loses nothing.
 *
 * A delivery the consumer creates on this instance skips the round: the consumer's transaction
 * inserts it already leased to this instance (directLeaseSeconds), and it is attempted as soon as
 * that transaction commits (attemptAfterCommit, through TypeORM's transaction events) — no claim
 * transaction, no wake-up, no look for due rows per payment. The rounds remain for retries,
 * resends, another instance's expired leases and whatever the consumer leaves when too many
 * attempts are in flight.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;
  /** when the round found nothing more to do: ms until the next pending delivery falls due (undefined: none) */
  private nextDueMs: number | undefined;
  private stopped = true;
  private readonly attempts: Counter<'outcome' | 'tenant'>;
  private readonly finished: Counter<'status' | 'tenant'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly backlogPending: Gauge<never>;
  private readonly backlogOldest: Gauge<never>;
  /** deliveries inserted leased by a transaction still open (its manager), to attempt when it commits */
  private readonly afterCommit = new WeakMap<EntityManager, ClaimedDelivery[]>();
  /** the attempts of deliveries handed over by the consumer, in flight */
  private readonly direct = new Set<Promise<void>>();

  constructor(
    private readonly ds: DataSource,
    private readonly repo: WebhooksRepository,
    private readonly endpoints: WebhookEndpoints,
    private readonly secrets: WebhookSecrets,
    private readonly config: WebhooksConfig,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.attempts = metrics.counter('webhook_attempts_total', 'Webhook delivery attempts by outcome (delivered or the error class)', ['outcome', 'tenant']);
    this.finished = metrics.counter('webhook_deliveries_finished_total', 'Webhook deliveries that reached delivered or failed', ['status', 'tenant']);
    this.duration = metrics.histogram('webhook_attempt_duration_seconds', 'Duration of webhook delivery attempts', ['outcome']);
    // measured when Prometheus scrapes, not on a timer: an idle gateway runs nothing
    this.backlogPending = metrics.gauge('webhook_backlog_pending', 'Webhook deliveries not yet delivered or failed (the backlog)', [], async () => {
      await this.sampleBacklog(); // sets both backlog gauges
    });
    this.backlogOldest = metrics.gauge('webhook_backlog_oldest_due_seconds', 'How long the most overdue pending webhook delivery has been due', []);
    this.loop = new PollingLoop({
      round: () => this.runOnce(),
      batchSize: config.WEBHOOK_BATCH_SIZE,
      // after a round: sleep until the next delivery (a retry, a lease) falls due, at least WEBHOOK_POLL_MS, at most 30 s;
      // new deliveries wake the loop (wakeSoon after the consumer's commit, wake on a resend)
      pollMs: () => Math.min(MAX_IDLE_SLEEP_MS, Math.max(config.WEBHOOK_POLL_MS, this.nextDueMs ?? MAX_IDLE_SLEEP_MS)),
      maxBackoffMs: 10_000,
      onError: (err) => this.logger.error({ err }, 'webhook dispatcher: a round failed; it will be retried'),
    });
    // TypeORM tells every subscriber of the data source when a transaction commits or rolls back
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (e: TransactionCommitEvent) => this.committed(e.manager),
      afterTransactionRollback: (e: TransactionRollbackEvent) => void this.afterCommit.delete(e.manager),
    };
    ds.subscribers.push(subscriber);
  }

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_DISPATCHER === 'on') this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.stopped = false;
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    await Promise.allSettled([...this.direct]);
  }

  private leaseSeconds(): number {
    return Math.ceil(this.config.WEBHOOK_TIMEOUT_MS / 1000) + LEASE_MARGIN_SECONDS;
  }

  /**
   * The lease for `count` deliveries a consumer transaction is about to create, when this instance
   * will attempt them itself after the commit (see attemptAfterCommit); undefined when it will not
   * (the dispatcher is not running here, or enough attempts are in flight already): then they are
   * created due now, for a round.
   */
  directLeaseSeconds(count: number): number | undefined {
    if (this.stopped || this.direct.size + count > this.config.WEBHOOK_BATCH_SIZE * DIRECT_BATCHES_IN_FLIGHT) return undefined;
    return this.leaseSeconds();
  }

  /** Attempts `claimed` (inserted leased in `em`'s open transaction) once that transaction commits; nothing if it rolls back. */
  attemptAfterCommit(em: EntityManager, claimed: readonly ClaimedDelivery[]): void {
    if (claimed.length === 0) return;
    const list = this.afterCommit.get(em);
    if (list) list.push(...claimed);
    else this.afterCommit.set(em, [...claimed]);
  }

  private committed(em: EntityManager): void {
    const claimed = this.afterCommit.get(em);
    if (!claimed) return;
    this.afterCommit.delete(em);
    this.attemptNow(claimed);
  }

  /**
   * Attempts deliveries created leased to this instance by a statement that has committed (the
   * consumer's batch intake); stopped meanwhile, the leases run out and a dispatcher (this one
   * restarted, or another) attempts them.
   */
  attemptNow(claimed: readonly ClaimedDelivery[]): void {
    if (this.stopped) return;
    for (const d of claimed) {
      const attempt: Promise<void> = this.attempt(d)
        .catch((err: unknown) => this.logger.error({ err, deliveryId: d.id }, 'webhook attempt failed; its lease runs out and it is attempted again'))
        .finally(() => this.direct.delete(attempt));
      this.direct.add(attempt);
    }
  }

  /** Looks for due deliveries now instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Wakes after `ms`: for work committed by a transaction that is still open (a consumer's). */
  wakeSoon(ms = 100): void {
    if (this.stopped) return;
    setTimeout(() => this.wake(), ms).unref();
  }

  async sampleBacklog(): Promise<{ pending: number; oldestDueSeconds: number }> {
    const b = await this.repo.backlog(this.ds);
    this.backlogPending.set(b.pending);
    this.backlogOldest.set(b.oldestDueSeconds);
    return b;
  }

  /** One round: claims due deliveries, attempts each once, records the outcomes. Returns how many it attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.repo.claimDue(this.ds, this.config.WEBHOOK_BATCH_SIZE, this.leaseSeconds());
    await Promise.all(claimed.map((d) => this.attempt(d)));
    if (claimed.length < this.config.WEBHOOK_BATCH_SIZE) this.nextDueMs = await this.repo.nextDueInMs(this.ds);
    return claimed.length;
  }

  /** The app's current endpoint: its signing key (made once per copy of the endpoint) and whether it still lists this URL. */
  private async endpointOf(d: ClaimedDelivery): Promise<{ key: KeyObject; listed: boolean } | undefined> {
    try {
      const endpoint = await this.endpoints.findOutsideTransaction(d.tenantId, d.appId);
      return endpoint ? { key: this.secrets.signingKey(endpoint), listed: endpoint.callbackUrls.includes(d.url) } : undefined;
    } catch (err) {
      this.logger.warn({ err, deliveryId: d.id, appId: d.appId }, 'webhook secret unavailable');
      return undefined;
    }
  }

  private async send(d: ClaimedDelivery, at: Date): Promise<SendResult> {
    const endpoint = await this.endpointOf(d);
    if (!endpoint) return { ok: false, statusCode: null, durationMs: 0, errorClass: 'secret_unavailable', retryable: true };
    // a URL the partner took out of its app (e.g. compromised) is never called again
    if (!endpoint.listed) return { ok: false, statusCode: null, durationMs: 0, errorClass: 'url_removed', retryable: false };
    // a span in the trace of the payment that caused the event (fetch itself is not instrumented)
    return withTraceparent(d.traceparent ?? undefined, () =>
      tracer.startActiveSpan(
        'webhook deliver',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'tenant.id': d.tenantId, 'webhook.delivery_id': d.id, 'webhook.app_id': d.appId, 'messaging.event_id': d.eventId },
        },
        async (span) => {
          try {
            const result = await sendWebhook({
              url: d.url,
              body: d.body,
              webhookId: d.eventId,
              secret: endpoint.key,
              timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
              nowSeconds: Math.floor(at.getTime() / 1000),
            });
            if (result.statusCode !== null) span.setAttribute('http.response.status_code', result.statusCode);
            if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorClass ?? 'failed' });
            return result;
          } finally {
            span.end();
          }
        },
      ),
    );
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const at = new Date();
    const result = await this.send(d, at);
    const attemptNo = d.attemptCount + 1;
    const next = afterAttempt({
      attemptsMade: attemptNo,
      succeeded: result.ok,
      retryable: result.retryable,
      retryOnFailure: d.retryOnFailure,
      scale: this.config.WEBHOOK_RETRY_SCALE,
      now: new Date(),
    });
    const outcome = result.ok ? 'delivered' : 'failed';
    try {
      const moved = await this.repo.recordAttempt(this.ds, {
        deliveryId: d.id,
        tenantId: d.tenantId,
        leaseToken: d.leaseToken,
        attemptNo,
        triggeredBy: d.resendRequested ? 'resend' : 'schedule',
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        errorClass: result.errorClass,
        outcome,
        at,
        next: { status: next.status, nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : null },
      });
      this.attempts.inc({ outcome: result.errorClass ?? 'delivered', tenant: d.tenantId });
      this.duration.observe({ outcome }, result.durationMs / 1000);
      if (moved && next.status !== 'pending') this.finished.inc({ status: next.status, tenant: d.tenantId });
      const log = {
        deliveryId: d.id,
        eventId: d.eventId,
        appId: d.appId,
        attemptNo,
        statusCode: result.statusCode,
        errorClass: result.errorClass,
        next: next.status,
      };
      if (result.ok) this.logger.info(log, 'webhook delivered');
      else this.logger.warn(log, 'webhook attempt failed');
    } catch (err) {
      // the lease expires and the delivery is attempted again: at least once, deduplicated by webhook-id
      this.logger.error({ err, deliveryId: d.id }, 'webhook attempt could not be recorded');
    }
  }
}
