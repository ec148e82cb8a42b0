import type { MigrationInterface, QueryRunner } from 'typeorm';
import { systemRoleRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * Outbound partner webhooks (apps/gateway/src/webhooks):
 * - `webhook_endpoints`: the gateway's read model of each app's callback URLs and encrypted
 *   webhook secret, fed by `AppUpdatedV1` (highest version wins);
 * - `webhook_deliveries`: one row per (event, callback URL), written in the consumer's
 *   transaction; all retry state lives here (`status`, `attempt_count`, `next_attempt_at`);
 * - `webhook_attempts`: every HTTP attempt, append-only.
 * All three are tenant-owned under row-level security. The dispatcher claims due deliveries of
 * every tenant: it sets `app.webhook_dispatcher` in its own short claim transaction (the same
 * pattern as the outbox relay, ADR 0002); everything else runs in the delivery's tenant scope.
 */
export function webhookTablesSql(): string[] {
  return [
    `
      create table webhook_endpoints (
        tenant_id text not null,
        app_id text not null,
        callback_urls text[] not null default '{}',
        webhook_secret_ciphertext text not null,
        version int not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, app_id)
      )`,
    `
      create table webhook_deliveries (
        id uuid primary key,
        seq bigserial not null unique,
        tenant_id text not null,
        app_id text not null,
        event_id uuid not null,
        event_type text not null,
        url text not null,
        body text not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempt_count int not null default 0,
        retry_on_failure boolean not null default true,
        resend_requested boolean not null default false,
        next_attempt_at timestamptz,
        lease_token uuid,
        last_attempt_at timestamptz,
        last_status_code int,
        last_error_class text,
        delivered_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, event_id, url),
        check ((status = 'pending') = (next_attempt_at is not null))
      )`,
    `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`,
    `create index webhook_deliveries_app_idx on webhook_deliveries (tenant_id, app_id, seq desc)`,
    `
      create table webhook_attempts (
        id bigserial primary key,
        delivery_id uuid not null references webhook_deliveries (id),
        tenant_id text not null,
        attempt_no int not null,
        triggered_by text not null check (triggered_by in ('schedule', 'resend')),
        status_code int,
        duration_ms int not null,
        error_class text,
        outcome text not null check (outcome in ('delivered', 'failed')),
        at timestamptz not null default now()
      )`,
    `create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id)`,
    ...['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'].flatMap((table) => tenantRlsSql(table)),
    ...systemRoleRlsSql('webhook_deliveries', 'webhook_dispatcher'),
  ];
}

export class Webhooks1764210000000 implements MigrationInterface {
  name = 'Webhooks1764210000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of webhookTablesSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists webhook_attempts, webhook_deliveries, webhook_endpoints');
  }
}
