import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
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

/** The `set_config` statement of a scope; every value in it is checked (a tenant id's pattern, a known role), so it may be inlined. */
function scopeStatement(scope: TransactionScope): { sql: string; params: string[] } {
  if (scope === 'province') return { sql: `select set_config('app.scope', 'province', true)`, params: [] };
  if ('tenantId' in scope) return { sql: `select set_config('app.tenant_id', $1, true)`, params: [assertTenantId(scope.tenantId)] };
  if (!SYSTEM_ROLES.includes(scope.role)) throw new Error(`unknown system role ${String(scope.role)}`);
  return { sql: `select set_config($1, 'on', true)`, params: [`app.${scope.role}`] };
}

/** Sets the scope of the current transaction (a migration's query runner or a transaction's manager). */
export async function setScope(q: Queryable, scope: TransactionScope): Promise<void> {
  const { sql, params } = scopeStatement(scope);
  await execute(q, sql, params);
}

/**
 * `start transaction` and the scope's `set_config` as ONE simple-protocol message — one round
 * trip instead of two for every transaction of the platform (issue 14). The values are checked
 * literals (a tenant id matches `t` + six digits, a role is one of SYSTEM_ROLES), quoted anyway.
 */
function beginStatement(scope: TransactionScope): string {
  const { sql, params } = scopeStatement(scope);
  const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`;
  return `start transaction; ${sql.replace(/\$(\d)/g, (_, i: string) => literal(params[Number(i) - 1]!))}`;
}

/** TypeORM's own bookkeeping of a transaction it did not start itself (its commit and rollback check it). */
interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * Runs `fn` in one database transaction in `scope`: like `DataSource.transaction`, except that
 * the transaction begins and gets its scope in one round trip (see beginStatement).
 */
export async function inScope<T>(ds: DataSource, scope: TransactionScope, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const begin = beginStatement(scope);
  return inTransactionBegunBy(ds, async (runner) => {
    await runner.query(begin);
    return fn(runner.manager);
  });
}

/**
 * Like `inScope`, with the transaction's first statement sent in the SAME message as its begin
 * (one round trip for begin, scope and that statement): `firstSql` must be a single statement
 * without parameters — its values inlined by the caller as checked literals. `fn` gets its rows.
 * For a hot loop's claim (the outbox relay, issue 14).
 */
export async function inScopeStartingWith<R, T>(
  ds: DataSource,
  scope: TransactionScope,
  firstSql: string,
  fn: (rows: R[], em: EntityManager) => Promise<T>,
): Promise<T> {
  if (firstSql.includes('$')) throw new Error('inScopeStartingWith: the first statement takes no parameters');
  const begin = beginStatement(scope);
  return inTransactionBegunBy(ds, async (runner) => {
    const conn = (await runner.connect()) as { query(sql: string): Promise<Array<{ rows: R[] }> | { rows: R[] }> };
    const results = await conn.query(`${begin}; ${firstSql}`);
    const rows = Array.isArray(results) ? (results[results.length - 1]?.rows ?? []) : results.rows;
    return fn(rows, runner.manager);
  });
}

/**
 * One transaction on a query runner of its own: `body` sends the begin (and whatever it sends with
 * it), then the before-commit hooks run and it commits; on any error it rolls back.
 */
async function inTransactionBegunBy<T>(ds: DataSource, body: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    // marked started before the begin runs: if it fails half-way, the rollback below still ends what began
    Object.assign(runner as unknown as TransactionState, { isTransactionActive: true, transactionDepth: 1 });
    const result = await body(runner);
    await runBeforeCommit(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (err) {
    try {
      await runner.rollbackTransaction();
    } catch {
      // the original error is the one that matters (or the connection is gone: the server rolled back)
    }
    throw err;
  } finally {
    discardBeforeCommit(runner.manager);
    await runner.release();
  }
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
