import { ApiError } from '@countypay/contracts';
import { actorAppId, actorFromHeaders, actorHeaders, actorSeesTenant, actorTenant, auditActor, type Actor } from './actor';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? e.code : 'other';
  }
  return undefined;
};

const PARTNER = '97116c0b-7636-4a59-8a24-cfa51964a7a1';
const APP = 'app_7k2m9q4x8c1v5b3n6z0p';

// cases carried over from onboarding's own actor spec when it moved onto the shared actor
describe('actorFromHeaders (onboarding cases)', () => {
  it('no actor type: no actor (internal routes)', () => {
    expect(actorFromHeaders({})).toBeUndefined();
  });

  it('reads a province operator, with or without the county it acts in', () => {
    expect(actorFromHeaders({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op1' })).toEqual({ type: 'province', id: 'op1' });
    expect(actorFromHeaders({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op1', 'tenant-id': 't510121' })).toEqual({
      type: 'province',
      id: 'op1',
      tenantId: 't510121',
    });
  });

  it('reads an app with its partner and its known scopes (blanks and unknown scopes dropped)', () => {
    expect(
      actorFromHeaders({
        'x-cp-actor-type': 'app',
        'x-cp-actor-id': APP,
        'x-cp-app-id': APP,
        'x-cp-partner-id': PARTNER,
        'x-cp-scopes': 'qr:pay, merchants:write,,root',
        'tenant-id': 't510121',
      }),
    ).toEqual({ type: 'app', id: APP, appId: APP, partnerId: PARTNER, scopes: ['qr:pay', 'merchants:write'], tenantId: 't510121' });
  });

  it('refuses incomplete, malformed or unknown actors (403 forbidden_actor; a malformed tenant is 400 invalid_tenant)', () => {
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'app', 'x-cp-actor-id': APP, 'tenant-id': 't510121' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'app', 'x-cp-actor-id': APP, 'x-cp-partner-id': "1' or 1=1", 'tenant-id': 't510121' }))).toBe(
      'forbidden_actor',
    );
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'app', 'x-cp-actor-id': 'app_x', 'x-cp-partner-id': PARTNER, 'tenant-id': 't510121' }))).toBe(
      'forbidden_actor',
    );
    expect(
      codeOf(() =>
        actorFromHeaders({
          'x-cp-actor-type': 'app',
          'x-cp-actor-id': APP,
          'x-cp-app-id': 'app_aaaaaaaaaaaaaaaaaaaa',
          'x-cp-partner-id': PARTNER,
          'tenant-id': 't510121',
        }),
      ),
    ).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'root', 'x-cp-actor-id': 'x' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'province' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op 1; drop' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op', 'tenant-id': 'province' }))).toBe('invalid_tenant');
  });

  it('round-trips every kind of actor through the headers the gateway writes', () => {
    const actors: Actor[] = [
      { type: 'province', id: 'op1' },
      { type: 'province', id: 'op1', tenantId: 't510121' },
      { type: 'county', id: 'op-county', tenantId: 't510121' },
      { type: 'app', id: APP, appId: APP, tenantId: 't510121', partnerId: PARTNER, scopes: ['merchants:read'] },
    ];
    for (const a of actors) expect(actorFromHeaders(actorHeaders(a))).toEqual(a);
  });
});

describe('actor questions (onboarding cases)', () => {
  const county: Actor = { type: 'county', id: 'c', tenantId: 't510121' };
  const province: Actor = { type: 'province', id: 'p' };
  const app: Actor = { type: 'app', id: APP, appId: APP, tenantId: 't510121', partnerId: PARTNER, scopes: [] };

  it('a county sees only its own tenant; the province sees all', () => {
    expect(actorSeesTenant(county, 't510121')).toBe(true);
    expect(actorSeesTenant(county, 't510116')).toBe(false);
    expect(actorSeesTenant(province, 't510116')).toBe(true);
  });

  it('a province operator acting in a county must name it (400 invalid_tenant)', () => {
    expect(actorTenant(county)).toBe('t510121');
    expect(actorTenant({ ...province, tenantId: 't510116' })).toBe('t510116');
    expect(codeOf(() => actorTenant(province))).toBe('invalid_tenant');
  });

  it('names the app of an app actor only, and the (type, id) an audit entry records', () => {
    expect(actorAppId(app)).toBe(APP);
    expect(actorAppId(county)).toBe('');
    expect(auditActor(county)).toEqual({ actorType: 'county', actorId: 'c' });
  });
});
