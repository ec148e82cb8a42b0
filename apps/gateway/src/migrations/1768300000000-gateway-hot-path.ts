import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * Fewer round trips and transactions per payment in the gateway (issue 14, docs/perf/throughput.md
 * "tpgw4"). Each function runs as ONE statement — its own transaction — SECURITY INVOKER, so
 * row-level security applies as before; each sets its scope itself (transaction-local):
 *
 * - `gateway_idempotency_complete`: stores the first response of a claimed Idempotency-Key (was
 *   begin + set_config, update, commit);
 * - `webhook_record_attempt`: logs a webhook attempt and moves its delivery on, if the caller still
 *   holds the lease (was begin + set_config, insert, update, commit);
 * - `webhook_claim_due` / `webhook_next_due_ms`: the dispatcher's claim and its next-due look-up
 *   (each was begin + set_config, statement, commit). Both read the partial index
 *   `webhook_deliveries_due_idx` with a plain index scan (`enable_bitmapscan = off` for the
 *   function only): a bitmap scan visits every heap row its index entries point at, including
 *   the dead versions every claimed and delivered row leaves behind until VACUUM (605 and 573
 *   blocks per call measured on a table of 4,500 deliveries with autovacuum off), while a plain
 *   index scan marks those entries dead on first sight and skips them afterwards.
 *
 * And `webhook_endpoints` notifies `webhooks_<schema>` on every change (`<tenant>:<app>`): each
 * gateway instance keeps endpoints in memory and drops a changed one at once (the app registry's
 * pattern, migration 1764500000000).
 */
export function gatewayHotPathSql(): string[] {
  return [...idempotencyCompleteSql(), ...webhookHotPathSql()];
}

/** `gateway_idempotency_complete` (on the gateway's tables, migration 1764202000000). */
export function idempotencyCompleteSql(): string[] {
  return [
    `create function gateway_idempotency_complete(
       p_tenant text, p_app text, p_key text, p_fingerprint text, p_status integer, p_headers jsonb, p_body bytea)
     returns integer language plpgsql as $$
     declare
       v_n integer;
     begin
       ${tenantScopePlpgsql('p_tenant')};
       update idempotency_keys set status = 'completed', response_status = p_status, response_headers = p_headers, response_body = p_body
        where tenant_id = p_tenant and app_id = p_app and idempotency_key = p_key and fingerprint = p_fingerprint and status = 'in_progress';
       get diagnostics v_n = row_count;
       return v_n;
     end $$`,
  ];
}

/** The webhook functions and the endpoints' trigger (on the webhook tables, migrations 1764210000000 and after). */
export function webhookHotPathSql(): string[] {
  return [
    `create function webhook_record_attempt(
       p_tenant text, p_delivery uuid, p_lease uuid, p_attempt_no integer, p_triggered_by text, p_status_code integer,
       p_duration_ms integer, p_error_class text, p_outcome text, p_at timestamptz, p_next_status text, p_next_attempt_at timestamptz)
     returns boolean language plpgsql as $$
     declare
       v_n integer;
     begin
       ${tenantScopePlpgsql('p_tenant')};
       -- the attempt is always logged (it happened)
       insert into webhook_attempts (delivery_id, tenant_id, attempt_no, triggered_by, status_code, duration_ms, error_class, outcome, at)
       values (p_delivery, p_tenant, p_attempt_no, p_triggered_by, p_status_code, p_duration_ms, p_error_class, p_outcome, p_at);
       -- the delivery moves only while the caller holds the lease; a resend asked for during this
       -- lease (resend_requested_at > leased_at) is honoured: unless this attempt delivered, the
       -- resend attempt is queued now (and marked as one) instead of the schedule's next
       update webhook_deliveries
          set attempt_count = attempt_count + 1,
              status = case when (resend_requested_at > leased_at and p_next_status <> 'delivered') then 'pending' else p_next_status end,
              next_attempt_at = case when (resend_requested_at > leased_at and p_next_status <> 'delivered') then now() else p_next_attempt_at end,
              resend_requested = coalesce(resend_requested_at > leased_at and p_next_status <> 'delivered', false),
              retry_on_failure = case when (resend_requested_at > leased_at and p_next_status <> 'delivered') or p_next_status = 'pending'
                                      then retry_on_failure else true end,
              lease_token = null,
              last_attempt_at = p_at, last_status_code = p_status_code, last_error_class = p_error_class,
              delivered_at = case when p_next_status = 'delivered' then p_at else delivered_at end, updated_at = now()
        where id = p_delivery and lease_token = p_lease;
       get diagnostics v_n = row_count;
       return v_n > 0;
     end $$`,
    `create function webhook_claim_due(p_limit integer, p_lease_seconds integer)
     returns setof webhook_deliveries language plpgsql
     set enable_bitmapscan = off as $$
     begin
       perform set_config('app.webhook_dispatcher', 'on', true);
       -- a MATERIALIZED CTE: a LIMIT … SKIP LOCKED subquery joined in UPDATE … FROM may be rescanned by
       -- the plan (a nested loop), each scan locking further rows (found by the two-dispatcher test)
       return query
         with due as materialized (
           select w.id from webhook_deliveries w
            where w.status = 'pending' and w.next_attempt_at <= now()
            order by w.next_attempt_at
            limit p_limit
            for update skip locked)
         update webhook_deliveries d
            set next_attempt_at = now() + make_interval(secs => p_lease_seconds), lease_token = gen_random_uuid(), leased_at = now(), updated_at = now()
           from due
          where d.id = due.id
        returning d.*;
     end $$`,
    `create function webhook_next_due_ms() returns double precision language plpgsql
     set enable_bitmapscan = off as $$
     declare
       v_at timestamptz;
     begin
       perform set_config('app.webhook_dispatcher', 'on', true);
       select w.next_attempt_at into v_at from webhook_deliveries w where w.status = 'pending' order by w.next_attempt_at limit 1;
       return ceil(extract(epoch from v_at - now()) * 1000)::float8;
     end $$`,
    `create function webhook_endpoints_notify() returns trigger language plpgsql as $$
     begin
       perform pg_notify('webhooks_' || tg_table_schema, coalesce(new.tenant_id, old.tenant_id) || ':' || coalesce(new.app_id, old.app_id));
       return null;
     end $$`,
    `create trigger webhook_endpoints_notify after insert or update or delete on webhook_endpoints
       for each row execute function webhook_endpoints_notify()`,
  ];
}

export class GatewayHotPath1768300000000 implements MigrationInterface {
  name = 'GatewayHotPath1768300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of gatewayHotPathSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop trigger if exists webhook_endpoints_notify on webhook_endpoints');
    await q.query('drop function if exists webhook_endpoints_notify()');
    await q.query('drop function if exists webhook_next_due_ms()');
    await q.query('drop function if exists webhook_claim_due(integer, integer)');
    await q.query(
      'drop function if exists webhook_record_attempt(text, uuid, uuid, integer, text, integer, integer, text, text, timestamptz, text, timestamptz)',
    );
    await q.query('drop function if exists gateway_idempotency_complete(text, text, text, text, integer, jsonb, bytea)');
  }
}
