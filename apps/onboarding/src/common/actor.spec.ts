import { ApiError } from '@countypay/contracts';
import { actorFromHeaders, actorSeesTenant } from './actor';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? e.code : 'other';
  }
  return undefined;
};

describe('actor headers', () => {
  it('no actor type: no actor (internal gateway routes)', () => {
    expect(actorFromHeaders({})).toBeUndefined();
  });

  it('reads a province operator, with or without a tenant', () => {
    expect(actorFromHeaders({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op1' })).toEqual({ type: 'province', id: 'op1' });
    expect(actorFromHeaders({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': 'op1', 'tenant-id': 't510121' })).toEqual({ type: 'province', id: 'op1', tenantId: 't510121' });
  });

  it('reads an app with its partner and scopes', () => {
    expect(
      actorFromHeaders({
        'x-cp-actor-type': 'app',
        'x-cp-actor-id': 'app_x',
        'x-cp-app-id': 'app_x',
        'x-cp-partner-id': '97116c0b-7636-4a59-8a24-cfa51964a7a1',
        'x-cp-scopes': 'qr:pay, merchants:write,',
        'tenant-id': 't510121',
      }),
    ).toEqual({ type: 'app', id: 'app_x', appId: 'app_x', partnerId: '97116c0b-7636-4a59-8a24-cfa51964a7a1', scopes: ['qr:pay', 'merchants:write'], tenantId: 't510121' });
  });

  it('refuses incomplete or unknown actors', () => {
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'app', 'x-cp-actor-id': 'a', 'tenant-id': 't510121' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'app', 'x-cp-actor-id': 'a', 'x-cp-partner-id': "1' or 1=1", 'tenant-id': 't510121' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'root', 'x-cp-actor-id': 'x' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'province' }))).toBe('forbidden_actor');
    expect(codeOf(() => actorFromHeaders({ 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op', 'tenant-id': 'province' }))).toBe('invalid_tenant');
  });

  it('a county sees only its own tenant; the province sees all', () => {
    expect(actorSeesTenant({ type: 'county', id: 'c', tenantId: 't510121' }, 't510121')).toBe(true);
    expect(actorSeesTenant({ type: 'county', id: 'c', tenantId: 't510121' }, 't510116')).toBe(false);
    expect(actorSeesTenant({ type: 'province', id: 'p' }, 't510116')).toBe(true);
  });
});
