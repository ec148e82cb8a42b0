import type { AppScope } from '@countypay/contracts';

/**
 * The public API's route table: the ONE source of what the gateway accepts, how each route is
 * authenticated, which app scope it needs, where it is forwarded, and what the OpenAPI
 * document lists. Paths are OpenAPI templates: `{name}` is one path segment, `{name+}` one or
 * more segments (a catch-all under a prefix; the service behind it owns the details).
 *
 * First match wins: specific routes come before the catch-all of their prefix.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Internal services the gateway forwards to (names of COUNTYPAY_SERVICE_URLS). */
export type UpstreamService = 'onboarding' | 'qr-payment' | 'settlement';

/**
 * `signed`: a partner app, request signature (docs/signing.md);
 * `operator`: a province or county operator, `Authorization: Bearer cpo_…`;
 * `public`: no authentication.
 */
export type RouteAuth = 'signed' | 'operator' | 'public';

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  path: string;
  auth: RouteAuth;
  /** the app scope a signed route needs */
  scope?: AppScope;
  /** forwarded to this service (path without `/v1`), or answered by the gateway itself */
  target: UpstreamService | 'gateway';
  tag: string;
  summary: string;
}

const merchants = (method: HttpMethod, path: string, operationId: string, summary: string): RouteSpec => ({
  operationId,
  method,
  path,
  auth: 'signed',
  scope: method === 'GET' ? 'merchants:read' : 'merchants:write',
  target: 'onboarding',
  tag: 'Merchants',
  summary,
});

const qr = (method: HttpMethod, path: string, operationId: string, summary: string, scope: AppScope = 'qr:pay'): RouteSpec => ({
  operationId,
  method,
  path,
  auth: 'signed',
  scope,
  target: 'qr-payment',
  tag: scope === 'refunds:write' ? 'Refunds' : 'QR payments',
  summary,
});

const admin = (method: HttpMethod): RouteSpec => ({
  operationId: `admin${method.charAt(0)}${method.slice(1).toLowerCase()}`,
  method,
  path: '/v1/admin/{path+}',
  auth: 'operator',
  target: 'onboarding',
  tag: 'Operators',
  summary: `Operator console API (${method}); forwarded to onboarding /admin/…`,
});

const webhooks = (method: HttpMethod, path: string, operationId: string, summary: string): RouteSpec => ({
  operationId,
  method,
  path,
  auth: 'signed',
  target: 'gateway',
  tag: 'Webhooks',
  summary,
});

export const ROUTES: readonly RouteSpec[] = [
  { operationId: 'getOpenApi', method: 'GET', path: '/v1/openapi.json', auth: 'public', target: 'gateway', tag: 'Platform', summary: 'This OpenAPI document' },
  {
    operationId: 'getPlatformKey',
    method: 'GET',
    path: '/v1/platform-key',
    auth: 'public',
    target: 'gateway',
    tag: 'Platform',
    summary: "The platform's SM2 public key, which signs responses to SM2-SM3 and RSA-SHA256 apps",
  },

  merchants('GET', '/v1/merchants', 'listMerchants', 'List the merchants of your tenant'),
  merchants('POST', '/v1/merchants', 'createMerchant', 'Register a merchant (KYC fields validated)'),
  merchants('GET', '/v1/merchants/{merchantId}', 'getMerchant', 'Get a merchant'),
  merchants('PATCH', '/v1/merchants/{merchantId}', 'updateMerchant', 'Update a merchant'),
  merchants('GET', '/v1/merchants/{path+}', 'getMerchantResource', 'Read a merchant sub-resource (stores, terminals, QR codes…)'),
  merchants('POST', '/v1/merchants/{path+}', 'createMerchantResource', 'Create a merchant sub-resource (stores, terminals, QR codes…)'),
  merchants('PATCH', '/v1/merchants/{path+}', 'updateMerchantResource', 'Update a merchant sub-resource'),
  merchants('GET', '/v1/stores', 'listStores', 'List stores'),
  merchants('POST', '/v1/stores', 'createStore', 'Create a store'),
  merchants('GET', '/v1/stores/{path+}', 'getStoreResource', 'Read a store or its sub-resources'),
  merchants('POST', '/v1/stores/{path+}', 'createStoreResource', 'Create a store sub-resource (terminals, static QR codes…)'),
  merchants('PATCH', '/v1/stores/{path+}', 'updateStoreResource', 'Update a store or its sub-resources'),

  // what a payer's phone opens when it scans a static code (and the payment it confirms there): no partner signs it
  // anyone may check a scanned payload (cashier apps, payers' wallets, partners' support tools)
  { operationId: 'decodeQrPayload', method: 'POST', path: '/v1/qr/decode', auth: 'public', target: 'qr-payment', tag: 'QR payments', summary: 'Decode and validate a scanned EMVCo payload; a bad one gets every problem found (public)' },
  { operationId: 'resolveStaticQr', method: 'GET', path: '/v1/qr/r/{path+}', auth: 'public', target: 'qr-payment', tag: 'QR payments', summary: "A static code's resolve page, for the payer's wallet (public)" },
  { operationId: 'payStaticQr', method: 'POST', path: '/v1/qr/r/{path+}', auth: 'public', target: 'qr-payment', tag: 'QR payments', summary: 'The payer pays a static code from its resolve page (public)' },
  qr('POST', '/v1/qr/orders', 'createQrOrder', 'Create a QR order (merchant-presented dynamic QR, or customer-presented payer code)'),
  qr('GET', '/v1/qr/orders/{orderId}', 'getQrOrder', 'Get a QR order'),
  qr('POST', '/v1/qr/orders/{orderId}/refunds', 'refundQrOrder', 'Refund a paid QR order, fully or partly', 'refunds:write'),
  qr('POST', '/v1/qr/refunds', 'createQrRefund', 'Create a refund', 'refunds:write'),
  qr('GET', '/v1/qr/refunds/{path+}', 'getQrRefund', 'Get a refund', 'refunds:write'),
  qr('POST', '/v1/qr/{path+}/refunds', 'createQrSubRefund', 'Create a refund under a QR resource', 'refunds:write'),
  qr('GET', '/v1/qr/{path+}', 'getQrResource', 'Read a QR payment resource'),
  qr('POST', '/v1/qr/{path+}', 'createQrResource', 'Create or act on a QR payment resource (close, static codes…)'),

  {
    operationId: 'getLedgerResource',
    method: 'GET',
    path: '/v1/ledger/{path+}',
    auth: 'signed',
    scope: 'merchants:read',
    target: 'settlement',
    tag: 'Ledger',
    summary: 'Read balances, settlements and statements of your merchants',
  },

  webhooks('GET', '/v1/webhooks/deliveries', 'listWebhookDeliveries', "Your app's webhook deliveries (delivery log)"),
  webhooks('GET', '/v1/webhooks/deliveries/{deliveryId}', 'getWebhookDelivery', 'A webhook delivery and its attempts'),
  webhooks('POST', '/v1/webhooks/deliveries/{deliveryId}/resend', 'resendWebhookDelivery', 'Send a delivery again now'),

  ...(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map(admin),
];

export interface RouteMatch {
  route: RouteSpec;
  /** template parameters, still percent-encoded as on the request line */
  params: Record<string, string>;
  /** the path the upstream service gets: the request path without `/v1` */
  upstreamPath: string;
}

interface CompiledRoute {
  route: RouteSpec;
  regex: RegExp;
  names: string[];
}

function compile(route: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{([A-Za-z][A-Za-z0-9]*)(\+?)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return m[2] === '+' ? '([^?#]+)' : '([^/?#]+)';
    })
    .join('/');
  return { route, regex: new RegExp(`^${pattern}$`), names };
}

export class RouteTable {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: readonly RouteSpec[] = ROUTES) {
    this.compiled = routes.map(compile);
  }

  /** The route for a method and raw path, or why there is none. */
  match(method: string, path: string): RouteMatch | 'method_not_allowed' | 'route_not_found' {
    // dot segments (also percent-encoded) would be resolved by the upstream URL: never forward them
    if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return 'route_not_found';
    let pathKnown = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      // an empty segment (`//`) never names a resource
      if (m.slice(1).some((v) => v.split('/').includes(''))) continue;
      pathKnown = true;
      if (c.route.method !== method.toUpperCase()) continue;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => (params[name] = m[i + 1]));
      return { route: c.route, params, upstreamPath: path.replace(/^\/v1(?=\/)/, '') };
    }
    return pathKnown ? 'method_not_allowed' : 'route_not_found';
  }

  /** Methods allowed on a path (for the `Allow` header of a 405). */
  allowedMethods(path: string): HttpMethod[] {
    return HTTP_METHODS.filter((method) => typeof this.match(method, path) === 'object');
  }
}
