import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@countypay/contracts';
import { isTenantId, TENANT_HEADER } from '@countypay/tenancy';

export type ActorType = 'app' | 'province' | 'county';

/** Who is calling, as the gateway tells us (internal HTTP contract headers). */
export interface Actor {
  readonly type: ActorType | undefined;
  readonly id: string | undefined;
  /** the partner app (`x-cp-app-id`), when an app calls */
  readonly appId: string | undefined;
  readonly tenantId: string | undefined;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function actorOf(req: Request): Actor {
  const type = header(req, 'x-cp-actor-type');
  const tenant = header(req, TENANT_HEADER);
  return {
    type: type === 'app' || type === 'province' || type === 'county' ? type : undefined,
    id: header(req, 'x-cp-actor-id'),
    appId: header(req, 'x-cp-app-id'),
    tenantId: tenant !== undefined && isTenantId(tenant) ? tenant : undefined,
  };
}

/** The caller of the route, from the gateway's headers. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => actorOf(ctx.switchToHttp().getRequest<Request>()));

/**
 * The tenant the call is scoped to, for an allowed actor type. Routes of partners and
 * operators need both the `tenant-id` header and an `x-cp-actor-type` the route allows.
 */
export function scopedTenant(actor: Actor, allowed: readonly ActorType[]): string {
  if (!actor.type || !allowed.includes(actor.type))
    throw new ApiError('forbidden_actor', `this route is for ${allowed.join(' or ')} callers (x-cp-actor-type ${actor.type ?? 'missing'})`);
  if (!actor.tenantId) throw new ApiError('invalid_tenant', 'the tenant-id header is required', 'tenant-id');
  return actor.tenantId;
}

/** The app the order belongs to: a partner app's own id; operators act with no app (''). */
export function orderAppId(actor: Actor): string {
  return actor.type === 'app' ? (actor.appId ?? actor.id ?? '') : '';
}
