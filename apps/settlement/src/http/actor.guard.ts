import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '@countypay/contracts';
import { TENANT_HEADER, isTenantId } from '@countypay/tenancy';

/** Who the gateway says is calling (internal headers; the gateway authenticated them). */
export type ActorType = 'app' | 'province' | 'county';
const ACTOR_TYPES: readonly ActorType[] = ['app', 'province', 'county'];
const ALLOWED = 'settlement:allowed-actors';

/** The actor types a route serves; every ledger route also needs the tenant in scope. */
export const AllowActors = (...types: ActorType[]): MethodDecorator & ClassDecorator => SetMetadata(ALLOWED, types);

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The caller as the gateway forwarded it. */
export interface RequestActor {
  type: ActorType;
  /** the partner app's public id, for `app` actors */
  appId?: string;
}

const APP_ID = /^app_[0-9a-z]{20}$/;

export function actorOf(req: Request): RequestActor {
  const type = header(req, 'x-cp-actor-type') as ActorType;
  return type === 'app' ? { type, appId: header(req, 'x-cp-app-id') } : { type };
}

/** The request's actor (checked by {@link ActorGuard}). */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestActor => actorOf(ctx.switchToHttp().getRequest<Request>()));

/** Refuses a request without a tenant (400 `invalid_tenant`) or from an actor type the route does not allow (403 `forbidden_actor`). */
@Injectable()
export class ActorGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<ActorType[] | undefined>(ALLOWED, [ctx.getHandler(), ctx.getClass()]) ?? [];
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!isTenantId(header(req, TENANT_HEADER))) throw new ApiError('invalid_tenant', 'the tenant-id header is required', TENANT_HEADER);
    const actor = header(req, 'x-cp-actor-type') as ActorType | undefined;
    if (!actor || !ACTOR_TYPES.includes(actor) || !allowed.includes(actor)) {
      throw new ApiError('forbidden_actor', `this route is for ${allowed.join(' or ') || 'nobody'}`, 'x-cp-actor-type');
    }
    if (actor === 'app' && !APP_ID.test(header(req, 'x-cp-app-id') ?? '')) throw new ApiError('forbidden_actor', 'an app actor needs its app id', 'x-cp-app-id');
    return true;
  }
}
