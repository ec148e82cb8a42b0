export {
  TENANT_ID_PATTERN,
  InvalidTenantError,
  MissingTenantError,
  assertTenantId,
  currentTenantId,
  isTenantId,
  requireTenantId,
  runWithTenant,
} from './tenant-context';
export { TENANT_HEADER } from './tenant-header';
