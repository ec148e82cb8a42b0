import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The onboarding read model now comes from `@countypay/read-models`, whose rows also keep the
 * tenant's name and the id of the event that wrote them (`onboardingReadModelTablesSql`). Rows
 * written before keep an empty name and no event id until onboarding's next update.
 */
export class QrReadModelEventIds1764480000000 implements MigrationInterface {
  name = 'QrReadModelEventIds1764480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table tenant_configs add column name text not null default '', add column source_event_id uuid`);
    await q.query(`alter table merchants add column source_event_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table merchants drop column source_event_id`);
    await q.query(`alter table tenant_configs drop column name, drop column source_event_id`);
  }
}
