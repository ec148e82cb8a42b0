import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { isTenantId } from '@countypay/tenancy';

/** The partner app calling the webhooks API, and its tenant. */
export interface WebhookCaller {
  tenantId: string;
  appId: string;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/**
 * The caller as the gateway's authentication established it. The auth middleware verifies the
 * app's request signature and sets the internal headers of the gateway → service contract
 * (`x-cp-actor-type: app`, `x-cp-app-id`, `tenant-id`) on the request before it reaches this
 * controller, replacing any the client sent. Only app callers may use this API.
 */
export function webhookCallerOf(req: Request): WebhookCaller {
  const actorType = header(req, 'x-cp-actor-type');
  const appId = header(req, 'x-cp-app-id');
  const tenantId = header(req, 'tenant-id');
  if (actorType !== 'app' || !appId || !isTenantId(tenantId)) {
    throw new HttpException({ code: 'invalid_request', message: 'the webhooks API is for signed partner app requests' }, 401);
  }
  return { tenantId, appId };
}
