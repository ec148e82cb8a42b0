/**
 * The gateway's request pipeline through HTTP, against the real PostgreSQL (throw-away schema,
 * non-owner role, RLS): signed requests, anti-replay, scopes, idempotency, rate limits,
 * routing and signed responses. The services behind it are one local node:http server that
 * echoes what it received (they are other apps); apps enter the read model through the same
 * handler the AppUpdatedV1 consumer calls.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ServiceUrlsConfig } from '@countypay/config';
import type { AppUpdatedData, EventEnvelope } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import {
  FieldCipher,
  generateAppId,
  generateAppSecret,
  generateFieldKey,
  generateSm2KeyPair,
  responseCanonical,
  signedRequestHeaders,
  verifyResponseSignature,
} from '@countypay/security';
import { eventually, startTestService, verifyTestAssertion, type TestService } from '@countypay/testing';
import { GatewayConfig } from '../config/gateway.config';
import { gatewayBodyParsing } from '../http/raw-body';
import { gatewayTablesSql } from '../migrations/1764202000000-gateway-tables';
import { gatewayAdmissionSql } from '../migrations/1764500000000-gateway-admission';
import { idempotencyCompleteSql } from '../migrations/1768300000000-gateway-hot-path';
import { SERVICE_URLS } from '../proxy/upstream.client';
import { RegistryRepository } from '../registry/registry.repository';
import { RegistryService } from '../registry/registry.service';
import { RouteTable, routesOf } from '../routing/route-table';
import { AdmissionRepository } from './admission.repository';
import { PipelineModule } from './pipeline.module';

const T1 = 't510121';
const T2 = 't510122';
const T3 = 't510123';
const RATE_LIMIT = 20;
/** requests in flight on the gateway, and of one county (the load shedder's limits) */
const MAX_IN_FLIGHT = 3;
const MAX_IN_FLIGHT_PER_TENANT = 2;
const PUBLIC_LIMIT = 15;
const OPERATOR_TOKEN = `cpo_${'k'.repeat(40)}`;
const OPERATOR_ID = randomUUID();

// The pipeline's mechanics against routes of its own (the published routes are checked by tools/openapi/openapi.spec.ts):
// the echo server behind them answers by path (`/qr/fail` an error, `/qr/slow` too late; settlement is down).
const op = (operationId: string, service: string, actors: string[], scopes: string[] = []) => ({
  operationId,
  'x-upstream-service': service,
  'x-actors': actors,
  ...(scopes.length ? { 'x-required-scopes': scopes } : {}),
});
const APP = ['app'];
const TEST_ROUTES = routesOf({
  paths: {
    '/v1/openapi.json': { get: op('getOpenApi', 'gateway', []) },
    '/v1/platform-key': { get: op('getPlatformKey', 'gateway', []) },
    '/v1/merchants': {
      get: op('listMerchants', 'onboarding', APP, ['merchants:read', 'merchants:write']),
      post: op('createMerchant', 'onboarding', APP, ['merchants:write']),
    },
    '/v1/qr/orders': { post: op('createQrOrder', 'qr-payment', APP, ['qr:pay']) },
    '/v1/qr/decode': { post: op('decodeQr', 'qr-payment', []) },
    '/v1/qr/orders/{orderId}': { get: op('getQrOrder', 'qr-payment', ['app', 'county', 'province'], ['qr:pay']) },
    '/v1/qr/fail': { post: op('fail', 'qr-payment', APP, ['qr:pay']) },
    '/v1/qr/slow': { post: op('slow', 'qr-payment', APP, ['qr:pay']) },
    '/v1/ledger/balances': { get: op('balances', 'settlement', APP, ['merchants:read']) },
    '/v1/admin/tenants/{tenantId}/config': { get: op('getTenantConfig', 'onboarding', ['province']) },
    '/v1/admin/apps': { get: op('listApps', 'onboarding', ['province']) },
    '/v1/admin/partners': { post: op('createPartner', 'onboarding', ['province']) },
    '/v1/admin/county-only': { get: op('countyOnly', 'onboarding', ['county']) },
  },
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

let svc: TestService;
let upstream: Server;
let base = '';
let upstreamCalls = 0;
/** called as each forwarded request reaches the service (the load-shedding test's cue) */
let onUpstreamCall: (() => void) | undefined;
const credentialKey = generateFieldKey();
const platform = generateSm2KeyPair();
const cipher = new FieldCipher({ keys: [{ id: 'cred1', key: credentialKey }], activeKeyId: 'cred1' });
const secret = generateAppSecret();
const sm2 = generateSm2KeyPair();
const hmacApp = generateAppId();
const sm2App = generateAppId();
const readOnlyApp = generateAppId();
const busyApp = generateAppId();
const slowApp = generateAppId();
const suspendedLater = generateAppId();
const outageApp = generateAppId();
const registryOutageApp = generateAppId();
const rotatedApp = generateAppId();
/** the load-shedding test's own apps (T1, T2, T3), so no other test's rate window is touched */
const probeApp = generateAppId();
const holdApp2 = generateAppId();
const probeApp3 = generateAppId();
/** while set, the registry's reads fail as PostgreSQL's do during a restart */
let registryDown = false;

function appEvent(appId: string, over: Partial<AppUpdatedData> = {}, tenantId = T1): EventEnvelope<AppUpdatedData> {
  const data: AppUpdatedData = {
    appId,
    partnerId: randomUUID(),
    name: 'it app',
    status: 'active',
    scopes: ['qr:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
    callbackUrls: [],
    ipAllowlist: [],
    credentials: [{ credentialId: randomUUID(), alg: 'HMAC-SHA256', secretCiphertext: cipher.encrypt(secret), status: 'active' }],
    webhookSecretCiphertext: cipher.encrypt('whsec_aXQtd2ViaG9vaw=='),
    version: 1,
    ...over,
  };
  return { id: randomUUID(), type: 'onboarding.app-updated', version: 1, tenantId, occurredAt: new Date().toISOString(), data };
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/internal/operators/authenticate') {
        const { token } = JSON.parse(body) as { token: string };
        res.writeHead(token === OPERATOR_TOKEN ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(token === OPERATOR_TOKEN ? { operatorId: OPERATOR_ID, role: 'province' } : { error: { code: 'invalid_operator_token' } }));
        return;
      }
      upstreamCalls += 1;
      onUpstreamCall?.();
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers as Record<string, string>, body };
      const status = req.url?.startsWith('/qr/fail') ? 422 : req.method === 'POST' ? 201 : 200;
      const payload =
        status === 422
          ? { error: { type: 'invalid_request_error', code: 'order_not_payable', message: 'no', requestId: 'not-the-gateway-id' } }
          : { echo, call: upstreamCalls };
      const reply = () => {
        res.writeHead(status, { 'content-type': 'application/json', location: '/qr/orders/o_1' });
        res.end(JSON.stringify(payload));
      };
      if (req.url?.startsWith('/qr/slow')) setTimeout(reply, 1500);
      else reply();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const config = Object.assign(new GatewayConfig(), {
    COUNTYPAY_CREDENTIAL_KEY: credentialKey,
    COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: platform.privateKey,
    GATEWAY_RATE_LIMIT_APP_PER_MINUTE: RATE_LIMIT,
    GATEWAY_UPSTREAM_TIMEOUT_MS: 500,
    GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE: PUBLIC_LIMIT,
    GATEWAY_TRUSTED_PROXIES: 1,
    GATEWAY_MAX_IN_FLIGHT: MAX_IN_FLIGHT,
    GATEWAY_MAX_IN_FLIGHT_PER_TENANT: MAX_IN_FLIGHT_PER_TENANT,
  });
  const urls = Object.assign(new ServiceUrlsConfig(), {
    COUNTYPAY_SERVICE_URLS: JSON.stringify({ onboarding: upstreamUrl, 'qr-payment': upstreamUrl, settlement: 'http://127.0.0.1:1' }),
  });
  svc = await startTestService({
    service: 'gateway',
    ddl: [...gatewayTablesSql(), ...gatewayAdmissionSql(), ...idempotencyCompleteSql()],
    imports: [PipelineModule],
    bodyParsing: gatewayBodyParsing,
    override: (b) =>
      b
        .overrideProvider(GatewayConfig)
        .useValue(config)
        .overrideProvider(SERVICE_URLS)
        .useValue(urls)
        .overrideProvider(RouteTable)
        .useValue(new RouteTable(TEST_ROUTES))
        // the database "restarts" under one app's requests (PostgreSQL's own error for it)
        .overrideProvider(RegistryRepository)
        .useFactory({
          factory: (ds: DataSource) => {
            const real = new RegistryRepository(ds);
            const down = () => Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
            return Object.assign(real, {
              tenantOfApp: (appId: string) => (registryDown ? down() : RegistryRepository.prototype.tenantOfApp.call(real, appId)),
            });
          },
          inject: [DataSource],
        })
        .overrideProvider(AdmissionRepository)
        .useFactory({
          factory: (ds: DataSource) => {
            const real = new AdmissionRepository(ds);
            return {
              admit: (r: Parameters<AdmissionRepository['admit']>[0]) =>
                r.appId === outageApp
                  ? Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))
                  : real.admit(r),
            };
          },
          inject: [DataSource],
        }),
  });
  base = svc.base;
  const ds = svc.ds;

  const registry = svc.app.get(RegistryService);
  await inTenantTransaction(ds, T1, async (em) => {
    await registry.onAppUpdated(appEvent(hmacApp), em);
    await registry.onAppUpdated(
      appEvent(sm2App, { credentials: [{ credentialId: randomUUID(), alg: 'SM2-SM3', publicKey: sm2.publicKey, status: 'active' }] }),
      em,
    );
    await registry.onAppUpdated(appEvent(readOnlyApp, { scopes: ['merchants:read'] }), em);
    await registry.onAppUpdated(appEvent(busyApp), em);
    await registry.onAppUpdated(appEvent(slowApp), em);
    await registry.onAppUpdated(appEvent(suspendedLater), em);
    await registry.onAppUpdated(appEvent(outageApp), em);
    await registry.onAppUpdated(appEvent(registryOutageApp), em);
    await registry.onAppUpdated(appEvent(rotatedApp), em);
    await registry.onAppUpdated(appEvent(probeApp), em);
  });
  await inTenantTransaction(ds, T2, (em) => registry.onAppUpdated(appEvent(holdApp2, {}, T2), em));
  await inTenantTransaction(ds, T3, (em) => registry.onAppUpdated(appEvent(probeApp3, {}, T3), em));
}, 60_000);

afterAll(async () => {
  await svc?.close();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

interface Sent {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies of every route, asserted field by field
  sentHeaders: Record<string, string>;
}

async function send(
  method: string,
  target: string,
  opts: { body?: string; appId?: string; idempotencyKey?: string; headers?: Record<string, string>; sm2?: boolean; secret?: string } = {},
): Promise<Sent> {
  const [path, query = ''] = target.split('?');
  const signed = signedRequestHeaders({
    appId: opts.appId ?? hmacApp,
    alg: opts.sm2 ? 'SM2-SM3' : 'HMAC-SHA256',
    key: opts.sm2 ? sm2.privateKey : (opts.secret ?? secret),
    method,
    path,
    query,
    body: opts.body ?? '',
  });
  const sentHeaders: Record<string, string> = {
    ...signed,
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
    ...opts.headers,
  };
  return resend(method, target, sentHeaders, opts.body);
}

async function resend(method: string, target: string, sentHeaders: Record<string, string>, body?: string): Promise<Sent> {
  const res = await fetch(`${base}${target}`, { method, headers: sentHeaders, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, sentHeaders };
}

function responseVerifies(r: Sent, alg: 'HMAC-SHA256' | 'SM2-SM3', key: string): boolean {
  const canonical = responseCanonical({
    alg,
    status: r.status,
    requestId: r.headers.get('x-cp-request-id') ?? '',
    timestamp: r.headers.get('x-cp-timestamp') ?? '',
    requestNonce: r.sentHeaders['X-CP-Nonce'],
    body: r.text,
  });
  return r.headers.get('x-cp-signature-alg') === alg && verifyResponseSignature(alg, key, canonical, r.headers.get('x-cp-signature') ?? '');
}

describe('gateway pipeline (HTTP, real PostgreSQL)', () => {
  it('forwards a signed request with the actor headers, without /v1, and signs the response', async () => {
    const r = await send('GET', '/v1/qr/orders/o_1?b=2&a=%20x', {
      headers: { 'tenant-id': 't510999', 'x-cp-actor-type': 'province', 'x-cp-assertion': 'v1.forged.e30.AAAA', 'x-request-id': 'it-req-0001' },
    });
    expect(r.status).toBe(200);
    const echo = r.json.echo as Echo;
    expect(echo.url).toBe('/qr/orders/o_1?b=2&a=%20x');
    expect(echo.headers).toMatchObject({
      'tenant-id': T1,
      'x-cp-actor-type': 'app',
      'x-cp-actor-id': hmacApp,
      'x-cp-app-id': hmacApp,
      'x-cp-scopes': 'qr:pay,merchants:read,merchants:write,refunds:write',
      'x-request-id': 'it-req-0001',
    });
    expect(echo.headers['x-cp-signature']).toBeUndefined();
    // the service believes the actor only from the gateway's signed assertion, for that service alone
    const assertion = verifyTestAssertion(echo.headers['x-cp-assertion'], 'qr-payment');
    expect(assertion).toMatchObject({ ok: true, claims: { iss: 'gateway', aud: 'qr-payment', act: { type: 'app', id: hmacApp, tenantId: T1 } } });
    expect(verifyTestAssertion(echo.headers['x-cp-assertion'], 'onboarding')).toMatchObject({ ok: false });
    expect(r.headers.get('x-request-id')).toBe('it-req-0001');
    expect(r.headers.get('x-cp-request-id')).toBe('it-req-0001');
    expect(responseVerifies(r, 'HMAC-SHA256', secret)).toBe(true);
    expect(r.headers.get('x-ratelimit-limit')).toBe(String(RATE_LIMIT));
  });

  it('refuses the same signed request a second time (nonce_reused), signed too', async () => {
    const first = await send('GET', '/v1/merchants');
    expect(first.status).toBe(200);
    const again = await resend('GET', '/v1/merchants', first.sentHeaders);
    expect(again.status).toBe(401);
    expect(again.json.error).toMatchObject({ code: 'nonce_reused', param: 'X-CP-Nonce' });
    expect(responseVerifies(again, 'HMAC-SHA256', secret)).toBe(true);
  });

  it('verifies the signature over the raw body bytes', async () => {
    const body = '{"amount": 1000,\n "note":"农信"}';
    const ok = await send('POST', '/v1/qr/orders', { body, idempotencyKey: randomUUID() });
    expect(ok.status).toBe(201);
    expect((ok.json.echo as Echo).body).toBe(body);
    const signed = await send('POST', '/v1/qr/orders', { body, idempotencyKey: randomUUID() });
    const tampered = await resend('POST', '/v1/qr/orders', { ...signed.sentHeaders, 'X-CP-Nonce': 'another-nonce-1' }, body.replace('1000', '1001'));
    expect(tampered.status).toBe(401);
    expect(tampered.json.error.code).toBe('invalid_signature');
  });

  it('accepts SM2-SM3 apps and signs their responses with the platform SM2 key', async () => {
    const r = await send('GET', '/v1/qr/orders/o_2', { appId: sm2App, sm2: true });
    expect(r.status).toBe(200);
    expect(responseVerifies(r, 'SM2-SM3', platform.publicKey)).toBe(true);
    const wrongAlg = await send('GET', '/v1/qr/orders/o_2', { appId: sm2App });
    expect(wrongAlg.json.error.code).toBe('signature_algorithm_mismatch');
  });

  it('refuses unknown apps, missing scopes and unknown routes with their codes', async () => {
    expect((await send('GET', '/v1/merchants', { appId: 'app_zzzzzzzzzzzzzzzzzzzz' })).json.error).toMatchObject({ code: 'unknown_app' });
    const noScope = await send('POST', '/v1/merchants', { appId: readOnlyApp, body: '{}', idempotencyKey: randomUUID() });
    expect(noScope.status).toBe(403);
    expect(noScope.json.error).toMatchObject({ code: 'missing_scope', param: 'merchants:write' });
    const none = await send('GET', '/v1/nowhere');
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('route_not_found');
  });

  it('needs an Idempotency-Key on POST and replays the first response, errors included', async () => {
    const missing = await send('POST', '/v1/qr/orders', { body: '{"amount":1}' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe('idempotency_key_required');

    const key = randomUUID();
    const first = await send('POST', '/v1/qr/orders', { body: '{"amount":1}', idempotencyKey: key });
    const callsAfterFirst = upstreamCalls;
    const second = await send('POST', '/v1/qr/orders', { body: '{"amount":1}', idempotencyKey: key });
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe('/qr/orders/o_1');
    expect(upstreamCalls).toBe(callsAfterFirst);
    expect(responseVerifies(second, 'HMAC-SHA256', secret)).toBe(true);

    const reused = await send('POST', '/v1/qr/orders', { body: '{"amount":2}', idempotencyKey: key });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');

    const failKey = randomUUID();
    const failed = await send('POST', '/v1/qr/fail', { body: '{}', idempotencyKey: failKey });
    expect(failed.status).toBe(422);
    expect(failed.json.error).toMatchObject({ code: 'order_not_payable', requestId: failed.headers.get('x-request-id') });
    const failedAgain = await send('POST', '/v1/qr/fail', { body: '{}', idempotencyKey: failKey });
    expect(failedAgain.status).toBe(422);
    expect(failedAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 504 upstream_timeout and 503 service_unavailable, and frees the Idempotency-Key for a retry', async () => {
    const key = randomUUID();
    const slow = await send('POST', '/v1/qr/slow', { appId: slowApp, body: '{}', idempotencyKey: key });
    expect(slow.status).toBe(504);
    expect(slow.json.error.code).toBe('upstream_timeout');
    expect(responseVerifies(slow, 'HMAC-SHA256', secret)).toBe(true);
    const retry = await send('POST', '/v1/qr/slow', { appId: slowApp, body: '{}', idempotencyKey: key });
    expect(retry.status).toBe(504);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const down = await send('GET', '/v1/ledger/balances', { appId: readOnlyApp });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('service_unavailable');
  });

  it('answers bad input with 4xx in the error shape, never 500', async () => {
    const badJson = await send('POST', '/v1/qr/orders', { body: '{"amount":', idempotencyKey: randomUUID() });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.code).toBe('invalid_json');
    const text = await fetch(`${base}/v1/qr/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const big = await fetch(`${base}/v1/qr/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    const method = await fetch(`${base}/v1/qr/orders`, { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('x-request-id')).toBeTruthy();
  });

  it('rate-limits per app with Retry-After and X-RateLimit-* headers', async () => {
    const statuses: number[] = [];
    let refused: Sent | undefined;
    for (let i = 0; i < RATE_LIMIT + 8 && !refused; i += 1) {
      const r = await send('GET', '/v1/merchants', { appId: busyApp });
      statuses.push(r.status);
      if (r.status === 429) refused = r;
    }
    expect(statuses.slice(0, RATE_LIMIT).every((s) => s === 200)).toBe(true);
    expect(refused?.json.error.code).toBe('rate_limited');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused?.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('forwards operator requests with the operator as actor, and honours Idempotency-Key there', async () => {
    const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const r = await resend('GET', '/v1/admin/tenants/t510129/config', auth);
    expect(r.status).toBe(200);
    expect((r.json.echo as Echo).url).toBe('/admin/tenants/t510129/config');
    expect((r.json.echo as Echo).headers).toMatchObject({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': OPERATOR_ID, 'tenant-id': 't510129' });
    expect(r.headers.get('x-cp-signature')).toBeNull();
    const bad = await resend('GET', '/v1/admin/apps', { authorization: `Bearer cpo_${'x'.repeat(40)}` });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe('invalid_operator_token');
    const post = { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    const first = await resend('POST', '/v1/admin/partners', post, '{"name":"p"}');
    const second = await resend('POST', '/v1/admin/partners', post, '{"name":"p"}');
    expect(first.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it("routes by the route's declared actors: a bearer token on a route operators share with apps, the county named by a province operator", async () => {
    const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const named = await resend('GET', '/v1/qr/orders/o_9', { ...auth, 'x-cp-tenant-id': 't510182' });
    expect(named.status).toBe(200);
    expect((named.json.echo as Echo).headers).toMatchObject({ 'x-cp-actor-type': 'province', 'x-cp-actor-id': OPERATOR_ID, 'tenant-id': 't510182' });
    expect((named.json.echo as Echo).headers['x-cp-app-id']).toBeUndefined();
    const unnamed = await resend('GET', '/v1/qr/orders/o_9', auth);
    expect((unnamed.json.echo as Echo).headers['tenant-id']).toBeUndefined();
    const bad = await resend('GET', '/v1/qr/orders/o_9', { ...auth, 'x-cp-tenant-id': "t1' or 1=1" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_tenant', param: 'X-CP-Tenant-Id' });
    // the same route still takes signed app requests
    expect((await send('GET', '/v1/qr/orders/o_9')).status).toBe(200);
  });

  it('refuses an operator the route does not admit, and an operator route without a token', async () => {
    const county = await resend('GET', '/v1/admin/county-only', { authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect(county.status).toBe(403);
    expect(county.json.error.code).toBe('forbidden_actor');
    const anonymous = await resend('GET', '/v1/admin/apps', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('invalid_operator_token');
    // a signed app request on an operator route is not authenticated as an app
    const asApp = await send('GET', '/v1/admin/apps');
    expect(asApp.status).toBe(401);
    expect(asApp.json.error.code).toBe('invalid_operator_token');
    expect(upstreamCalls).toBeGreaterThan(0);
  });

  it('keeps apps in memory and drops one the moment onboarding changes it (a suspension takes effect without waiting)', async () => {
    expect((await send('GET', '/v1/merchants', { appId: suspendedLater })).status).toBe(200);
    expect((await send('GET', '/v1/merchants', { appId: suspendedLater })).status).toBe(200); // served from memory
    const registry = svc.app.get(RegistryService);
    await inTenantTransaction(svc.ds, T1, (em) => registry.onAppUpdated(appEvent(suspendedLater, { status: 'suspended', version: 2 }), em));
    const refused = await eventually(
      async () => {
        const r = await send('GET', '/v1/merchants', { appId: suspendedLater });
        return r.status === 403 ? r : undefined;
      },
      'the suspension to reach the gateway',
      2000,
    );
    expect(refused.json.error.code).toBe('app_suspended');
  });

  it('follows a new app secret the moment onboarding changes it: the old one refused, the new one verified and signing the answers', async () => {
    const first = await send('GET', '/v1/merchants', { appId: rotatedApp });
    expect(first.status).toBe(200);
    const again = await send('GET', '/v1/merchants', { appId: rotatedApp }); // served from memory, with the key made for it
    expect(again.status).toBe(200);
    expect(responseVerifies(again, 'HMAC-SHA256', secret)).toBe(true);
    const newSecret = generateAppSecret();
    const credentials = [{ credentialId: randomUUID(), alg: 'HMAC-SHA256' as const, secretCiphertext: cipher.encrypt(newSecret), status: 'active' as const }];
    await inTenantTransaction(svc.ds, T1, (em) => svc.app.get(RegistryService).onAppUpdated(appEvent(rotatedApp, { credentials, version: 2 }), em));
    const refused = await eventually(
      async () => {
        const r = await send('GET', '/v1/merchants', { appId: rotatedApp });
        return r.status === 401 ? r : undefined;
      },
      'the new secret to reach the gateway',
      2000,
    );
    expect(refused.json.error.code).toBe('invalid_signature');
    expect(responseVerifies(refused, 'HMAC-SHA256', newSecret)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const ok = await send('GET', '/v1/merchants', { appId: rotatedApp, secret: newSecret });
      expect(ok.status).toBe(200);
      expect(responseVerifies(ok, 'HMAC-SHA256', newSecret)).toBe(true);
      expect(responseVerifies(ok, 'HMAC-SHA256', secret)).toBe(false);
    }
  });

  it('answers a database outage with the documented, signed 503 and Retry-After, never a 500', async () => {
    const r = await send('POST', '/v1/qr/orders', { appId: outageApp, body: '{"amount":1}', idempotencyKey: randomUUID() });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.json.error).toMatchObject({ code: 'service_unavailable', type: 'api_error', requestId: r.headers.get('x-request-id') });
    expect(responseVerifies(r, 'HMAC-SHA256', secret)).toBe(true);
  });

  it('signs the 503 of an outage that strikes the app registry: with the app secret it last read, with the platform key for an unknown SM2 app; admits nothing on old data', async () => {
    // the gateway reads (and remembers) the app once while the database is up
    expect((await send('GET', '/v1/qr/orders/o_3', { appId: registryOutageApp })).status).toBe(200);
    // a change to the app drops it from the in-memory registry, then the database goes away
    await inTenantTransaction(svc.ds, T1, (em) => svc.app.get(RegistryService).onAppUpdated(appEvent(registryOutageApp, { name: 'renamed', version: 2 }), em));
    const callsBefore = upstreamCalls;
    // answered (and forwarded) from the still-valid copy until the invalidation arrives: not the outage's
    let servedBeforeInvalidation = 0;
    registryDown = true;
    try {
      const r = await eventually(
        async () => {
          const a = await send('GET', '/v1/qr/orders/o_3', { appId: registryOutageApp });
          if (a.status === 200) servedBeforeInvalidation++;
          return a.status === 503 ? a : undefined;
        },
        'the invalidation to reach the gateway',
        5000,
      );
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.json.error).toMatchObject({ code: 'service_unavailable', requestId: r.headers.get('x-request-id') });
      expect(responseVerifies(r, 'HMAC-SHA256', secret)).toBe(true);
      // an app this gateway never read, signing with SM2: the answer is signed with the platform's key
      const unknown = await send('GET', '/v1/qr/orders/o_3', { appId: generateAppId(), sm2: true });
      expect(unknown.status).toBe(503);
      expect(responseVerifies(unknown, 'SM2-SM3', platform.publicKey)).toBe(true);
      expect(upstreamCalls).toBe(callsBefore + servedBeforeInvalidation);
    } finally {
      registryDown = false;
    }
    expect((await send('GET', '/v1/qr/orders/o_3', { appId: registryOutageApp })).status).toBe(200);
  });

  it('limits the public routes per client address (behind one trusted proxy), refusing with the documented 429 before forwarding', async () => {
    const decode = (client: string) =>
      fetch(`${base}/v1/qr/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.66, ${client}` },
        body: '{"payload":"x"}',
      });
    const before = upstreamCalls;
    for (let i = 0; i < PUBLIC_LIMIT; i++) expect((await decode('203.0.113.5')).status).toBe(201);
    const refused = await decode('203.0.113.5');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe(String(PUBLIC_LIMIT));
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(upstreamCalls - before).toBe(PUBLIC_LIMIT); // the refused request never reached the service
    // another address (the client-supplied first hop is not believed: only the one the proxy saw counts)
    expect((await decode('203.0.113.6')).status).toBe(201);
  });

  it('sheds load past its capacity at once, signed, with Retry-After: a county past its share gets 429, anyone past the instance 503', async () => {
    // Three slow requests (the service answers after 1.5 s, the gateway gives up at 0.5 s) hold the
    // instance full: two of T1 (its whole share) and one of T2. Probes sent while they are upstream
    // are refused without reaching the service. The holders' window is short on a loaded machine: a
    // round whose probes were not refused (the holders had already been answered) is tried again.
    let refusedT1: Sent | undefined;
    let refusedT3: Sent | undefined;
    for (let round = 0; round < 5 && !(refusedT1 && refusedT3); round++) {
      const before = upstreamCalls;
      const upstreamHasThree = new Promise<void>((resolve) => {
        onUpstreamCall = () => {
          if (upstreamCalls - before >= 3) resolve();
        };
      });
      const holders = [
        send('POST', '/v1/qr/slow', { appId: slowApp, body: '{}', idempotencyKey: randomUUID() }),
        send('POST', '/v1/qr/slow', { appId: slowApp, body: '{}', idempotencyKey: randomUUID() }),
        send('POST', '/v1/qr/slow', { appId: holdApp2, body: '{}', idempotencyKey: randomUUID() }),
      ];
      await upstreamHasThree;
      onUpstreamCall = undefined;
      const [t1, t3] = await Promise.all([send('GET', '/v1/merchants', { appId: probeApp }), send('GET', '/v1/merchants', { appId: probeApp3 })]);
      const held = await Promise.all(holders);
      expect(held.map((h) => h.status)).toEqual([504, 504, 504]);
      if (t1.status === 429) refusedT1 = t1;
      else expect(t1.status).toBe(200);
      if (t3.status === 503) refusedT3 = t3;
      else expect(t3.status).toBe(200);
    }
    expect(refusedT1?.json.error.code).toBe('rate_limited');
    expect(refusedT1?.headers.get('retry-after')).toBe('1');
    expect(responseVerifies(refusedT1!, 'HMAC-SHA256', secret)).toBe(true);
    expect(refusedT3?.json.error.code).toBe('service_unavailable');
    expect(refusedT3?.headers.get('retry-after')).toBe('1');
    expect(responseVerifies(refusedT3!, 'HMAC-SHA256', secret)).toBe(true);
    // the slots came back: both counties are served again
    expect((await send('GET', '/v1/merchants', { appId: probeApp })).status).toBe(200);
    expect((await send('GET', '/v1/merchants', { appId: probeApp3 })).status).toBe(200);
  });

  it('serves the OpenAPI document and the platform key unsigned', async () => {
    const doc = (await (await fetch(`${base}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/qr/orders']).toBeDefined();
    const key = (await (await fetch(`${base}/v1/platform-key`)).json()) as { publicKey: string };
    expect(key.publicKey).toBe(platform.publicKey);
  });
});
