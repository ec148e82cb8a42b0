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
  /**
   * how long a connection above `poolMin` may sit idle before the pool closes it (pg-pool's
   * `idleTimeoutMillis`; 0 never closes one). Default 10 s (pg-pool's own): the tests' and the
   * migrations' data sources. The services take theirs from DATABASE_POOL_IDLE_TIMEOUT_MS (5 min).
   */
  idleTimeoutMs?: number;
  /** connections the pool never closes for being idle (pg-pool's `min`, at most `poolSize`); default 2 */
  poolMin?: number;
  applicationName: string;
}

/** pg-pool's idle settings for a data source: `min` never above the pool's size. */
export function poolIdleOptions(opts: Pick<ServiceDataSourceOptions, 'poolSize' | 'idleTimeoutMs' | 'poolMin'>): { min: number; idleTimeoutMillis: number } {
  const size = opts.poolSize ?? 10;
  return { min: Math.min(opts.poolMin ?? 2, size), idleTimeoutMillis: opts.idleTimeoutMs ?? 10_000 };
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
    // A new connection is a new PostgreSQL backend: SCRAM authentication, then a cold catalog
    // cache — its first statements load the relation cache of every table, index and partition
    // they touch (settlement's ledger lookup over 101 partitions: ≈ 50–90 ms more on a new
    // backend). So idle connections are not closed quickly: `min` (2) stay open for good, so a
    // poller or a trickle of requests does not fork a backend each time (issue 14: the idle
    // platform's PostgreSQL CPU), and the others after `idleTimeoutMillis` — the services' 5 min.
    // With pg-pool's 10 s, a pool shrank ten seconds into a steady load and re-grew by forking a
    // handful of cold backends at the next burst (4–16 per 30 s bench phase at 15/s, none with
    // 5 min: docs/perf/throughput.md "tpstall"). The idle timeout never raises the number of
    // connections: at most `poolSize`, as before, only held longer.
    extra: { options: `-c search_path=${opts.schema}`, types: PG_TYPES, ...poolIdleOptions(opts) },
  });
}
