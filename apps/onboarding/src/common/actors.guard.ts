import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '@countypay/contracts';
import { actorFromHeaders, type Actor, type ActorType } from './actor';

const ACTORS_KEY = 'countypay:actors';
const SCOPES_KEY = 'countypay:scopes';

/** The actor types a route admits. Routes without it are internal (gateway-only) and take no actor. */
export const Actors = (...types: ActorType[]): MethodDecorator & ClassDecorator => SetMetadata(ACTORS_KEY, types);

/** For app actors: the route needs one of these scopes. Operators are not scope-bound. */
export const AppScopes = (...scopes: string[]): MethodDecorator & ClassDecorator => SetMetadata(SCOPES_KEY, scopes);

type WithActor = Request & { actor?: Actor };

/**
 * The one actor check: reads the gateway's actor headers, refuses an actor type the route does
 * not admit (403 forbidden_actor) and an app without a needed scope (403 insufficient_scope).
 */
@Injectable()
export class ActorsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<ActorType[] | undefined>(ACTORS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!allowed) return true;
    const req = ctx.switchToHttp().getRequest<WithActor>();
    const actor = actorFromHeaders(req.headers);
    if (!actor) throw new ApiError('forbidden_actor', 'this route needs an authenticated actor');
    if (!allowed.includes(actor.type)) throw new ApiError('forbidden_actor', `this route is not open to ${actor.type === 'app' ? 'apps' : `${actor.type} operators`}`);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (actor.type === 'app' && scopes && !scopes.some((s) => actor.scopes.includes(s))) {
      throw new ApiError('insufficient_scope', `this route needs the app scope ${scopes.join(' or ')}`);
    }
    req.actor = actor;
    return true;
  }
}

/** The actor the guard admitted. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<WithActor>().actor;
  if (!actor) throw new ApiError('forbidden_actor', 'this route needs an authenticated actor');
  return actor;
});

/** The request id (for the audit log). */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<Request & { id?: unknown }>();
  if (typeof req.id === 'string') return req.id;
  const h = req.headers['x-request-id'];
  return typeof h === 'string' ? h.slice(0, 100) : undefined;
});
