import { types as pgTypes } from 'pg';
import { DataSource, type MixedList, type EntitySchema, type MigrationInterface } from 'typeorm';

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

const DATE_OID = 1082;

/**
 * How node-postgres decodes values for every service: its defaults (bigint and numeric as text,
 * timestamptz as Date), except `date`, which stays 'YYYY-MM-DD' — a business day is not an
 * instant, and decoding it into a Date at local midnight shifts it across time zones.
 */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID && format !== 'binary') return (v: string) => v;
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  },
};

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
    // Two connections stay open when idle (pg-pool's `min`): a poller or a trickle of requests
    // every > 10 s (the idle timeout) otherwise forked a new backend each time — SCRAM
    // authentication and a cold catalog cache, several ms of PostgreSQL CPU per connection
    // (issue 14: the idle platform's PostgreSQL CPU). Above two, idle connections still close.
    extra: { options: `-c search_path=${opts.schema}`, types: PG_TYPES, min: 2 },
  });
}
