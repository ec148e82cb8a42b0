import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * The ops console's webhook deliveries (issue 11):
 * - `webhook_deliveries_order_idx`: a payment's deliveries by its order id (the payload's
 *   `data.orderId`, fixed when the delivery is created), for the payment's timeline;
 * - `webhook_deliveries_tenant_idx`: a county's deliveries newest first, whatever the app;
 * - `webhook_resends`: who asked for each manual resend (an app or an operator), written in the
 *   same transaction as the resend itself; tenant-owned under row-level security, append-only.
 */
export function webhookOpsSql(): string[] {
  return [
    `create index webhook_deliveries_order_idx on webhook_deliveries (tenant_id, ((body::jsonb -> 'data' ->> 'orderId')))`,
    `create index webhook_deliveries_tenant_idx on webhook_deliveries (tenant_id, seq desc)`,
    `
      create table webhook_resends (
        id bigserial primary key,
        tenant_id text not null,
        delivery_id uuid not null references webhook_deliveries (id),
        actor_type text not null check (actor_type in ('app', 'county', 'province')),
        actor_id text not null,
        request_id text,
        at timestamptz not null default now()
      )`,
    `create index webhook_resends_delivery_idx on webhook_resends (delivery_id, id)`,
    ...tenantRlsSql('webhook_resends'),
  ];
}

export class WebhookOps1766500000000 implements MigrationInterface {
  name = 'WebhookOps1766500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of webhookOpsSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists webhook_resends');
    await q.query('drop index if exists webhook_deliveries_tenant_idx');
    await q.query('drop index if exists webhook_deliveries_order_idx');
  }
}
