import { DataSource, type EntityManager, type MixedList, type EntitySchema, type MigrationInterface } from 'typeorm';
import { assertTenantId } from '@countypay/tenancy';

export interface ServiceDataSourceOptions {
  /** connection URL: the service's non-owner role for the app, an admin for migrations */
  url: string;
  /** the service's own schema */
  schema: string;
  /* eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity list type */
  entities?: MixedList<Function | string | EntitySchema>;
  migrations?: Array<new () => MigrationInterface>;
  poolSize?: number;
  applicationName: string;
}

/**
 * One TypeORM DataSource per service, shared by the app and the migration command:
 * `synchronize` is off, the search path is the service's schema, migrations are code.
 */
export function createServiceDataSource(opts: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities ?? [],
    migrations: opts.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName,
    poolSize: opts.poolSize ?? 10,
    extra: { options: `-c search_path=${opts.schema}` },
  });
}

/**
 * Runs `fn` in one database transaction scoped to `tenantId`: row-level security sees only
 * that tenant's rows (`app.tenant_id` is set with `set_config(…, true)`, i.e. for this
 * transaction only, so a pooled connection never carries a tenant into the next one).
 */
export async function inTenantTransaction<T>(ds: DataSource, tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  assertTenantId(tenantId);
  return ds.transaction(async (em) => {
    await em.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
    return fn(em);
  });
}
