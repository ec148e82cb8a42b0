import { APP_SCOPES } from '@countypay/contracts';
import { ROUTES, RouteTable } from './route-table';

describe('RouteTable', () => {
  const table = new RouteTable();
  const match = (method: string, path: string) => {
    const m = table.match(method, path);
    if (typeof m === 'string') throw new Error(`${method} ${path}: ${m}`);
    return m;
  };

  it('declares the scope of each merchant, QR, refund and ledger route', () => {
    expect(match('GET', '/v1/merchants').route.scope).toBe('merchants:read');
    expect(match('GET', '/v1/merchants/m_1/stores').route.scope).toBe('merchants:read');
    expect(match('POST', '/v1/merchants').route.scope).toBe('merchants:write');
    expect(match('PATCH', '/v1/merchants/m_1').route.scope).toBe('merchants:write');
    expect(match('POST', '/v1/stores/s_1/terminals').route.scope).toBe('merchants:write');
    expect(match('POST', '/v1/qr/orders').route.scope).toBe('qr:pay');
    expect(match('GET', '/v1/qr/orders/o_1').route.scope).toBe('qr:pay');
    expect(match('POST', '/v1/qr/orders/o_1/close').route.scope).toBe('qr:pay');
    expect(match('POST', '/v1/qr/orders/o_1/refunds').route.scope).toBe('refunds:write');
    expect(match('POST', '/v1/qr/refunds').route.scope).toBe('refunds:write');
    expect(match('POST', '/v1/qr/payer-code/x/refunds').route.scope).toBe('refunds:write');
    expect(match('GET', '/v1/ledger/balances').route.target).toBe('settlement');
  });

  it('routes by prefix to the owning service, without /v1', () => {
    expect(match('GET', '/v1/merchants/m_1')).toMatchObject({ upstreamPath: '/merchants/m_1', route: { target: 'onboarding', auth: 'signed' } });
    expect(match('POST', '/v1/qr/orders')).toMatchObject({ upstreamPath: '/qr/orders', route: { target: 'qr-payment' } });
    expect(match('GET', '/v1/ledger/merchants/m_1/balance')).toMatchObject({ upstreamPath: '/ledger/merchants/m_1/balance' });
    expect(match('DELETE', '/v1/admin/partners/p_1/apps/a_1')).toMatchObject({ upstreamPath: '/admin/partners/p_1/apps/a_1', route: { auth: 'operator', target: 'onboarding' } });
    expect(match('POST', '/v1/webhooks/deliveries/d_1/resend')).toMatchObject({ params: { deliveryId: 'd_1' }, route: { target: 'gateway', auth: 'signed' } });
  });

  it('leaves the OpenAPI document and the platform key public', () => {
    expect(match('GET', '/v1/openapi.json').route.auth).toBe('public');
    expect(match('GET', '/v1/platform-key').route.auth).toBe('public');
  });

  it('tells an unknown path (404) from a known path with the wrong method (405)', () => {
    expect(table.match('GET', '/v1/nothing')).toBe('route_not_found');
    expect(table.match('GET', '/v2/merchants')).toBe('route_not_found');
    expect(table.match('DELETE', '/v1/merchants/m_1')).toBe('method_not_allowed');
    expect(table.allowedMethods('/v1/merchants/m_1')).toEqual(['GET', 'POST', 'PATCH']);
    expect(table.match('PUT', '/v1/qr/orders')).toBe('method_not_allowed');
  });

  it('never forwards dot segments or empty segments', () => {
    expect(table.match('GET', '/v1/qr/../admin/tenants')).toBe('route_not_found');
    expect(table.match('GET', '/v1/qr/%2e%2E/admin')).toBe('route_not_found');
    expect(table.match('GET', '/v1/qr/./orders')).toBe('route_not_found');
    expect(table.match('GET', '/v1/merchants//x')).toBe('route_not_found');
  });

  it('declares only scopes apps can hold, unique operation ids, and a scope on every signed upstream route', () => {
    for (const r of ROUTES) {
      if (r.scope) expect(APP_SCOPES as readonly string[]).toContain(r.scope);
      if (r.auth === 'signed' && r.target !== 'gateway') expect(r.scope).toBeDefined();
      if (r.auth !== 'signed') expect(r.scope).toBeUndefined();
    }
    expect(new Set(ROUTES.map((r) => r.operationId)).size).toBe(ROUTES.length);
  });
});
