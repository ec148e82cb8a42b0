import { RouteTable, routesOf } from './route-table';

// A document shaped like the generated one (tools/openapi): the table's behaviour, independent of today's routes.
const op = (operationId: string, service: string, actors: string[] = ['app'], scopes: string[] = ['qr:pay']) => ({
  operationId,
  'x-upstream-service': service,
  'x-actors': actors,
  ...(actors.includes('app') ? { 'x-required-scopes': scopes } : {}),
});
const DOC = {
  paths: {
    '/v1/openapi.json': { get: op('getOpenApi', 'gateway', []) },
    '/v1/merchants': {
      get: op('listMerchants', 'onboarding', ['app', 'county', 'province'], ['merchants:read', 'merchants:write']),
      post: op('createMerchant', 'onboarding', ['app'], ['merchants:write']),
    },
    '/v1/merchants/{merchantId}': { get: op('getMerchant', 'onboarding'), patch: op('updateMerchant', 'onboarding') },
    '/v1/qr/orders/{orderId}': { get: op('getQrOrder', 'qr-payment') },
    '/v1/qr/orders/summary': { get: op('qrOrderSummary', 'qr-payment') },
    '/v1/qr/{kind}/{id}': { get: op('getQrThing', 'qr-payment') },
    '/v1/admin/tenants/{tenantId}': { get: op('getTenant', 'onboarding', ['county', 'province']) },
    '/v1/webhooks/deliveries/{deliveryId}/resend': { post: op('resendWebhookDelivery', 'gateway') },
  },
};

describe('RouteTable', () => {
  const table = new RouteTable(routesOf(DOC));
  const match = (method: string, path: string) => {
    const m = table.match(method, path);
    if (typeof m === 'string') throw new Error(`${method} ${path}: ${m}`);
    return m;
  };

  it('takes each route access rule and target from the document', () => {
    expect(match('GET', '/v1/merchants').route).toMatchObject({
      operationId: 'listMerchants',
      target: 'onboarding',
      access: { kind: 'actors', actors: ['app', 'county', 'province'], scopes: ['merchants:read', 'merchants:write'] },
    });
    expect(match('GET', '/v1/admin/tenants/t510121')).toMatchObject({
      params: { tenantId: 't510121' },
      route: { access: { kind: 'actors', actors: ['county', 'province'], scopes: [] } },
    });
    expect(match('GET', '/v1/openapi.json').route.access).toEqual({ kind: 'public' });
  });

  it('forwards to the owning service without /v1, with the template parameters', () => {
    expect(match('GET', '/v1/merchants/m_1')).toMatchObject({ upstreamPath: '/merchants/m_1', params: { merchantId: 'm_1' }, route: { target: 'onboarding' } });
    expect(match('POST', '/v1/webhooks/deliveries/d_1/resend')).toMatchObject({ params: { deliveryId: 'd_1' }, route: { target: 'gateway' } });
  });

  it('prefers a literal segment to a parameter at the same place, whatever the document order', () => {
    expect(match('GET', '/v1/qr/orders/summary').route.operationId).toBe('qrOrderSummary');
    expect(match('GET', '/v1/qr/orders/o_1').route.operationId).toBe('getQrOrder');
    expect(match('GET', '/v1/qr/codes/c_1').route.operationId).toBe('getQrThing');
  });

  it('tells an unknown path (404) from a known path with the wrong method (405)', () => {
    expect(table.match('GET', '/v1/nothing')).toBe('route_not_found');
    expect(table.match('GET', '/v2/merchants')).toBe('route_not_found');
    expect(table.match('GET', '/v1/merchants/m_1/stores')).toBe('route_not_found');
    expect(table.match('DELETE', '/v1/merchants/m_1')).toBe('method_not_allowed');
    expect(table.allowedMethods('/v1/merchants/m_1')).toEqual(['GET', 'PATCH']);
  });

  it('never forwards dot segments or empty segments', () => {
    expect(table.match('GET', '/v1/qr/../admin/tenants')).toBe('route_not_found');
    expect(table.match('GET', '/v1/qr/%2e%2E/x')).toBe('route_not_found');
    expect(table.match('GET', '/v1/qr/./orders')).toBe('route_not_found');
    expect(table.match('GET', '/v1/merchants//x')).toBe('route_not_found');
    expect(table.match('GET', '/v1/merchants/')).toBe('route_not_found');
  });

  it('refuses a document it cannot route safely', () => {
    expect(() => routesOf({ paths: { '/v1/x': { get: { operationId: 'x' } } } })).toThrow(/x-upstream-service/);
    expect(() => routesOf({ paths: { '/v1/x': { get: op('x', 'qr-payment', ['app'], []) } } })).toThrow(/names no scope/);
    expect(() => routesOf({ paths: { '/v1/x': { get: op('x', 'qr-payment', ['robot']) } } })).toThrow(/unknown actor/);
    expect(() => routesOf({ paths: { '/v1/x': { get: op('x', 'qr-payment', ['app'], ['admin:all']) } } })).toThrow(/unknown scope/);
  });
});
