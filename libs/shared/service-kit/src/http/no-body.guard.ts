import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { Request } from 'express';
import { ApiError } from '@countypay/contracts';

// Nest's RouteParamtypes (not exported from @nestjs/common's index)
const REQUEST = 0;
const BODY = 3;

/**
 * A route that takes no body refuses one (400 unknown_field): an action like `…/suspend` must not
 * run while ignoring what the caller sent. An empty object is accepted (clients often send `{}`).
 */
@Injectable()
export class NoBodyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), ctx.getHandler().name) ?? {}) as Record<string, unknown>;
    // a handler that takes the body, or the whole request (and reads the body itself, e.g. to check a signature over it)
    if (Object.keys(args).some((k) => [BODY, REQUEST].includes(Number(k.split(':')[0])))) return true;
    const body = ctx.switchToHttp().getRequest<Request>().body as unknown;
    if (body === undefined || body === null) return true;
    const fields = Array.isArray(body) ? body.map((_, i) => `[${i}]`) : typeof body === 'object' ? Object.keys(body as object) : ['(body)'];
    if (fields.length === 0) return true;
    throw new ApiError('unknown_field', `this route takes no request body; got ${fields.slice(0, 3).join(', ')}`, fields[0]);
  }
}
