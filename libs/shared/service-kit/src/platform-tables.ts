import { messagingTablesSql, outboxNotifySql } from '@countypay/messaging';
import { tenantRlsSql } from '@countypay/persistence';

/** Tables every service has, for its first migration: outbox, inbox and probe receipts. */
export function platformTablesSql(): string[] {
  return [
    ...messagingTablesSql(),
    `create table probe_receipts (
      probe_id uuid not null,
      tenant_id text not null,
      origin text not null,
      event_id uuid not null,
      received_at timestamptz not null default now(),
      primary key (tenant_id, probe_id)
    )`,
    ...tenantRlsSql('probe_receipts'),
    ...outboxNotifySql(),
  ];
}
