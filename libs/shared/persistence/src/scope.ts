import type { DataSource, EntityManager } from 'typeorm';
import { assertTenantId } from '@countypay/tenancy';
import { discardBeforeCommit, runBeforeCommit } from './before-commit';
import { execute, type Queryable } from './sql';

/**
 * The row-level-security scope of a transaction — the ONE place the platform issues
 * `set_config` for it. Every setting is transaction-local (`set_config(…, true)`), so a pooled
 * connection never carries a scope into the next transaction.
 *
 * - `{ tenantId }`: one county; the tenant policy (`tenant_id = current_setting('app.tenant_id')`)
 *   sees only its rows, and an insert for another tenant is refused.
 * - `'province'`: the province operator, above all tenants, on tables that carry the province
 *   policy (`provinceRlsSql`). Inside it, `bindTenant` additionally scopes rows of tables with
 *   only the tenant policy (e.g. the outbox) to one tenant.
 * - `{ role }`: a platform process that works across tenants on its own tables only: the
 *   outbox relay (`app.outbox_relay`), the webhook dispatcher (`app.webhook_dispatcher`).
 */
export type TransactionScope = { tenantId: string } | 'province' | { role: SystemRole };

/** Cross-tenant platform processes; each has its own policy on the tables it works on. */
export const SYSTEM_ROLES = ['outbox_relay', 'webhook_dispatcher'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

/** Sets the scope of the current transaction (a migration's query runner or a transaction's manager). */
export async function setScope(q: Queryable, scope: TransactionScope): Promise<void> {
  if (scope === 'province') {
    await execute(q, `select set_config('app.scope', 'province', true)`);
  } else if ('tenantId' in scope) {
    await execute(q, `select set_config('app.tenant_id', $1, true)`, [assertTenantId(scope.tenantId)]);
  } else {
    if (!SYSTEM_ROLES.includes(scope.role)) throw new Error(`unknown system role ${String(scope.role)}`);
    await execute(q, `select set_config($1, 'on', true)`, [`app.${scope.role}`]);
  }
}

/** Runs `fn` in one database transaction in `scope`. */
export async function inScope<T>(ds: DataSource, scope: TransactionScope, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  if (typeof scope === 'object' && 'tenantId' in scope) assertTenantId(scope.tenantId);
  return ds.transaction(async (em) => {
    try {
      await setScope(em, scope);
      const result = await fn(em);
      await runBeforeCommit(em);
      return result;
    } finally {
      discardBeforeCommit(em);
    }
  });
}

/**
 * Runs `fn` in one database transaction scoped to `tenantId`: row-level security sees only
 * that tenant's rows.
 */
export function inTenantTransaction<T>(ds: DataSource, tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return inScope(ds, { tenantId }, fn);
}

/** Runs `fn` in one transaction in the province operator's scope (all tenants' rows of province-managed tables). */
export function inProvinceTransaction<T>(ds: DataSource, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return inScope(ds, 'province', fn);
}

/**
 * Inside a province (or system-role) transaction, additionally binds `tenantId`, so rows of
 * tables with only the tenant policy (the outbox, the inbox) can be read and written for it.
 * May be called again for another tenant.
 */
export function bindTenant(em: Queryable, tenantId: string): Promise<void> {
  return setScope(em, { tenantId });
}

/**
 * The same scope, for a PL/pgSQL function that sets it itself (one round trip on a hot path,
 * the function run as a single statement): the statement that binds the tenant named by the
 * function's parameter `param`.
 */
export function tenantScopePlpgsql(param: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(param)) throw new Error(`not a parameter name: ${param}`);
  return `perform set_config('app.tenant_id', ${param}, true)`;
}
