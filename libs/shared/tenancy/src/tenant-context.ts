import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A tenant is a county legal entity, identified as `t` + its six-digit administrative
 * division code (e.g. `t510121`). The province operator acts above all tenants and is not a
 * tenant id.
 */
export const TENANT_ID_PATTERN = /^t\d{6}$/;

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

export class InvalidTenantError extends Error {
  constructor(readonly value: string) {
    super(`'${value.slice(0, 40)}' is not a tenant id (expected t followed by six digits)`);
    this.name = 'InvalidTenantError';
  }
}

export function assertTenantId(value: string): string {
  if (!isTenantId(value)) throw new InvalidTenantError(value);
  return value;
}

interface TenantScope {
  readonly tenantId: string;
}

const storage = new AsyncLocalStorage<TenantScope>();

/** Runs `fn` with `tenantId` as the current tenant (an HTTP request or a Kafka message). */
export function runWithTenant<T>(tenantId: string, fn: () => T): T {
  return storage.run({ tenantId: assertTenantId(tenantId) }, fn);
}

/** The tenant of the current request or message, if any. */
export function currentTenantId(): string | undefined {
  return storage.getStore()?.tenantId;
}

export class MissingTenantError extends Error {
  constructor() {
    super('no tenant in the current context');
    this.name = 'MissingTenantError';
  }
}

/** The tenant of the current request or message; throws when there is none. */
export function requireTenantId(): string {
  const id = currentTenantId();
  if (!id) throw new MissingTenantError();
  return id;
}
