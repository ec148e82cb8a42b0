export { createServiceDataSource, inTenantTransaction, type ServiceDataSourceOptions } from './data-source';
export { appRoleName, tenantRlsSql } from './rls';
export { appDatabaseUrl, bootstrapServiceSchema } from './schema-bootstrap';
export { migrateService, type MigrateOptions } from './migrate';
export { inProvinceTransaction, provinceRlsSql } from './province';
