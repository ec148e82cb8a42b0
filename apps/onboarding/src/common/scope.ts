import type { DataSource, EntityManager } from 'typeorm';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { assertTenantId } from '@countypay/tenancy';

/** The row-level-security scope of a transaction: one tenant, or the province (all tenants). */
export type Scope = { tenantId: string } | 'province';

export function inScope<T>(ds: DataSource, scope: Scope, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return scope === 'province' ? inProvinceTransaction(ds, fn) : inTenantTransaction(ds, scope.tenantId, fn);
}

/**
 * Inside a province transaction, additionally binds `tenantId` so that rows of tables with only
 * the tenant policy (the outbox) can be written for it. May be called again for another tenant.
 */
export async function bindTenant(em: EntityManager, tenantId: string): Promise<void> {
  await em.query(`select set_config('app.tenant_id', $1, true)`, [assertTenantId(tenantId)]);
}
