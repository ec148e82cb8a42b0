import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ApiError, defaultTenantConfig, TenantConfig } from '@countypay/contracts';

/** The stored config; `{}` (never configured) means the default config. */
export function effectiveTenantConfig(stored: Record<string, unknown> | null | undefined): TenantConfig {
  if (!stored || Object.keys(stored).length === 0) return defaultTenantConfig();
  return plainToInstance(TenantConfig, stored);
}

function firstProblem(errors: ValidationError[], prefix = ''): { param: string; message: string } | undefined {
  for (const e of errors) {
    const param = `${prefix}${e.property}`;
    const constraints = e.constraints ?? {};
    if (constraints.whitelistValidation) return { param, message: `unknown field '${param}'` };
    const first = Object.values(constraints)[0];
    if (first) return { param, message: first.replace(e.property, param) };
    const nested = e.children?.length ? firstProblem(e.children, `${param}.`) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Applies a full or partial config to the current one: top-level fields given replace the
 * current ones whole (arrays and `barcodeLimits` included); the result must be a valid
 * TenantConfig, else 400 (`invalid_request`, or `unknown_field`) naming the field by its path
 * in the patch (`cutoffTime`, `feePlan.0.rateBp`).
 */
export function applyTenantConfigPatch(current: TenantConfig, patch: unknown): TenantConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ApiError('invalid_request', 'the body must be a (partial) tenant config object');
  }
  if (Object.keys(patch).length === 0) throw new ApiError('invalid_request', 'nothing to change: give at least one config field');
  const merged: Record<string, unknown> = { ...JSON.parse(JSON.stringify(current)), ...(patch as Record<string, unknown>) };
  const candidate = plainToInstance(TenantConfig, merged);
  const errors = validateSync(candidate, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const p = firstProblem(errors);
    if (!p) throw new ApiError('invalid_request', 'the tenant config is invalid');
    throw new ApiError(p.message.startsWith('unknown field') ? 'unknown_field' : 'invalid_request', p.message, p.param);
  }
  return candidate;
}
