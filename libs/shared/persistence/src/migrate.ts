import type { MigrationInterface } from 'typeorm';
import { createServiceDataSource } from './data-source';
import { bootstrapServiceSchema } from './schema-bootstrap';

export interface MigrateOptions {
  adminUrl: string;
  schema: string;
  appPassword: string;
  migrations: Array<new () => MigrationInterface>;
}

/** Bootstraps the service's schema and role, then runs its pending migrations as admin. */
export async function migrateService(opts: MigrateOptions): Promise<string[]> {
  await bootstrapServiceSchema(opts.adminUrl, opts.schema, opts.appPassword);
  const ds = createServiceDataSource({
    url: opts.adminUrl,
    schema: opts.schema,
    migrations: opts.migrations,
    applicationName: `countypay-migrate-${opts.schema}`,
    poolSize: 2,
  });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
