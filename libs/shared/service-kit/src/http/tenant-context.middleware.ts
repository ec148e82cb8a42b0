import type { NextFunction, Request, Response } from 'express';
import { TENANT_HEADER, isTenantId, runWithTenant } from '@countypay/tenancy';
import { annotateActiveSpan, observeHttp, type Metrics } from '@countypay/observability';
import { sendError } from './api-exception.filter';

/**
 * Internal services sit behind the gateway, which authenticates the partner app and passes its
 * tenant in the `tenant-id` header. The rest of the request runs in that tenant's context
 * (repositories, outbox, logs and spans pick it up). A malformed tenant is a 400.
 */
export function tenantContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const raw = req.headers[TENANT_HEADER];
  if (raw === undefined) return next();
  const tenant = Array.isArray(raw) ? raw[0] : raw;
  if (!isTenantId(tenant)) {
    sendError(res, req, 'invalid_tenant', 'the tenant-id header must be t followed by six digits', 'tenant-id');
    return;
  }
  annotateActiveSpan({ 'tenant.id': tenant });
  runWithTenant(tenant, next);
}

/** RED metrics per route template, method, status and tenant. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const tenant = req.headers[TENANT_HEADER];
      observeHttp(metrics, {
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: res.statusCode,
        tenant: typeof tenant === 'string' && isTenantId(tenant) ? tenant : undefined,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
    next();
  };
}
