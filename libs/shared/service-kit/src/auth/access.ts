import { applyDecorators, createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError, type AppScope } from '@countypay/contracts';
import { actorFromHeaders, type Actor, type ActorType } from './actor';

/**
 * Who may call a route, declared ON the route — the one declaration that the guard enforces,
 * the gateway routes by and the OpenAPI document describes (immich's `Authenticated()`):
 *
 *   @Authenticated({ actors: ['app', 'county'], scopes: ['qr:pay'] })  partners and operators
 *   @PublicRoute()                                                      anyone (a payer's phone)
 *   @InternalRoute('gateway')                                           other services only
 *
 * A route without a declaration is refused (fail closed), and the OpenAPI generator refuses to
 * describe it.
 */
export type RouteAccess =
  | { kind: 'actors'; actors: readonly ActorType[]; scopes: readonly AppScope[] }
  | { kind: 'public' }
  | { kind: 'internal'; callers: string };

export const ACCESS_METADATA = 'countypay:access';

export interface AuthenticatedOptions {
  actors: readonly ActorType[];
  /** an app needs at least one of these scopes (operators are not scope-bound) */
  scopes?: readonly AppScope[];
}

export function Authenticated(opts: AuthenticatedOptions): MethodDecorator & ClassDecorator {
  if (opts.actors.length === 0) throw new Error('@Authenticated needs at least one actor type');
  if (opts.actors.includes('app') && !opts.scopes?.length) throw new Error('@Authenticated for apps needs the scopes that grant the route');
  const access: RouteAccess = { kind: 'actors', actors: [...opts.actors], scopes: [...(opts.scopes ?? [])] };
  return applyDecorators(SetMetadata(ACCESS_METADATA, access));
}

/** No authentication: a page or call a payer's wallet (or anyone) makes through the gateway. */
export function PublicRoute(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies RouteAccess);
}

/**
 * Not part of the public API: called by another service (the gateway's lookups), a channel
 * (its notifications, verified by the channel's own signature), or the platform's operations
 * (health, metrics). The gateway never routes to it.
 */
export function InternalRoute(callers: string): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { kind: 'internal', callers } satisfies RouteAccess);
}

type WithActor = Request & { actor?: Actor };

export function routeAccess(reflector: Reflector, ctx: ExecutionContext): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [ctx.getHandler(), ctx.getClass()]);
}

/**
 * The one access check, global in every service: refuses a route that declares nothing, an
 * actor type the route does not admit (403 forbidden_actor) and an app without one of the
 * route's scopes (403 missing_scope — the code the gateway answers for the same refusal).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, ctx);
    if (!access) throw new ApiError('forbidden_actor', 'this route declares no access and is closed');
    if (access.kind !== 'actors') return true;
    const req = ctx.switchToHttp().getRequest<WithActor>();
    const actor = actorFromHeaders(req.headers);
    if (!actor) throw new ApiError('forbidden_actor', 'this route needs an authenticated caller');
    if (!access.actors.includes(actor.type))
      throw new ApiError('forbidden_actor', `this route is not open to ${actor.type === 'app' ? 'apps' : `${actor.type} operators`}`);
    if (actor.type === 'app' && !access.scopes.some((s) => actor.scopes.includes(s))) {
      throw new ApiError('missing_scope', `this route needs the app scope ${access.scopes.join(' or ')}`, access.scopes[0]);
    }
    req.actor = actor;
    return true;
  }
}

/** The caller the guard admitted, typed (only on `@Authenticated` routes). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<WithActor>().actor;
  if (!actor) throw new ApiError('forbidden_actor', 'this route needs an authenticated caller');
  return actor;
});

/** The request id (for audit records). */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<Request & { id?: unknown }>();
  if (typeof req.id === 'string') return req.id;
  const h = req.headers['x-request-id'];
  return typeof h === 'string' ? h.slice(0, 100) : undefined;
});
