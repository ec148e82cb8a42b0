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

/**
 * Wakes the outbox relay when events are written instead of having it poll: a statement-level
 * trigger notifies `outbox_<schema>` (delivered at commit, once per transaction). Idempotent.
 */
export function outboxNotifySql(): string[] {
  return [
    `create or replace function outbox_notify() returns trigger language plpgsql as $$
     begin
       perform pg_notify('outbox_' || tg_table_schema, '');
       return null;
     end $$`,
    `drop trigger if exists outbox_notify on outbox`,
    `create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()`,
  ];
}

/**
 * The relay's claim starts at a floor (OutboxRelay): the trigger of `outboxNotifySql` notifies,
 * once per transaction, the LOWEST seq that transaction wrote (its first insert's: a transaction's
 * seqs grow), so a relay knows where committed rows may still wait. A statement that inserted
 * nothing notifies nothing. A savepoint rolled back takes its notification and the "notified"
 * mark with it, so a later insert of the same transaction notifies. The outbox is also vacuumed
 * after every 1,000 published rows instead of a fifth of the table (a full scan, the relay's
 * safety net and the lag metrics, reads the dead index entries of published rows until then).
 * Idempotent.
 */
export function outboxNotifySeqSql(): string[] {
  return [
    `create or replace function outbox_notify() returns trigger language plpgsql as $$
     declare
       lowest bigint;
     begin
       if current_setting('countypay.outbox_notified', true) is distinct from tg_table_schema then
         select min(seq) into lowest from inserted;
         if lowest is not null then
           perform set_config('countypay.outbox_notified', tg_table_schema, true);
           perform pg_notify('outbox_' || tg_table_schema, lowest::text);
         end if;
       end if;
       return null;
     end $$`,
    `drop trigger if exists outbox_notify on outbox`,
    `create trigger outbox_notify after insert on outbox referencing new table as inserted for each statement execute function outbox_notify()`,
    `alter table outbox set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`,
  ];
}
