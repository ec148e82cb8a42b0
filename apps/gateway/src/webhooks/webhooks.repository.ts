import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryStatus } from './retry-schedule';

/** The only file of the webhooks feature that talks SQL. Every method but the claim and the backlog runs in the caller's tenant transaction. */

export interface EndpointRow {
  tenantId: string;
  appId: string;
  callbackUrls: string[];
  webhookSecretCiphertext: string;
  version: number;
}

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

/** A delivery claimed by one dispatcher for one attempt. */
export interface ClaimedDelivery {
  id: string;
  tenantId: string;
  appId: string;
  eventId: string;
  url: string;
  body: string;
  attemptCount: number;
  retryOnFailure: boolean;
  resendRequested: boolean;
  leaseToken: string;
  traceparent: string | null;
}

export interface DeliveryRow {
  id: string;
  seq: string;
  tenantId: string;
  appId: string;
  eventId: string;
  eventType: string;
  url: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface AttemptRow {
  deliveryId: string;
  attemptNo: number;
  triggeredBy: 'schedule' | 'resend';
  statusCode: number | null;
  durationMs: number;
  errorClass: string | null;
  outcome: 'delivered' | 'failed';
  at: Date;
}

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

const DELIVERY_COLUMNS = `id, seq::text as "seq", tenant_id as "tenantId", app_id as "appId", event_id as "eventId", event_type as "eventType", url,
  status, attempt_count as "attemptCount", next_attempt_at as "nextAttemptAt", last_attempt_at as "lastAttemptAt",
  last_status_code as "lastStatusCode", last_error_class as "lastErrorClass", delivered_at as "deliveredAt", created_at as "createdAt"`;

/** TypeORM's postgres `query()` answers an UPDATE or DELETE with `[rows, rowCount]`, anything else with the rows. */
function updatedRows<T>(result: unknown): T[] {
  return (result as [T[], number])[0];
}

@Injectable()
export class WebhooksRepository {
  /** Upsert keeping the highest version (events may arrive late or twice). */
  async upsertEndpoint(em: EntityManager, row: EndpointRow): Promise<void> {
    await em.query(
      `insert into webhook_endpoints (tenant_id, app_id, callback_urls, webhook_secret_ciphertext, version)
       values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, app_id) do update
         set callback_urls = excluded.callback_urls, webhook_secret_ciphertext = excluded.webhook_secret_ciphertext,
             version = excluded.version, updated_at = now()
       where webhook_endpoints.version < excluded.version`,
      [row.tenantId, row.appId, row.callbackUrls, row.webhookSecretCiphertext, row.version],
    );
  }

  async findEndpoint(em: EntityManager, tenantId: string, appId: string): Promise<EndpointRow | undefined> {
    const rows: EndpointRow[] = await em.query(
      `select tenant_id as "tenantId", app_id as "appId", callback_urls as "callbackUrls",
              webhook_secret_ciphertext as "webhookSecretCiphertext", version
         from webhook_endpoints where tenant_id = $1 and app_id = $2`,
      [tenantId, appId],
    );
    return rows[0];
  }

  /** One delivery per (event, URL): a second insert for the same pair is ignored. Returns how many were new. */
  async insertDeliveries(em: EntityManager, deliveries: readonly NewDelivery[]): Promise<number> {
    let created = 0;
    for (const d of deliveries) {
      const rows: unknown[] = await em.query(
        `insert into webhook_deliveries (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at, traceparent)
         values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'pending', now(), $7)
         on conflict (tenant_id, event_id, url) do nothing
         returning id`,
        [d.tenantId, d.appId, d.eventId, d.eventType, d.url, d.body, d.traceparent ?? null],
      );
      created += rows.length;
    }
    return created;
  }

  /**
   * Claims up to `limit` due deliveries of every tenant for one attempt each. The rows are
   * locked with FOR UPDATE SKIP LOCKED (several gateway instances never claim the same row) and
   * leased: `next_attempt_at` moves `leaseSeconds` ahead and a fresh `lease_token` is set, so the
   * HTTP call happens outside any transaction and a crashed instance's claim simply expires.
   */
  async claimDue(ds: DataSource, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return ds.transaction(async (em) => {
      await em.query(`select set_config('app.webhook_dispatcher', 'on', true)`);
      const result: unknown = await em.query(
        `update webhook_deliveries d
            set next_attempt_at = now() + make_interval(secs => $2), lease_token = gen_random_uuid(), updated_at = now()
           from (select id from webhook_deliveries
                  where status = 'pending' and next_attempt_at <= now()
                  order by next_attempt_at
                  limit $1
                  for update skip locked) due
          where d.id = due.id
        returning d.id, d.tenant_id as "tenantId", d.app_id as "appId", d.event_id as "eventId", d.url, d.body,
                  d.attempt_count as "attemptCount", d.retry_on_failure as "retryOnFailure",
                  d.resend_requested as "resendRequested", d.lease_token as "leaseToken", d.traceparent`,
        [limit, leaseSeconds],
      );
      return updatedRows<ClaimedDelivery>(result);
    });
  }

  /** Pending deliveries of every tenant (the backlog gauge). */
  async backlog(ds: DataSource): Promise<{ pending: number; oldestDueSeconds: number }> {
    return ds.transaction(async (em) => {
      await em.query(`select set_config('app.webhook_dispatcher', 'on', true)`);
      const [row] = await em.query(
        `select count(*)::int as pending,
                coalesce(extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now())), 0)::float8 as "oldestDueSeconds"
           from webhook_deliveries where status = 'pending'`,
      );
      return row as { pending: number; oldestDueSeconds: number };
    });
  }

  /**
   * Logs an attempt and moves the delivery on. The attempt is always logged (it happened);
   * the delivery only changes if this dispatcher still holds the lease. Returns whether it did.
   */
  async recordAttempt(em: EntityManager, a: AttemptRecord): Promise<boolean> {
    await em.query(
      `insert into webhook_attempts (delivery_id, tenant_id, attempt_no, triggered_by, status_code, duration_ms, error_class, outcome, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.deliveryId, a.tenantId, a.attemptNo, a.triggeredBy, a.statusCode, a.durationMs, a.errorClass, a.outcome, a.at],
    );
    const result: unknown = await em.query(
      `update webhook_deliveries
          set attempt_count = attempt_count + 1, status = $3, next_attempt_at = $4, lease_token = null,
              resend_requested = false, retry_on_failure = case when $3 = 'pending' then retry_on_failure else true end,
              last_attempt_at = $5, last_status_code = $6, last_error_class = $7,
              delivered_at = case when $3 = 'delivered' then $5 else delivered_at end, updated_at = now()
        where id = $1 and lease_token = $2
        returning id`,
      [a.deliveryId, a.leaseToken, a.next.status, a.next.nextAttemptAt, a.at, a.statusCode, a.errorClass],
    );
    return updatedRows(result).length > 0;
  }

  /** The app's deliveries, newest first, after the cursor (a `seq`). Reads one more than `limit` to tell if there are more. */
  async listDeliveries(
    em: EntityManager,
    q: { tenantId: string; appId: string; status?: DeliveryStatus; beforeSeq?: string; limit: number },
  ): Promise<DeliveryRow[]> {
    return em.query(
      `select ${DELIVERY_COLUMNS} from webhook_deliveries
        where tenant_id = $1 and app_id = $2 and ($3::text is null or status = $3) and ($4::bigint is null or seq < $4::bigint)
        order by seq desc
        limit $5`,
      [q.tenantId, q.appId, q.status ?? null, q.beforeSeq ?? null, q.limit + 1],
    );
  }

  async getDelivery(em: EntityManager, tenantId: string, appId: string, id: string, forUpdate = false): Promise<DeliveryRow | undefined> {
    const rows: DeliveryRow[] = await em.query(
      `select ${DELIVERY_COLUMNS} from webhook_deliveries where tenant_id = $1 and app_id = $2 and id = $3${forUpdate ? ' for update' : ''}`,
      [tenantId, appId, id],
    );
    return rows[0];
  }

  async attemptsOf(em: EntityManager, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return em.query(
      `select delivery_id as "deliveryId", attempt_no as "attemptNo", triggered_by as "triggeredBy", status_code as "statusCode",
              duration_ms as "durationMs", error_class as "errorClass", outcome, at
         from webhook_attempts where delivery_id = any($1::uuid[]) order by delivery_id, id`,
      [deliveryIds],
    );
  }

  /**
   * Queues an attempt now. A pending delivery keeps its schedule; a finished one (delivered or
   * failed) gets exactly one attempt, with no automatic retries after it. If an attempt is in
   * flight, its lease is dropped: its outcome is still logged but no longer moves the delivery.
   */
  async requestResend(em: EntityManager, tenantId: string, appId: string, id: string): Promise<boolean> {
    const result: unknown = await em.query(
      `update webhook_deliveries
          set retry_on_failure = case when status = 'pending' then retry_on_failure else false end,
              status = 'pending', next_attempt_at = now(), lease_token = null, resend_requested = true, updated_at = now()
        where tenant_id = $1 and app_id = $2 and id = $3
        returning id`,
      [tenantId, appId, id],
    );
    return updatedRows(result).length > 0;
  }
}
