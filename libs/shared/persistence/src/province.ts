import type { DataSource, EntityManager } from 'typeorm';

/**
 * The province operator acts above all tenants. Tables it manages get this policy beside
 * the tenant one; the scope is set per transaction, like the tenant.
 */
export function provinceRlsSql(table: string): string[] {
  return [`create policy province_scope on ${table} using (current_setting('app.scope', true) = 'province')`];
}

/** Runs `fn` in one transaction in the province operator's scope (all tenants' rows of province-managed tables). */
export async function inProvinceTransaction<T>(ds: DataSource, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return ds.transaction(async (em) => {
    await em.query(`select set_config('app.scope', 'province', true)`);
    return fn(em);
  });
}
