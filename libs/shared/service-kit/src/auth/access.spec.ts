import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { AccessGuard, Authenticated, InternalRoute, PublicRoute } from './access';

// cases carried over from settlement's own actor guard spec when it moved onto the shared access guard
describe('AccessGuard (settlement ledger cases)', () => {
  class LedgerRoutes {
    @Authenticated({ actors: ['county', 'province'] })
    trialBalance(): void {}

    @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['merchants:read'] })
    entries(): void {}

    @PublicRoute()
    openPage(): void {}

    @InternalRoute('gateway')
    lookup(): void {}

    undeclared(): void {}
  }

  const guard = new AccessGuard(new Reflector());
  const APP_ID = 'app_7k2m9x4q1w8e5r3t6y0u';
  const PARTNER_ID = '97116c0b-7636-4a59-8a24-cfa51964a7a1';
  const http = (handler: () => void, headers: Record<string, string>): ExecutionContext =>
    ({
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => LedgerRoutes,
      switchToHttp: () => ({ getRequest: () => ({ headers }) }),
    }) as unknown as ExecutionContext;
  const refusal = (handler: () => void, headers: Record<string, string>): { code: string; param?: string } | undefined => {
    try {
      guard.canActivate(http(handler, headers));
    } catch (e) {
      if (e instanceof ApiError) return { code: e.code, ...(e.param ? { param: e.param } : {}) };
      throw e;
    }
    return undefined;
  };
  const county = { 'tenant-id': 't510121', 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op-jintang' };
  const app = {
    'tenant-id': 't510121',
    'x-cp-actor-type': 'app',
    'x-cp-actor-id': APP_ID,
    'x-cp-app-id': APP_ID,
    'x-cp-partner-id': PARTNER_ID,
    'x-cp-scopes': 'merchants:read',
  };
  const { trialBalance, entries, openPage, lookup, undeclared } = LedgerRoutes.prototype;

  it('lets an admitted actor type in, within its tenant', () => {
    expect(guard.canActivate(http(trialBalance, county))).toBe(true);
    expect(guard.canActivate(http(entries, app))).toBe(true);
    expect(guard.canActivate(http(trialBalance, { 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op-sichuan', 'tenant-id': 't510121' }))).toBe(true);
  });

  it('refuses an actor type the route does not admit, no actor and an unknown actor type: 403 forbidden_actor', () => {
    expect(refusal(trialBalance, app)).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(trialBalance, { 'tenant-id': 't510121' })).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(trialBalance, { ...county, 'x-cp-actor-type': 'root' })).toEqual({ code: 'forbidden_actor', param: 'x-cp-actor-type' });
  });

  it('needs an app actor’s well-formed app id, and one of the route’s scopes (403 missing_scope)', () => {
    expect(refusal(entries, { ...app, 'x-cp-app-id': 'app_short', 'x-cp-actor-id': 'app_short' })).toEqual({ code: 'forbidden_actor', param: 'x-cp-app-id' });
    expect(refusal(entries, { ...app, 'x-cp-scopes': 'qr:pay' })).toEqual({ code: 'missing_scope', param: 'merchants:read' });
  });

  it('refuses a county operator or an app without its tenant (403), and a malformed tenant (400 invalid_tenant)', () => {
    const { 'tenant-id': _county, ...countyWithoutTenant } = county;
    const { 'tenant-id': _app, ...appWithoutTenant } = app;
    expect(refusal(trialBalance, countyWithoutTenant)).toEqual({ code: 'forbidden_actor', param: 'tenant-id' });
    expect(refusal(entries, appWithoutTenant)).toEqual({ code: 'forbidden_actor', param: 'tenant-id' });
    expect(refusal(trialBalance, { ...county, 'tenant-id': '510121' })).toMatchObject({ code: 'invalid_tenant' });
  });

  it('fails closed on a route that declares no access, and lets public and internal routes through', () => {
    expect(refusal(undeclared, county)).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(undeclared, {})).toMatchObject({ code: 'forbidden_actor' });
    expect(guard.canActivate(http(openPage, {}))).toBe(true);
    expect(guard.canActivate(http(lookup, {}))).toBe(true);
  });
});
