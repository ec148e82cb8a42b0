import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { generateServiceKeyPair, SERVICE_ASSERTION_HEADER, ServiceAssertionSigner, type AssertedActor } from '@countypay/security';
import { AccessGuard, Authenticated, InternalRoute, PlatformRoute, PublicRoute } from './access';
import { ServiceAuth } from './service-auth';

// The one access check: the route's declaration decides who may call; the caller's identity comes
// only from a service assertion signed by a trusted service (never from headers anybody could set).
describe('AccessGuard', () => {
  class LedgerRoutes {
    @Authenticated({ actors: ['county', 'province'] })
    trialBalance(): void {}

    @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['merchants:read'] })
    entries(): void {}

    @PublicRoute()
    openPage(): void {}

    @InternalRoute({ callers: ['gateway'] })
    lookup(): void {}

    @PlatformRoute('orchestrator probes')
    health(): void {}

    undeclared(): void {}
  }

  const gatewayKey = generateServiceKeyPair();
  const onboardingKey = generateServiceKeyPair();
  const gateway = new ServiceAssertionSigner('gateway', 'gw1', gatewayKey.privateKey);
  const onboarding = new ServiceAssertionSigner('onboarding', 'onb1', onboardingKey.privateKey);
  const auth = new ServiceAuth('settlement', {
    COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({
      gw1: { issuer: 'gateway', publicKey: gatewayKey.publicKey },
      onb1: { issuer: 'onboarding', publicKey: onboardingKey.publicKey },
    }),
    COUNTYPAY_S2S_SIGNING_KEY: '',
    COUNTYPAY_S2S_KEY_ID: '',
  });
  const guard = new AccessGuard(new Reflector(), auth);
  const APP_ID = 'app_7k2m9x4q1w8e5r3t6y0u';
  const PARTNER_ID = '97116c0b-7636-4a59-8a24-cfa51964a7a1';
  const county: AssertedActor = { type: 'county', id: 'op-jintang', tenantId: 't510121' };
  const app: AssertedActor = { type: 'app', id: APP_ID, appId: APP_ID, tenantId: 't510121', partnerId: PARTNER_ID, scopes: ['merchants:read'] };

  const asserted = (actor?: AssertedActor, signer = gateway, audience = 'settlement'): Record<string, string> => ({
    [SERVICE_ASSERTION_HEADER]: signer.sign(audience, actor ? { actor } : {}),
  });
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
  const { trialBalance, entries, openPage, lookup, health, undeclared } = LedgerRoutes.prototype;

  it('lets an admitted actor type in, within its tenant', () => {
    expect(guard.canActivate(http(trialBalance, asserted(county)))).toBe(true);
    expect(guard.canActivate(http(entries, { ...asserted(app), 'tenant-id': 't510121' }))).toBe(true);
    expect(guard.canActivate(http(trialBalance, asserted({ type: 'province', id: 'op-sichuan', tenantId: 't510121' })))).toBe(true);
  });

  it('believes no caller without a service assertion: actor headers alone, another audience, an untrusted key (401 invalid_service_assertion)', () => {
    const forged = { 'tenant-id': 't510121', 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op-sichuan' };
    expect(refusal(trialBalance, forged)).toEqual({ code: 'invalid_service_assertion', param: SERVICE_ASSERTION_HEADER });
    expect(refusal(trialBalance, asserted(county, gateway, 'onboarding'))).toMatchObject({ code: 'invalid_service_assertion' });
    const stranger = new ServiceAssertionSigner('gateway', 'gw1', generateServiceKeyPair().privateKey);
    expect(refusal(trialBalance, asserted(county, stranger))).toMatchObject({ code: 'invalid_service_assertion' });
  });

  it('refuses an actor type the route does not admit, no actor and an unknown actor type: 403 forbidden_actor', () => {
    expect(refusal(trialBalance, asserted(app))).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(trialBalance, asserted())).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(trialBalance, asserted({ ...county, type: 'root' as never }))).toEqual({ code: 'forbidden_actor', param: 'x-cp-actor-type' });
  });

  it('needs an app actor’s well-formed app id, and one of the route’s scopes (403 missing_scope)', () => {
    expect(refusal(entries, asserted({ ...app, appId: 'app_short', id: 'app_short' }))).toEqual({ code: 'forbidden_actor', param: 'x-cp-app-id' });
    expect(refusal(entries, asserted({ ...app, scopes: ['qr:pay'] }))).toEqual({ code: 'missing_scope', param: 'merchants:read' });
  });

  it('refuses a county operator or an app without its tenant (403), a malformed tenant (400) and a tenant header that is not the actor’s (403)', () => {
    const { tenantId: _county, ...countyWithoutTenant } = county;
    const { tenantId: _app, ...appWithoutTenant } = app;
    expect(refusal(trialBalance, asserted(countyWithoutTenant))).toEqual({ code: 'forbidden_actor', param: 'tenant-id' });
    expect(refusal(entries, asserted(appWithoutTenant))).toEqual({ code: 'forbidden_actor', param: 'tenant-id' });
    expect(refusal(trialBalance, asserted({ ...county, tenantId: '510121' }))).toMatchObject({ code: 'invalid_tenant' });
    expect(refusal(trialBalance, { ...asserted(county), 'tenant-id': 't511381' })).toEqual({ code: 'forbidden_actor', param: 'tenant-id' });
  });

  it('lets only the named services call an internal route', () => {
    expect(guard.canActivate(http(lookup, asserted()))).toBe(true);
    expect(refusal(lookup, asserted(undefined, onboarding))).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(lookup, {})).toMatchObject({ code: 'invalid_service_assertion' });
  });

  it('fails closed on a route that declares no access, and lets public and platform routes through', () => {
    expect(refusal(undeclared, asserted(county))).toMatchObject({ code: 'forbidden_actor' });
    expect(refusal(undeclared, {})).toMatchObject({ code: 'forbidden_actor' });
    expect(guard.canActivate(http(openPage, {}))).toBe(true);
    expect(guard.canActivate(http(health, {}))).toBe(true);
  });
});
