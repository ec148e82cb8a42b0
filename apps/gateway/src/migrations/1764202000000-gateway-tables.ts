import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * The gateway's tables.
 *
 * Read models fed by onboarding events: `tenants`, `apps` (tenant-owned, RLS) and
 * `app_directory`. The gateway meets a request knowing only its `X-CP-App-Id`; it cannot query
 * `apps` before it knows the tenant (RLS sees nothing without one). `app_directory` is the one
 * table without RLS: app id → tenant id (and the version that wrote it), nothing secret, so
 * a lookup there, then the app itself under its tenant's RLS.
 *
 * Request state (all tenant-scoped, RLS): `request_nonces` (anti-replay), `idempotency_keys`
 * (first responses of POSTs, 24 h) and `rate_limit_windows` (one counter per bucket and
 * minute). Expired rows are purged in the province scope (`provinceRlsSql`), the only place
 * that crosses tenants.
 */
export function gatewayTablesSql(): string[] {
  return [
    `create table app_directory (
        app_id text primary key,
        tenant_id text not null,
        version int not null
      )`,
    `create table tenants (
        tenant_id text primary key,
        status text not null check (status in ('active', 'suspended')),
        version int not null,
        updated_at timestamptz not null default now()
      )`,
    ...tenantRlsSql('tenants'),
    `create table apps (
        tenant_id text not null,
        app_id text not null,
        partner_id uuid not null,
        name text not null,
        status text not null check (status in ('active', 'suspended')),
        scopes text[] not null,
        callback_urls text[] not null,
        ip_allowlist text[] not null,
        credentials jsonb not null,
        webhook_secret_ciphertext text not null,
        version int not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, app_id)
      )`,
    ...tenantRlsSql('apps'),
    `create table request_nonces (
        tenant_id text not null,
        app_id text not null,
        nonce text not null,
        expires_at timestamptz not null,
        primary key (tenant_id, app_id, nonce)
      )`,
    `create index request_nonces_expiry on request_nonces (expires_at)`,
    ...tenantRlsSql('request_nonces'),
    ...provinceRlsSql('request_nonces'),
    `create table idempotency_keys (
        tenant_id text not null,
        app_id text not null,
        idempotency_key text not null,
        fingerprint text not null,
        status text not null check (status in ('in_progress', 'completed')),
        response_status int,
        response_headers jsonb,
        response_body bytea,
        created_at timestamptz not null default now(),
        locked_until timestamptz not null,
        expires_at timestamptz not null,
        primary key (tenant_id, app_id, idempotency_key)
      )`,
    `create index idempotency_keys_expiry on idempotency_keys (expires_at)`,
    ...tenantRlsSql('idempotency_keys'),
    ...provinceRlsSql('idempotency_keys'),
    `create table rate_limit_windows (
        tenant_id text not null,
        bucket text not null,
        window_start timestamptz not null,
        hits int not null,
        primary key (tenant_id, bucket, window_start)
      )`,
    `create index rate_limit_windows_start on rate_limit_windows (window_start)`,
    ...tenantRlsSql('rate_limit_windows'),
    ...provinceRlsSql('rate_limit_windows'),
  ];
}

export class GatewayTables1764202000000 implements MigrationInterface {
  name = 'GatewayTables1764202000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of gatewayTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists rate_limit_windows, idempotency_keys, request_nonces, apps, tenants, app_directory');
  }
}
