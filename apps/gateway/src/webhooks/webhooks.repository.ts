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

/** The ops console's filters over a county's deliveries (undefined: any). */
export interface TenantDeliveryFilter {
  tenantId: string;
  appId?: string;
  status?: DeliveryStatus;
  eventType?: string;
  eventId?: string;
  orderId?: string;
}

const CLAIMED_COLUMNS = {
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
};
/** A delivery claimed by one dispatcher for one attempt. */
const CLAIMED = rowOf(CLAIMED_COLUMNS);
export type ClaimedDelivery = RowType<typeof CLAIMED>;
/** A delivery just created: claimed (leased to its creator) or not (no lease token). */
const CREATED = rowOf({ ...CLAIMED_COLUMNS, leaseToken: col.uuid().nullable() });

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

/** What `webhook_intake` answers: one row per event new to the inbox, with a delivery it created (or NULLs). */
const INTAKE = rowOf({
  freshEventId: col.uuid(),
  id: col.uuid().nullable(),
  tenantId: col.text().nullable(),
  appId: col.text().nullable(),
  eventId: col.uuid().nullable(),
  url: col.text().nullable(),
  body: col.text().nullable(),
  attemptCount: col.int().nullable(),
  retryOnFailure: col.boolean().nullable(),
  resendRequested: col.boolean().nullable(),
  leaseToken: col.uuid().nullable(),
  traceparent: col.text().nullable(),
});

/** One event of a consumer batch for `intake`: its deliveries are one per URL (none: only its inbox row). */
export interface IntakeEvent {
  eventId: string;
  appId: string | null;
  eventType: string;
  urls: readonly string[];
  body: string | null;
  traceparent: string | null;
}

/** What a batch's intake wrote: the events new to the inbox, how many deliveries each created, and those leased to the caller. */
export interface IntakeResult {
  fresh: Set<string>;
  created: Map<string, number>;
  claimed: ClaimedDelivery[];
}

const BACKLOG = rowOf({ pending: col.int(), oldestDueSeconds: col.float() });
const NEXT_DUE = rowOf({ ms: col.float().nullable() });
const MOVED = rowOf({ moved: col.boolean() });

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

  /**
   * One event's deliveries, one per URL, in the caller's tenant transaction (its inbox row the
   * caller's): the event of a batch's `intake`, written alone. A second insert for the same (event,
   * URL) is ignored. With `leaseSeconds` the new rows are claimed at once for one attempt by this
   * instance (a lease, as claimDue sets it, counted from this statement: clock_timestamp, not the
   * start of a long consumer batch): the caller attempts them right after its transaction commits,
   * without a claim of its own, and should it never do so (a crash) the lease runs out and any
   * dispatcher attempts them. Without, they are due now for the dispatcher's rounds. The columns
   * are set as `webhook_intake` sets them. Returns how many it created (a replayed event: none) and those claimed.
   */
  async insertDeliveries(
    em: EntityManager,
    tenantId: string,
    event: IntakeEvent,
    leaseSeconds: number | undefined,
  ): Promise<{ created: number; claimed: ClaimedDelivery[] }> {
    if (event.urls.length === 0) return { created: 0, claimed: [] };
    const rows = await updateReturning(
      em,
      CREATED,
      `insert into webhook_deliveries as d (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at, traceparent, lease_token, leased_at)
       select gen_random_uuid(), $1, $2, $3, $4, u.url, $6, 'pending',
              case when $7::integer is null then now() else clock_timestamp() + make_interval(secs => $7::integer) end,
              $5, case when $7::integer is null then null else gen_random_uuid() end, case when $7::integer is null then null else now() end
         from unnest($8::text[]) as u(url)
       on conflict (tenant_id, event_id, url) do nothing
       returning ${CREATED.columns('d')}`,
      [tenantId, event.appId, event.eventId, event.eventType, event.traceparent, event.body, leaseSeconds ?? null, event.urls],
    );
    return { created: rows.length, claimed: rows.filter((r): r is ClaimedDelivery => r.leaseToken !== null) };
  }

  /**
   * A consumer batch of partner events in ONE statement, its own transaction (`webhook_intake`,
   * migration 1768500000000): per tenant, in tenant order, under that tenant's scope, the inbox rows
   * of `consumer` and, for the events not consumed before, one delivery per URL — leased to the
   * caller for `leaseSeconds` (it attempts them itself; the lease counts from the statement) or,
   * undefined, due now for the dispatcher's rounds. Not in a transaction of the caller's: `ds`.
   */
  async intake(
    ds: DataSource,
    consumer: string,
    topic: string,
    byTenant: ReadonlyMap<string, readonly IntakeEvent[]>,
    leaseSeconds: number | undefined,
  ): Promise<IntakeResult> {
    const batches = [...byTenant.keys()].sort().map((tenant) => ({
      tenant,
      events: byTenant.get(tenant)!.map((e) => ({ id: e.eventId, app: e.appId, type: e.eventType, traceparent: e.traceparent, body: e.body, urls: e.urls })),
    }));
    const rows = await many(ds.manager, INTAKE, `select ${INTAKE.columns()} from webhook_intake($1, $2, $3, $4::jsonb)`, [
      consumer,
      topic,
      leaseSeconds ?? null,
      JSON.stringify(batches),
    ]);
    const result: IntakeResult = { fresh: new Set(), created: new Map(), claimed: [] };
    for (const r of rows) {
      result.fresh.add(r.freshEventId);
      if (r.id === null) continue;
      result.created.set(r.freshEventId, (result.created.get(r.freshEventId) ?? 0) + 1);
      if (r.leaseToken === null) continue;
      result.claimed.push({
        id: r.id,
        tenantId: r.tenantId!,
        appId: r.appId!,
        eventId: r.freshEventId,
        url: r.url!,
        body: r.body!,
        attemptCount: r.attemptCount!,
        retryOnFailure: r.retryOnFailure!,
        resendRequested: r.resendRequested!,
        leaseToken: r.leaseToken,
        traceparent: r.traceparent,
      });
    }
    return result;
  }

  /**
   * Claims up to `limit` due deliveries of every tenant for one attempt each. The rows are
   * locked with FOR UPDATE SKIP LOCKED (several gateway instances never claim the same row) and
   * leased: `next_attempt_at` moves `leaseSeconds` ahead and a fresh `lease_token` is set, so the
   * HTTP call happens outside any transaction and a crashed instance's claim simply expires.
   * One statement (`webhook_claim_due`, migration 1768300000000: the dispatcher's scope, the
   * MATERIALIZED claim, a plain scan of the due index).
   */
  claimDue(ds: DataSource, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return many(ds.manager, CLAIMED, `select ${CLAIMED.columns()} from webhook_claim_due($1, $2)`, [limit, leaseSeconds]);
  }

  /** Milliseconds until the earliest pending delivery (or claim's lease) falls due, 0 if one is due now; undefined when none is pending. */
  async nextDueInMs(ds: DataSource): Promise<number | undefined> {
    // not `greatest(0, …)` in SQL: greatest ignores a NULL, so "none pending" came out as "one due now"
    // and an idle gateway polled every WEBHOOK_POLL_MS (two transactions a second) instead of every 30 s
    const row = await one(ds.manager, NEXT_DUE, `select webhook_next_due_ms() as ms`);
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
   * Logs an attempt and moves the delivery on, in one statement (`webhook_record_attempt`,
   * migration 1768300000000, its own transaction under the delivery's tenant). The attempt is
   * always logged (it happened); the delivery only changes if this dispatcher still holds the
   * lease, and a resend asked for during the lease is honoured (see requestResend). Returns
   * whether the delivery moved.
   */
  async recordAttempt(ds: DataSource, a: AttemptRecord): Promise<boolean> {
    const row = await one(ds.manager, MOVED, `select webhook_record_attempt($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) as moved`, [
      a.tenantId,
      a.deliveryId,
      a.leaseToken,
      a.attemptNo,
      a.triggeredBy,
      a.statusCode,
      a.durationMs,
      a.errorClass,
      a.outcome,
      a.at,
      a.next.status,
      a.next.nextAttemptAt,
    ]);
    return row?.moved === true;
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
