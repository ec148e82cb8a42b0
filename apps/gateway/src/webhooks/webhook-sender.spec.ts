import { generateWebhookSecret, verifyWebhook } from '@countypay/security';
import { refusedLocalPort, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from '@countypay/testing';
import { WEBHOOK_USER_AGENT, sendWebhook } from './webhook-sender';

describe('sendWebhook (against a local HTTP server)', () => {
  let server: LocalHttpServer;
  let base: string;
  let received: ReceivedRequest[];
  const secret = generateWebhookSecret();

  beforeAll(async () => {
    server = await startLocalHttpServer((req, res) => {
      if (req.url === '/ok') res.writeHead(204).end();
      else if (req.url === '/boom') res.writeHead(500).end('nope');
      else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/chatty') res.writeHead(200).end(Buffer.alloc(1024 * 1024, 'x'));
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000).unref();
      else res.writeHead(404).end();
    });
    base = server.base;
    received = server.received;
  });

  afterAll(() => server.close());

  beforeEach(() => {
    received.length = 0;
  });

  const send = (path: string, timeoutMs = 5000) =>
    sendWebhook({
      url: `${base}${path}`,
      body: '{"id":"evt_1","type":"payment.succeeded"}',
      webhookId: 'evt_1',
      secret,
      timeoutMs,
      nowSeconds: Math.floor(Date.now() / 1000),
    });

  it('POSTs the body with Standard Webhooks headers the receiver can verify', async () => {
    const r = await send('/ok');
    expect(r).toMatchObject({ ok: true, statusCode: 204, errorClass: null });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.body).toBe('{"id":"evt_1","type":"payment.succeeded"}');
    expect(got!.headers['webhook-id']).toBe('evt_1');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook({ secret, headers: got!.headers, body: got!.body })).toEqual({ ok: true });
    expect(verifyWebhook({ secret: generateWebhookSecret(), headers: got!.headers, body: got!.body })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('reports a non-2xx answer as a retryable http_status failure', async () => {
    expect(await send('/boom')).toMatchObject({ ok: false, statusCode: 500, errorClass: 'http_status', retryable: true });
  });

  it("counts a 2xx at its head and does not keep the answer's body", async () => {
    expect(await send('/chatty')).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
    expect(await send('/ok')).toMatchObject({ ok: true, statusCode: 204 });
  });

  it('never follows a redirect', async () => {
    expect(await send('/moved')).toMatchObject({ ok: false, statusCode: 302, errorClass: 'redirect' });
    expect(received.map((r) => r.url)).toEqual(['/moved']);
  });

  it('gives up after the timeout', async () => {
    expect(await send('/slow', 200)).toMatchObject({ ok: false, statusCode: null, errorClass: 'timeout', retryable: true });
  });

  it('classifies a refused connection', async () => {
    const port = await refusedLocalPort();
    const r = await sendWebhook({ url: `http://127.0.0.1:${port}/x`, body: '{}', webhookId: 'evt_2', secret, timeoutMs: 2000, nowSeconds: 1 });
    expect(r).toMatchObject({ ok: false, errorClass: 'connection_refused', retryable: true });
  });

  it('refuses anything but http(s), without retrying', async () => {
    const r = await sendWebhook({ url: 'file:///etc/passwd', body: '{}', webhookId: 'evt_3', secret, timeoutMs: 2000, nowSeconds: 1 });
    expect(r).toEqual({ ok: false, statusCode: null, durationMs: 0, errorClass: 'invalid_url', retryable: false });
  });
});
