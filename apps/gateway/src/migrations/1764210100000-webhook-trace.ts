import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The trace context of the event that created a delivery: its attempts join the payment's trace. */
export function webhookTraceSql(): string[] {
  return [`alter table webhook_deliveries add column traceparent text`];
}

export class WebhookTrace1764210100000 implements MigrationInterface {
  name = 'WebhookTrace1764210100000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of webhookTraceSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table webhook_deliveries drop column if exists traceparent');
  }
}
