import { systemRoleRlsSql, tenantRlsSql } from '@countypay/persistence';

/**
 * DDL for a service's outbox and inbox, for its first migration. Both are tenant-owned and
 * under row-level security. The outbox has a second policy for the relay, which publishes
 * every tenant's events: it sets `app.outbox_relay` in its own transaction (see ADR 0002).
 */
export function messagingTablesSql(): string[] {
  return [
    `create table outbox (
      seq bigserial primary key,
      id uuid not null unique,
      tenant_id text not null,
      topic text not null,
      message_key text not null,
      event_type text not null,
      payload jsonb not null,
      headers jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`,
    `create index outbox_unpublished_idx on outbox (seq) where published_at is null`,
    ...tenantRlsSql('outbox'),
    ...systemRoleRlsSql('outbox', 'outbox_relay'),
    `create table inbox (
      consumer text not null,
      event_id uuid not null,
      tenant_id text not null,
      topic text not null,
      processed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )`,
    ...tenantRlsSql('inbox'),
  ];
}
