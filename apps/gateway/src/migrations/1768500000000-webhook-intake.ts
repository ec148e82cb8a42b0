import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * `webhook_intake(consumer, topic, lease_seconds, batches)`: a consumer batch of partner events
 * written in ONE statement — its own transaction — instead of a transaction per batch (begin,
 * set_config and an inbox insert per tenant, a delivery insert per event, commit). Issue 14,
 * docs/perf/throughput.md "tpwebhook"; the settlement's `ledger_post` pattern (ADR 0026).
 *
 * `batches` is `[{ tenant, events: [{ id, app, type, traceparent, body, urls }] }]`, tenants in
 * order. For each tenant in turn the function binds the tenant (SECURITY INVOKER: the app role and
 * row-level security as before, every row under its own tenant), inserts the inbox rows of its
 * events (`on conflict do nothing`: an event already consumed is skipped) and, for the events new
 * to the inbox only, one delivery per callback URL (`on conflict (tenant_id, event_id, url) do
 * nothing`, as before). With `lease_seconds` the deliveries are created leased to the caller for
 * one attempt (as `insertDeliveries` with a lease: a lease token, due again when the lease runs out, counted from
 * this statement's clock); without, due now for the dispatcher's rounds.
 *
 * Returns one row per new event: its id, and the delivery it created (one row per delivery) or
 * NULLs when it created none (no partner app, no callback URL). A redelivered event returns nothing.
 */
export function webhookIntakeSql(): string[] {
  return [
    `create function webhook_intake(p_consumer text, p_topic text, p_lease_seconds integer, p_batches jsonb)
     returns table (fresh_event_id uuid, id uuid, tenant_id text, app_id text, event_id uuid, url text, body text, attempt_count integer,
                    retry_on_failure boolean, resend_requested boolean, lease_token uuid, traceparent text)
     language plpgsql as $$
     #variable_conflict use_column
     declare
       v_item jsonb;
       v_tenant text;
     begin
       for v_item in select b.value from jsonb_array_elements(p_batches) as b(value) loop
         v_tenant := v_item->>'tenant';
         ${tenantScopePlpgsql('v_tenant')};
         return query
           with e as (
             select x.id, x.app, x.type, x.traceparent, x.body, x.urls
               from jsonb_to_recordset(v_item->'events') as x(id uuid, app text, type text, traceparent text, body text, urls text[])
           ), fresh as (
             insert into inbox as i (consumer, event_id, tenant_id, topic)
             select p_consumer, e.id, v_tenant, p_topic from e
             on conflict (consumer, event_id) do nothing
             returning i.event_id
           ), created as (
             insert into webhook_deliveries as d
                    (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at, traceparent, lease_token, leased_at)
             select gen_random_uuid(), v_tenant, e.app, e.id, e.type, u.url, e.body, 'pending',
                    case when p_lease_seconds is null then now() else clock_timestamp() + make_interval(secs => p_lease_seconds) end,
                    e.traceparent,
                    case when p_lease_seconds is null then null else gen_random_uuid() end,
                    case when p_lease_seconds is null then null else now() end
               from e join fresh f on f.event_id = e.id
               cross join lateral unnest(coalesce(e.urls, '{}'::text[])) as u(url)
             on conflict (tenant_id, event_id, url) do nothing
             returning d.id, d.tenant_id, d.app_id, d.event_id, d.url, d.body, d.attempt_count, d.retry_on_failure, d.resend_requested,
                       d.lease_token, d.traceparent
           )
           select f.event_id, c.id, c.tenant_id, c.app_id, c.event_id, c.url, c.body, c.attempt_count, c.retry_on_failure,
                  c.resend_requested, c.lease_token, c.traceparent
             from fresh f left join created c on c.event_id = f.event_id;
       end loop;
     end $$`,
  ];
}

export class WebhookIntake1768500000000 implements MigrationInterface {
  name = 'WebhookIntake1768500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of webhookIntakeSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop function if exists webhook_intake(text, text, integer, jsonb)');
  }
}
