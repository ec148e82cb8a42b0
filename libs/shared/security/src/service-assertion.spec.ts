import { generateServiceKeyPair, parseTrustedServiceKeys, ServiceAssertionSigner, ServiceAssertionVerifier } from './service-assertion';

const gatewayKey = generateServiceKeyPair();
const nextGatewayKey = generateServiceKeyPair();
const onboardingKey = generateServiceKeyPair();
const trusted = {
  gw1: { issuer: 'gateway', publicKey: gatewayKey.publicKey },
  gw2: { issuer: 'gateway', publicKey: nextGatewayKey.publicKey },
  onb1: { issuer: 'onboarding', publicKey: onboardingKey.publicKey },
};
const verifier = new ServiceAssertionVerifier('qr-payment', trusted);
const gateway = new ServiceAssertionSigner('gateway', 'gw1', gatewayKey.privateKey);
const NOW = Date.parse('2026-11-29T06:00:00Z');
const app = {
  type: 'app' as const,
  id: 'app_7k2m9q4x8c1v5b3n6z0p',
  appId: 'app_7k2m9q4x8c1v5b3n6z0p',
  tenantId: 't510121',
  partnerId: '00000000-0000-4000-8000-0000000000a1',
  scopes: ['qr:pay'],
};

describe('service assertions', () => {
  it('carry the caller, the audience and the actor, signed', () => {
    const token = gateway.sign('qr-payment', { actor: app, requestId: 'req-1', nowMs: NOW });
    expect(verifier.verify(token, NOW + 1000)).toEqual({
      ok: true,
      claims: { iss: 'gateway', aud: 'qr-payment', iat: NOW / 1000, exp: NOW / 1000 + 60, act: app, rid: 'req-1' },
    });
  });

  it('rotate without downtime: both the old and the new key of an issuer verify while both are trusted', () => {
    const next = new ServiceAssertionSigner('gateway', 'gw2', nextGatewayKey.privateKey);
    expect(verifier.verify(next.sign('qr-payment', { nowMs: NOW }), NOW).ok).toBe(true);
    expect(verifier.verify(gateway.sign('qr-payment', { nowMs: NOW }), NOW).ok).toBe(true);
    const afterRotation = new ServiceAssertionVerifier('qr-payment', { gw2: trusted.gw2 });
    expect(afterRotation.verify(gateway.sign('qr-payment', { nowMs: NOW }), NOW)).toEqual({ ok: false, reason: 'unknown key id gw1' });
  });

  it.each([
    ['another audience', () => gateway.sign('settlement', { nowMs: NOW }), NOW, /is for settlement/],
    ['an expired one', () => gateway.sign('qr-payment', { nowMs: NOW }), NOW + 91_000, /expired/],
    ['one from the future', () => gateway.sign('qr-payment', { nowMs: NOW + 120_000 }), NOW, /future/],
    [
      'a key signing for another issuer',
      () => new ServiceAssertionSigner('gateway', 'onb1', onboardingKey.privateKey).sign('qr-payment', { nowMs: NOW }),
      NOW,
      /does not sign for gateway/,
    ],
    [
      'an unknown key',
      () => new ServiceAssertionSigner('gateway', 'evil', generateServiceKeyPair().privateKey).sign('qr-payment', { nowMs: NOW }),
      NOW,
      /unknown key id/,
    ],
    [
      'a forged signature',
      () => new ServiceAssertionSigner('gateway', 'gw1', generateServiceKeyPair().privateKey).sign('qr-payment', { nowMs: NOW }),
      NOW,
      /bad signature/,
    ],
    [
      'changed claims',
      () => {
        const [v, kid, body, sig] = gateway.sign('qr-payment', { actor: app, nowMs: NOW }).split('.');
        const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { act: { tenantId: string } };
        claims.act.tenantId = 't511381';
        return [v, kid, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.');
      },
      NOW,
      /bad signature/,
    ],
    ['garbage', () => 'Bearer something', NOW, /malformed/],
    ['nothing', () => '', NOW, /no service assertion/],
  ])('refuse %s', (_what, make, at, reason) => {
    const r = verifier.verify(make(), at);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('never live longer than a minute', () => {
    const token = gateway.sign('qr-payment', { ttlSeconds: 3600, nowMs: NOW });
    const r = verifier.verify(token, NOW);
    expect(r.ok && r.claims.exp - r.claims.iat).toBe(60);
  });

  it('parse the trusted keys of the configuration, saying what is wrong', () => {
    expect(parseTrustedServiceKeys(JSON.stringify(trusted))).toEqual(trusted);
    expect(() => parseTrustedServiceKeys('nope')).toThrow(/not JSON/);
    expect(() => parseTrustedServiceKeys('{}')).toThrow(/non-empty/);
    expect(() => parseTrustedServiceKeys(JSON.stringify({ k: { issuer: 'gateway', publicKey: 'AAAA' } }))).toThrow(/key k/);
  });
});
