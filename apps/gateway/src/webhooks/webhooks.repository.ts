import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  col,
  execute,
  inScope,
  Keyset,
  many,
  one,
  pageQuery,
  rowOf,
  updateReturning,
  Where,
  type Page,
  type PageRequest,
  type RowType,
} from '@countypay/persistence';
import type { DeliveryStatus } from './retry-schedule';

/** The only file of the webhooks feature that talks SQL. Every method but the claim and the backlog runs in the caller's tenant transaction. */

const ENDPOINT = rowOf({ tenantId: col.text(), appId: col.text(), callbackUrls: col.textArray(), webhookSecretCiphertext: col.text(), version: col.int() });
export type EndpointRow = RowType<typeof ENDPOINT>;

export interface NewDelivery {
  tenantId: string;
  appId: string;
  eventId: string;
  eventType: string;
  url: string;
  body: string;
  /** W3C traceparent of the consumer span that created it */
  traceparent?: string;
}

/** The ops console's filters over a county's deliveries (undefined: any). */
export interface TenantDeliveryFilter {
  tenantId: string;
  appId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  eventId?: string;
  orderId?: string;
}

/** A delivery claimed by one dispatcher for one attempt. */
const CLAIMED = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  eventId: col.uuid(),
  url: col.text(),
  body: col.text(),
  attemptCount: col.int(),
  retryOnFailure: col.boolean(),
  resendRequested: col.boolean(),
  leaseToken: col.uuid(),
  traceparent: col.text().nullable(),
});
export type ClaimedDelivery = RowType<typeof CLAIMED>;

const DELIVERY = rowOf({
  id: col.uuid(),
  seq: col.bigintText(),
  tenantId: col.text(),
  appId: col.text(),
  eventId: col.uuid(),
  eventType: col.text(),
  url: col.text(),
  status: col.text<DeliveryStatus>(),
  attemptCount: col.int(),
  nextAttemptAt: col.timestamp().nullable(),
  lastAttemptAt: col.timestamp().nullable(),
  lastStatusCode: col.int().nullable(),
  lastErrorClass: col.text().nullable(),
  deliveredAt: col.timestamp().nullable(),
  createdAt: col.timestamp(),
});
export type DeliveryRow = RowType<typeof DELIVERY>;

const ATTEMPT = rowOf({
  deliveryId: col.uuid(),
  attemptNo: col.int(),
  triggeredBy: col.text<'schedule' | 'resend'>(),
  statusCode: col.int().nullable(),
  durationMs: col.int(),
  errorClass: col.text().nullable(),
  outcome: col.text<'delivered' | 'failed'>(),
  at: col.timestamp(),
});
export type AttemptRow = RowType<typeof ATTEMPT>;

/** An app's deliveries, newest first. */
const NEWEST_FIRST = new Keyset('webhook-deliveries', [{ sql: 'd.seq', type: 'bigint' }], 'desc');
/** A county's deliveries (the ops console), newest first: its own list name, so another list's cursor is refused. */
const COUNTY_NEWEST_FIRST = new Keyset('ops-webhook-deliveries', [{ sql: 'd.seq', type: 'bigint' }], 'desc');

const BACKLOG = rowOf({ pending: col.int(), oldestDueSeconds: col.float() });
const NEXT_DUE = rowOf({ ms: col.float().nullable() });

export interface AttemptRecord {
  deliveryId: string;
  tenantId: string;
  leaseToken: string;
  attemptNo: number;
  triggeredBy: 'schedule' | 'resend';
  statusCode: number | null;
  durationMs: number;
  errorClass: string | null;
  outcome: 'delivered' | 'failed';
  at: Date;
  next: { status: DeliveryStatus; nextAttemptAt: Date | null };
}

@Injectable()
export class WebhooksRepository {
  /** Upsert keeping the highest version (events may arrive late or twice). */
  async upsertEndpoint(em: EntityManager, row: EndpointRow): Promise<void> {
    await execute(
      em,
      `insert into webhook_endpoints (tenant_id, app_id, callback_urls, webhook_secret_ciphertext, version)
       values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, app_id) do update
         set callback_urls = excluded.callback_urls, webhook_secret_ciphertext = excluded.webhook_secret_ciphertext,
             version = excluded.version, updated_at = now()
       where webhook_endpoints.version < excluded.version`,
      [row.tenantId, row.appId, row.callbackUrls, row.webhookSecretCiphertext, row.version],
    );
  }

  findEndpoint(em: EntityManager, tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    return one(em, ENDPOINT, `select ${ENDPOINT.columns()} from webhook_endpoints where tenant_id = $1 and app_id = $2`, [tenantId, appId]);
  }

  /** One delivery per (event, URL): a second insert for the same pair is ignored. Returns how many were new. */
  async insertDeliveries(em: EntityManager, deliveries: readonly NewDelivery[]): Promise<number> {
    let created = 0;
    for (const d of deliveries) {
      created += await execute(
        em,
        `insert into webhook_deliveries (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at, traceparent)
         values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'pending', now(), $7)
         on conflict (tenant_id, event_id, url) do nothing`,
        [d.tenantId, d.appId, d.eventId, d.eventType, d.url, d.body, d.traceparent ?? null],
      );
    }
    return created;
  }

  /**
   * Claims up to `limit` due deliveries of every tenant for one attempt each. The rows are
   * locked with FOR UPDATE SKIP LOCKED (several gateway instances never claim the same row) and
   * leased: `next_attempt_at` moves `leaseSeconds` ahead and a fresh `lease_token` is set, so the
   * HTTP call happens outside any transaction and a crashed instance's claim simply expires.
   */
  claimDue(ds: DataSource, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return inScope(ds, { role: 'webhook_dispatcher' }, (em) =>
      updateReturning(
        em,
        CLAIMED,
        // a MATERIALIZED CTE: a LIMIT … SKIP LOCKED subquery joined in UPDATE … FROM may be rescanned by
        // the plan (a nested loop), each scan locking further rows — one round then claimed every due
        // delivery instead of a batch (found by the two-dispatcher test)
        `with due as materialized (
           select id from webhook_deliveries
            where status = 'pending' and next_attempt_at <= now()
            order by next_attempt_at
            limit $1
            for update skip locked)
         update webhook_deliveries d
            set next_attempt_at = now() + make_interval(secs => $2), lease_token = gen_random_uuid(), leased_at = now(), updated_at = now()
           from due
          where d.id = due.id
        returning ${CLAIMED.columns('d')}`,
        [limit, leaseSeconds],
      ),
    );
  }

  /** Milliseconds until the earliest pending delivery (or claim's lease) falls due, 0 if one is due now; undefined when none is pending. */
  async nextDueInMs(ds: DataSource): Promise<number | undefined> {
    const row = await inScope(ds, { role: 'webhook_dispatcher' }, (em) =>
      one(
        em,
        NEXT_DUE,
        // not `greatest(0, …)` in SQL: greatest ignores a NULL, so "none pending" came out as "one due now"
        // and an idle gateway polled every WEBHOOK_POLL_MS (two transactions a second) instead of every 30 s
        `select ceil(extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms
           from webhook_deliveries where status = 'pending'`,
      ),
    );
    const ms = row?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, ms);
  }

  /** Pending deliveries of every tenant (the backlog gauge). */
  async backlog(ds: DataSource): Promise<{ pending: number; oldestDueSeconds: number }> {
    const row = await inScope(ds, { role: 'webhook_dispatcher' }, (em) =>
      one(
        em,
        BACKLOG,
        `select count(*)::int as pending,
                coalesce(extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now())), 0)::float8 as oldest_due_seconds
           from webhook_deliveries where status = 'pending'`,
      ),
    );
    return row ?? { pending: 0, oldestDueSeconds: 0 };
  }

  /**
   * Logs an attempt and moves the delivery on. The attempt is always logged (it happened);
   * the delivery only changes if this dispatcher still holds the lease. Returns whether it did.
   */
  async recordAttempt(em: EntityManager, a: AttemptRecord): Promise<boolean> {
    await execute(
      em,
      `insert into webhook_attempts (delivery_id, tenant_id, attempt_no, triggered_by, status_code, duration_ms, error_class, outcome, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.deliveryId, a.tenantId, a.attemptNo, a.triggeredBy, a.statusCode, a.durationMs, a.errorClass, a.outcome, a.at],
    );
    // a resend asked for during this lease (see requestResend) is honoured here: unless this attempt
    // delivered, the resend attempt is queued now (and marked as one) instead of the schedule's next
    const resendNow = `(resend_requested_at > leased_at and $3 <> 'delivered')`;
    const moved = await execute(
      em,
      `update webhook_deliveries
          set attempt_count = attempt_count + 1,
              status = case when ${resendNow} then 'pending' else $3 end,
              next_attempt_at = case when ${resendNow} then now() else $4 end,
              resend_requested = coalesce(${resendNow}, false),
              retry_on_failure = case when ${resendNow} or $3 = 'pending' then retry_on_failure else true end,
              lease_token = null,
              last_attempt_at = $5, last_status_code = $6, last_error_class = $7,
              delivered_at = case when $3 = 'delivered' then $5 else delivered_at end, updated_at = now()
        where id = $1 and lease_token = $2`,
      [a.deliveryId, a.leaseToken, a.next.status, a.next.nextAttemptAt, a.at, a.statusCode, a.errorClass],
    );
    return moved > 0;
  }

  /** The app's deliveries, newest first (a cursor page). */
  listDeliveries(em: EntityManager, q: { tenantId: string; appId: string; status?: DeliveryStatus; page: PageRequest }): Promise<Page<DeliveryRow>> {
    const where = new Where().add('d.tenant_id = ?', q.tenantId).add('d.app_id = ?', q.appId).add('d.status = ?', q.status);
    return pageQuery(em, DELIVERY, { from: 'webhook_deliveries d', where, keyset: NEWEST_FIRST, page: q.page });
  }

  /**
   * A county's deliveries, newest first, whatever the app (the ops console): filtered by app,
   * status, event type, event id and the payment's order id (the payload's `data.orderId`, indexed).
   */
  listTenantDeliveries(em: EntityManager, q: TenantDeliveryFilter & { page: PageRequest }): Promise<Page<DeliveryRow>> {
    const where = new Where()
      .add('d.tenant_id = ?', q.tenantId)
      .add('d.app_id = ?', q.appId)
      .add('d.status = ?', q.status)
      .add('d.event_type = ?', q.eventType)
      .add('d.event_id = ?::uuid', q.eventId)
      .add(`(d.body::jsonb -> 'data' ->> 'orderId') = ?`, q.orderId);
    return pageQuery(em, DELIVERY, { from: 'webhook_deliveries d', where, keyset: COUNTY_NEWEST_FIRST, page: q.page });
  }

  /** One delivery of a tenant; `appId` narrows it to one app's (the partner API), undefined for any app (operators). */
  getDelivery(em: EntityManager, tenantId: string, appId: string | undefined, id: string, forUpdate = false): Promise<DeliveryRow | undefined> {
    return one(
      em,
      DELIVERY,
      `select ${DELIVERY.columns('d')} from webhook_deliveries d
        where d.tenant_id = $1 and ($2::text is null or d.app_id = $2) and d.id = $3${forUpdate ? ' for update' : ''}`,
      [tenantId, appId ?? null, id],
    );
  }

  /** Who asked for a manual resend: written in the resend's transaction (append-only). */
  async recordResend(em: EntityManager, r: { tenantId: string; deliveryId: string; actorType: string; actorId: string; requestId?: string }): Promise<void> {
    await execute(em, `insert into webhook_resends (tenant_id, delivery_id, actor_type, actor_id, request_id) values ($1, $2, $3, $4, $5)`, [
      r.tenantId,
      r.deliveryId,
      r.actorType,
      r.actorId,
      r.requestId ?? null,
    ]);
  }

  attemptsOf(em: EntityManager, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return many(em, ATTEMPT, `select ${ATTEMPT.columns()} from webhook_attempts where delivery_id = any($1::uuid[]) order by delivery_id, id`, [deliveryIds]);
  }

  /**
   * Queues an attempt now. A pending delivery keeps its schedule; a finished one (delivered or
   * failed) gets exactly one attempt, with no automatic retries after it. If an attempt is in
   * flight (a live lease), it keeps its lease and the resend is remembered: recording that attempt
   * finishes the delivery if it delivered, else queues the resend at once (never two attempts of
   * one delivery at a time, never a delivered attempt that leaves its delivery pending).
   */
  async requestResend(em: EntityManager, tenantId: string, appId: string | undefined, id: string): Promise<boolean> {
    const inFlight = `(lease_token is not null and next_attempt_at > now())`;
    const n = await execute(
      em,
      `update webhook_deliveries
          set retry_on_failure = case when status = 'pending' then retry_on_failure else false end,
              status = 'pending',
              next_attempt_at = case when ${inFlight} then next_attempt_at else now() end,
              lease_token = case when ${inFlight} then lease_token else null end,
              resend_requested = true, resend_requested_at = clock_timestamp(), updated_at = now()
        where tenant_id = $1 and ($2::text is null or app_id = $2) and id = $3`,
      [tenantId, appId ?? null, id],
    );
    return n > 0;
  }
}
