import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A manual resend that arrives while an attempt is in flight (issue 11's known defect): the
 * resend used to drop the running attempt's lease, so the attempt's outcome no longer moved the
 * delivery and a second attempt went out at once. Now the lease is kept and the resend is
 * remembered (`resend_requested_at`); when the in-flight attempt is recorded it honours the
 * resend: delivered → delivered, otherwise the resend attempt is queued at once. `leased_at`
 * tells a resend made during this lease from one made before it.
 */
export function webhookResendInFlightSql(): string[] {
  return [`alter table webhook_deliveries add column leased_at timestamptz, add column resend_requested_at timestamptz`];
}

export class WebhookResendInFlight1767100000000 implements MigrationInterface {
  name = 'WebhookResendInFlight1767100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of webhookResendInFlightSql()) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table webhook_deliveries drop column resend_requested_at, drop column leased_at`);
  }
}
