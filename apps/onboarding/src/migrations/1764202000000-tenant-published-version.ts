import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant version last announced as TenantUpdatedV1. Seeded tenants start unannounced
 * (NULL): onboarding publishes them once at start, so every service's read model fills up.
 */
export class TenantPublishedVersion1764202000000 implements MigrationInterface {
  name = 'TenantPublishedVersion1764202000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table tenants add column published_version int');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table tenants drop column published_version');
  }
}
