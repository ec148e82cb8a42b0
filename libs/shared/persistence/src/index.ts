export { createServiceDataSource, poolIdleOptions, PG_TYPES, type ServiceDataSourceOptions } from './data-source';
export { appRoleName, provinceRlsSql, systemRoleRlsSql, tenantRlsSql } from './rls';
export { appDatabaseUrl, bootstrapServiceSchema } from './schema-bootstrap';
export { migrateService, type MigrateOptions } from './migrate';
export {
  bindTenant,
  inProvinceTransaction,
  inScope,
  inScopeStartingWith,
  inTenantTransaction,
  setScope,
  SYSTEM_ROLES,
  tenantScopePlpgsql,
  type SystemRole,
  type TransactionScope,
} from './scope';
export {
  col,
  execute,
  many,
  one,
  query,
  rowOf,
  RowShape,
  snakeCase,
  uniqueViolation,
  updateReturning,
  Where,
  type Column,
  type ColumnsSpec,
  type Queryable,
  type QueryResult,
  type RowType,
} from './sql';
export { Keyset, pageQuery, type KeyColumn, type KeyType, type Page, type PageRequest } from './pagination';
export { PgListener, type ListenerHandlers } from './listener';
export { isDatabaseUnavailable } from './unavailable';
export { beforeCommit } from './before-commit';
export { isTransientConflict } from './transient';
export { NotifiedCache, type NotifiedCacheOptions, type NotifiedDrop } from './notified-cache';
