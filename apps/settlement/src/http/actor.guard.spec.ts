import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { ActorGuard, AllowActors } from './actor.guard';

class Routes {
  @AllowActors('county', 'province')
  report(): void {}

  @AllowActors('app', 'county')
  entries(): void {}

  open(): void {}
}

function ctx(handler: () => void, headers: Record<string, string>): ExecutionContext {
  return {
    getHandler: () => handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  } as unknown as ExecutionContext;
}

describe('actor guard (internal headers from the gateway)', () => {
  const guard = new ActorGuard(new Reflector());
  const report = Routes.prototype.report;

  it('lets an allowed actor type in, with a tenant', () => {
    expect(guard.canActivate(ctx(report, { 'tenant-id': 't510121', 'x-cp-actor-type': 'county' }))).toBe(true);
  });

  it('refuses an actor type the route does not allow: 403 forbidden_actor', () => {
    expect(() => guard.canActivate(ctx(report, { 'tenant-id': 't510121', 'x-cp-actor-type': 'app' }))).toThrow(
      expect.objectContaining({ code: 'forbidden_actor', param: 'x-cp-actor-type' }),
    );
    expect(() => guard.canActivate(ctx(report, { 'tenant-id': 't510121' }))).toThrow(ApiError);
    expect(() => guard.canActivate(ctx(report, { 'tenant-id': 't510121', 'x-cp-actor-type': 'root' }))).toThrow(ApiError);
  });

  it('needs an app actor’s app id', () => {
    const entries = Routes.prototype.entries;
    expect(guard.canActivate(ctx(entries, { 'tenant-id': 't510121', 'x-cp-actor-type': 'app', 'x-cp-app-id': 'app_7k2m9x4q1w8e5r3t6y0u' }))).toBe(true);
    expect(() => guard.canActivate(ctx(entries, { 'tenant-id': 't510121', 'x-cp-actor-type': 'app' }))).toThrow(expect.objectContaining({ code: 'forbidden_actor', param: 'x-cp-app-id' }));
  });

  it('refuses a request without the tenant in scope: 400 invalid_tenant', () => {
    expect(() => guard.canActivate(ctx(report, { 'x-cp-actor-type': 'county' }))).toThrow(expect.objectContaining({ code: 'invalid_tenant' }));
  });

  it('fails closed on a route that declares no actor', () => {
    expect(() => guard.canActivate(ctx(Routes.prototype.open, { 'tenant-id': 't510121', 'x-cp-actor-type': 'province' }))).toThrow(
      expect.objectContaining({ code: 'forbidden_actor' }),
    );
  });
});
