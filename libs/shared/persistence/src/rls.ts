/**
 * SQL for migrations. A tenant-owned table has a non-empty `tenant_id` and row-level
 * security, FORCEd so the table owner is subject to it too. The policy compares with
 * `current_setting('app.tenant_id', true)`: unset gives NULL and an empty setting gives '',
 * and neither equals any row's tenant_id, so a query without a tenant sees nothing
 * (fail closed) and an insert for another tenant is refused.
 */
export function tenantRlsSql(table: string): string[] {
  return [
    `alter table ${table} add constraint ${table.replace(/\W/g, '_')}_tenant_id_not_empty check (tenant_id <> '')`,
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    `create policy tenant_isolation on ${table} using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true))`,
  ];
}

/** The name of a service's non-owner login role. */
export function appRoleName(schema: string): string {
  return `cp_${schema}_app`;
}

/**
 * The province operator acts above all tenants. Tables it manages get this policy beside the
 * tenant one; the scope is set per transaction (`inProvinceTransaction`), like the tenant.
 */
export function provinceRlsSql(table: string): string[] {
  return [`create policy province_scope on ${table} using (current_setting('app.scope', true) = 'province')`];
}

/** The policy that lets a cross-tenant platform process (see `SystemRole`) work on `table`. */
export function systemRoleRlsSql(table: string, role: 'outbox_relay' | 'webhook_dispatcher'): string[] {
  return [`create policy ${role} on ${table} using (current_setting('app.${role}', true) = 'on')`];
}
