import { applyDecorators, createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError, type AppScope } from '@countypay/contracts';
import { SERVICE_ASSERTION_HEADER, type AssertedActor } from '@countypay/security';
import { ACTOR_HEADERS, actorFromHeaders, type Actor, type ActorType } from './actor';
import { ServiceAuth } from './service-auth';

/**
 * Who may call a route, declared ON the route — the one declaration that the guard enforces,
 * the gateway routes by and the OpenAPI document describes (immich's `Authenticated()`):
 *
 *   @Authenticated({ actors: ['app', 'county'], scopes: ['qr:pay'] })  partners and operators (through the gateway)
 *   @PublicRoute()                                                      anyone (a payer's phone)
 *   @InternalRoute({ callers: ['gateway'] })                            other services only
 *   @PlatformRoute('orchestrator probes')                               the platform's own infrastructure
 *
 * `@Authenticated` and `@InternalRoute` calls must carry a service assertion (`x-cp-assertion`,
 * signed by the calling service — see @countypay/security's service-assertion): the actor of an
 * authenticated route is the one the assertion vouches for, never a header anybody could set.
 * A route without a declaration is refused (fail closed), and the OpenAPI generator refuses to
 * describe it.
 */
export type RouteAccess =
  | { kind: 'actors'; actors: readonly ActorType[]; scopes: readonly AppScope[] }
  | { kind: 'public' }
  | { kind: 'internal'; callers: readonly string[] }
  | { kind: 'platform'; reason: string };

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
 * Not part of the public API: called by other services only (the gateway's look-ups), which
 * prove who they are with a service assertion. The gateway never routes to it.
 */
export function InternalRoute(opts: { callers: readonly string[] }): MethodDecorator & ClassDecorator {
  if (opts.callers.length === 0) throw new Error('@InternalRoute needs the services that may call it');
  return SetMetadata(ACCESS_METADATA, { kind: 'internal', callers: [...opts.callers] } satisfies RouteAccess);
}

/**
 * Reached by the platform's infrastructure, not by a caller with an identity: health and metrics
 * (orchestrator probes, Prometheus; network policy keeps them inside), channel notifications
 * (verified by the channel's own signature), the simulated external systems. Not in the public
 * API, no service assertion.
 */
export function PlatformRoute(reason: string): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { kind: 'platform', reason } satisfies RouteAccess);
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
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: ServiceAuth,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, ctx);
    if (!access) throw new ApiError('forbidden_actor', 'this route declares no access and is closed');
    if (access.kind === 'public' || access.kind === 'platform') return true;
    const req = ctx.switchToHttp().getRequest<WithActor>();
    const header = req.headers[SERVICE_ASSERTION_HEADER];
    const check = this.auth.verifier.verify(typeof header === 'string' ? header : undefined);
    if (!check.ok)
      throw new ApiError('invalid_service_assertion', `the caller is not authenticated as a platform service: ${check.reason}`, SERVICE_ASSERTION_HEADER);
    const { claims } = check;
    if (access.kind === 'internal') {
      if (!access.callers.includes(claims.iss)) throw new ApiError('forbidden_actor', `this route is for ${access.callers.join(' or ')}, not ${claims.iss}`);
      return true;
    }
    if (!claims.act) throw new ApiError('forbidden_actor', 'this route needs an authenticated caller');
    const actor = actorFromAssertion(claims.act);
    // the tenant header (logs, metrics) must agree with the asserted actor
    const tenantHeader = req.headers[ACTOR_HEADERS.tenant];
    if (tenantHeader !== undefined && tenantHeader !== actor.tenantId)
      throw new ApiError('forbidden_actor', "the tenant-id header is not the asserted actor's tenant", ACTOR_HEADERS.tenant);
    if (!access.actors.includes(actor.type))
      throw new ApiError('forbidden_actor', `this route is not open to ${actor.type === 'app' ? 'apps' : `${actor.type} operators`}`);
    if (actor.type === 'app' && !access.scopes.some((s) => actor.scopes.includes(s))) {
      throw new ApiError('missing_scope', `this route needs the app scope ${access.scopes.join(' or ')}`, access.scopes[0]);
    }
    req.actor = actor;
    return true;
  }
}

/** The actor an assertion vouches for, validated like any actor. */
function actorFromAssertion(act: AssertedActor): Actor {
  const headers: Record<string, string> = { [ACTOR_HEADERS.type]: String(act.type), [ACTOR_HEADERS.id]: String(act.id) };
  if (act.tenantId !== undefined) headers[ACTOR_HEADERS.tenant] = String(act.tenantId);
  if (act.appId !== undefined) headers[ACTOR_HEADERS.appId] = String(act.appId);
  if (act.partnerId !== undefined) headers[ACTOR_HEADERS.partnerId] = String(act.partnerId);
  if (Array.isArray(act.scopes)) headers[ACTOR_HEADERS.scopes] = act.scopes.join(',');
  const actor = actorFromHeaders(headers);
  if (!actor) throw new ApiError('forbidden_actor', 'the assertion names no actor');
  return actor;
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
