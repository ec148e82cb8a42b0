import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantScopePlpgsql } from '@countypay/persistence';

/**
 * One database round trip to admit a signed request (issue 14: the gateway used to open five
 * transactions per request). `gateway_admit` runs as a single statement — its own transaction —
 * under the request's tenant (row-level security applies: the function is SECURITY INVOKER):
 * remembers the nonce (false: replayed), counts the request in its rate-limit buckets (the
 * sliding decision stays in domain/rate-window.ts), and claims the Idempotency-Key of a POST
 * (or answers what holds it). Same statements as the repositories ran one by one, same tables.
 *
 * And the app registry's invalidations: every change to `apps` or `tenants` notifies
 * `registry_<schema>`, so each gateway instance drops its in-memory copy at once (no polling).
 */
export function gatewayAdmissionSql(): string[] {
  return [
    `create function gateway_admit(
       p_tenant text, p_app text, p_nonce text, p_nonce_ttl_seconds integer,
       p_buckets text[], p_window_start_ms double precision, p_window_ms double precision,
       p_idempotency_key text, p_fingerprint text, p_lock_seconds integer, p_idempotency_ttl_seconds integer)
     returns jsonb language plpgsql as $$
     declare
       v_n integer;
       v_windows jsonb;
       v_key idempotency_keys%rowtype;
     begin
       ${tenantScopePlpgsql('p_tenant')};
       insert into request_nonces (tenant_id, app_id, nonce, expires_at)
       values (p_tenant, p_app, p_nonce, now() + make_interval(secs => p_nonce_ttl_seconds))
       on conflict (tenant_id, app_id, nonce) do update set expires_at = excluded.expires_at
         where request_nonces.expires_at < now();
       get diagnostics v_n = row_count;
       if v_n = 0 then
         return jsonb_build_object('nonceFresh', false);
       end if;
       with up as (
         insert into rate_limit_windows (tenant_id, bucket, window_start, hits)
         select p_tenant, b, to_timestamp(p_window_start_ms / 1000), 1 from unnest(p_buckets) with ordinality as u(b, n) order by n
         on conflict (tenant_id, bucket, window_start) do update set hits = rate_limit_windows.hits + 1
         returning bucket, hits
       )
       select jsonb_object_agg(up.bucket, jsonb_build_object('current', up.hits, 'previous', coalesce(p.hits, 0))) into v_windows
         from up left join rate_limit_windows p
           on p.tenant_id = p_tenant and p.bucket = up.bucket and p.window_start = to_timestamp((p_window_start_ms - p_window_ms) / 1000);
       if p_idempotency_key is null then
         return jsonb_build_object('nonceFresh', true, 'windows', v_windows);
       end if;
       insert into idempotency_keys (tenant_id, app_id, idempotency_key, fingerprint, status, locked_until, expires_at)
       values (p_tenant, p_app, p_idempotency_key, p_fingerprint, 'in_progress', now() + make_interval(secs => p_lock_seconds),
               now() + make_interval(secs => p_idempotency_ttl_seconds))
       on conflict (tenant_id, app_id, idempotency_key) do update set
         fingerprint = excluded.fingerprint, status = 'in_progress', response_status = null, response_headers = null,
         response_body = null, created_at = now(), locked_until = excluded.locked_until, expires_at = excluded.expires_at
       where idempotency_keys.expires_at < now()
          or (idempotency_keys.status = 'in_progress' and idempotency_keys.locked_until < now()
              and idempotency_keys.fingerprint = excluded.fingerprint);
       get diagnostics v_n = row_count;
       if v_n = 1 then
         return jsonb_build_object('nonceFresh', true, 'windows', v_windows, 'idempotency', jsonb_build_object('claimed', true));
       end if;
       select * into v_key from idempotency_keys where tenant_id = p_tenant and app_id = p_app and idempotency_key = p_idempotency_key;
       return jsonb_build_object('nonceFresh', true, 'windows', v_windows, 'idempotency', jsonb_build_object(
         'claimed', false, 'found', v_key.idempotency_key is not null, 'fingerprint', v_key.fingerprint, 'status', v_key.status,
         'responseStatus', v_key.response_status, 'responseHeaders', v_key.response_headers,
         'responseBody', encode(v_key.response_body, 'base64')));
     end $$`,
    `create function registry_notify() returns trigger language plpgsql as $$
     begin
       perform pg_notify('registry_' || tg_table_schema, tg_table_name || ':' || coalesce(to_jsonb(new)->>'app_id', new.tenant_id));
       return null;
     end $$`,
    `create trigger apps_registry_notify after insert or update on apps for each row execute function registry_notify()`,
    `create trigger tenants_registry_notify after insert or update on tenants for each row execute function registry_notify()`,
  ];
}

export class GatewayAdmission1764500000000 implements MigrationInterface {
  name = 'GatewayAdmission1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of gatewayAdmissionSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop trigger if exists apps_registry_notify on apps');
    await q.query('drop trigger if exists tenants_registry_notify on tenants');
    await q.query('drop function if exists registry_notify()');
    await q.query('drop function if exists gateway_admit(text, text, text, integer, text[], double precision, double precision, text, text, integer, integer)');
  }
}
