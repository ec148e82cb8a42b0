import { ServiceUrlsConfig } from '@countypay/config';
import { refusedLocalPort, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from '@countypay/testing';
import { GatewayConfig } from '../config/gateway.config';
import { UpstreamClient, withGatewayRequestId, type UpstreamRequest, type UpstreamResult } from './upstream.client';

describe('withGatewayRequestId', () => {
  it("puts the gateway's request id into an upstream error body", () => {
    const body = Buffer.from(JSON.stringify({ error: { type: 'not_found_error', code: 'not_found', message: 'no', requestId: 'other' } }));
    const out = JSON.parse(withGatewayRequestId(body, 'application/json; charset=utf-8', 'req-gw').toString('utf8'));
    expect(out).toEqual({ error: { type: 'not_found_error', code: 'not_found', message: 'no', requestId: 'req-gw' } });
  });

  it('keeps the bytes when the id is already the gateway one, or the body is no error', () => {
    const same = Buffer.from('{"error": {"code":"x","requestId":"req-gw"}}');
    expect(withGatewayRequestId(same, 'application/json', 'req-gw')).toBe(same);
    const ok = Buffer.from('{"id":"m_1","amount":1000}');
    expect(withGatewayRequestId(ok, 'application/json', 'req-gw')).toBe(ok);
    const text = Buffer.from('not json');
    expect(withGatewayRequestId(text, 'application/json', 'req-gw')).toBe(text);
    expect(withGatewayRequestId(text, 'text/plain', 'req-gw')).toBe(text);
  });
});

describe('UpstreamClient.forward (against a local HTTP server)', () => {
  let server: LocalHttpServer;
  let port: number;
  let received: ReceivedRequest[];

  beforeAll(async () => {
    server = await startLocalHttpServer((req, res) => {
      if (req.path === '/merchants') {
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201, {
          'content-type': 'application/json; charset=utf-8',
          'x-request-id': 'upstream-id',
          'x-cp-trace-keep': 'error',
          etag: 'W/"1"',
          'x-powered-by': 'Express',
          'cache-control': 'no-store',
        });
        res.end('{"id":"m_1"}');
      } else if (req.path === '/moved') res.writeHead(301, { location: '/merchants' }).end();
      else if (req.path === '/slow')
        return; // never answers
      else res.writeHead(404).end();
    });
    port = server.port;
    received = server.received;
  });

  afterAll(() => server.close());

  beforeEach(() => {
    received.length = 0;
  });

  const client = (urls: Record<string, string>, timeoutMs = 5000): UpstreamClient =>
    new UpstreamClient(
      Object.assign(new ServiceUrlsConfig(), { COUNTYPAY_SERVICE_URLS: JSON.stringify(urls) }),
      Object.assign(new GatewayConfig(), { GATEWAY_UPSTREAM_TIMEOUT_MS: timeoutMs }),
    );
  const up = (): UpstreamClient => client({ onboarding: `http://127.0.0.1:${port}` });
  const request = (over: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
    service: 'onboarding',
    method: 'POST',
    path: '/merchants',
    query: 'a=1&b=%20',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-gw' },
    body: Buffer.from('{"name":"金堂"}'),
    ...over,
  });

  it('forwards method, path, query, headers and body, and answers status, body and the headers it passes on', async () => {
    const result = await up().forward(request());
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/merchants?a=1&b=%20', body: '{"name":"金堂"}' });
    expect(received[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"金堂"}')));
    expect(received[0]!.headers['x-request-id']).toBe('req-gw');
    expect(result.kind).toBe('response');
    const { response } = result as Extract<UpstreamResult, { kind: 'response' }>;
    expect(response.status).toBe(201);
    expect(Buffer.isBuffer(response.body)).toBe(true);
    expect(response.body.toString()).toBe('{"id":"m_1"}');
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'set-cookie': 'b=2' });
  });

  it('sends no body with a GET', async () => {
    await up().forward(request({ method: 'GET' }));
    expect(received[0]).toMatchObject({ method: 'GET', body: '' });
    expect(received[0]!.headers['content-length']).toBeUndefined();
  });

  it('answers a redirect as it is', async () => {
    const result = await up().forward(request({ path: '/moved' }));
    expect(result).toMatchObject({ kind: 'response', response: { status: 301, headers: { location: '/merchants' } } });
    expect(received.map((r) => r.url.split('?')[0])).toEqual(['/moved']);
  });

  it('times out after GATEWAY_UPSTREAM_TIMEOUT_MS', async () => {
    expect(await client({ onboarding: `http://127.0.0.1:${port}` }, 150).forward(request({ path: '/slow' }))).toEqual({ kind: 'timeout' });
  });

  it('is cancelled when the caller goes away', async () => {
    const callerGone = new AbortController();
    const result = up().forward(request({ path: '/slow', signal: callerGone.signal }));
    while (!received.some((r) => r.url.startsWith('/slow'))) await new Promise((r) => setTimeout(r, 5));
    callerGone.abort();
    expect(await result).toEqual({ kind: 'cancelled' });
  });

  it('is unavailable when the service refuses the connection or has no URL', async () => {
    const closedPort = await refusedLocalPort();
    expect(await client({ onboarding: `http://127.0.0.1:${closedPort}` }).forward(request())).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(await client({}).forward(request())).toEqual({ kind: 'unavailable', reason: 'COUNTYPAY_SERVICE_URLS has no URL for onboarding' });
  });
});
