import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type SignatureAlgorithm,
  canonicalRequest,
  generateSm2KeyPair,
  generateWebhookSecret,
  responseCanonical,
  signResponse,
  splitRequestTarget,
  verifyRequestSignature,
  webhookHeaders,
} from './signing';
import {
  CountypayApiError,
  CountypayClient,
  CountypayOperatorClient,
  CountypaySignatureError,
  WEBHOOK_RETRY_SCHEDULE_SECONDS,
  parseWebhook,
  verifyWebhook,
} from './index';

interface Seen {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** did the request signature verify with the app's key? */
  signatureOk: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  /** how to sign the response: with which algorithm and key; none: unsigned */
  sign?: { alg: SignatureAlgorithm; key: string };
  /** change the body after signing */
  tamper?: boolean;
}

/** A stand-in gateway: checks each request's signature with verifyRequestSignature, answers what the test queued. */
class FakeGateway {
  server!: Server;
  base = '';
  seen: Seen[] = [];
  replies: Reply[] = [];
  verifyWith: { alg: SignatureAlgorithm; key: string } | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const target = req.url ?? '';
        const { path, query } = splitRequestTarget(target);
        const h = (n: string): string => String(req.headers[n] ?? '');
        let signatureOk = false;
        if (this.verifyWith) {
          try {
            const canonical = canonicalRequest({
              alg: this.verifyWith.alg,
              method: req.method ?? '',
              path,
              query,
              timestamp: h('x-cp-timestamp'),
              nonce: h('x-cp-nonce'),
              body,
            });
            signatureOk =
              h('x-cp-signature-alg') === this.verifyWith.alg &&
              verifyRequestSignature(this.verifyWith.alg, this.verifyWith.key, canonical, h('x-cp-signature'));
          } catch {
            signatureOk = false;
          }
        }
        this.seen.push({ method: req.method ?? '', target, headers: req.headers, body, signatureOk });
        const reply = this.replies.shift() ?? {
          status: 500,
          body: { error: { type: 'api_error', code: 'internal_error', message: 'no reply queued', requestId: 'req_x' } },
        };
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        const requestId = `req_${randomUUID()}`;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-cp-request-id': requestId };
        if (reply.sign) {
          const timestamp = String(Math.floor(Date.now() / 1000));
          const canonical = responseCanonical({ alg: reply.sign.alg, status: reply.status, requestId, timestamp, requestNonce: h('x-cp-nonce'), body: text });
          Object.assign(headers, {
            'x-cp-timestamp': timestamp,
            'x-cp-signature-alg': reply.sign.alg,
            'x-cp-signature': signResponse(reply.sign.alg, reply.sign.key, canonical),
          });
        }
        res.writeHead(reply.status, headers).end(reply.tamper ? text.replace(/1/g, '2') : text);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const APP_ID = 'app_7k2m9x4q1w8e5r3t6y0u';
const SECRET = 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g';
const MERCHANT_ID = '0b6c5a3e-8d4f-4e2a-9c1b-7f3e2d1c0b9a';

const merchantInput = {
  legalName: '金堂县农家乐',
  uscc: '91510121MA3C4XYZ1K',
  legalRepName: '张三',
  legalRepIdNumber: '510121199001011237',
  phone: '13812345678',
  mcc: '5812',
  address: '成都市金堂县',
  city: '成都',
  settlementAccount: { accountType: 'debit_card' as const, accountNo: '6228480402564890018', accountName: '张三', bankName: '金堂农商银行' },
};

describe('CountypayClient (HMAC-SHA256) against a local gateway that checks signatures', () => {
  const gw = new FakeGateway();
  const hmac = { alg: 'HMAC-SHA256' as const, key: SECRET };
  let client: CountypayClient;

  beforeAll(async () => {
    await gw.start();
    gw.verifyWith = hmac;
    client = new CountypayClient({ baseUrl: gw.base, appId: APP_ID, alg: 'HMAC-SHA256', secret: SECRET });
  });
  afterAll(() => gw.stop());
  beforeEach(() => {
    gw.seen = [];
    gw.replies = [];
  });

  it('signs a POST, sends an Idempotency-Key, and returns the verified answer', async () => {
    gw.replies.push({ status: 201, body: { merchantId: MERCHANT_ID, status: 'pending_review' }, sign: hmac });
    const m = await client.merchants.create(merchantInput);
    expect(m).toEqual({ merchantId: MERCHANT_ID, status: 'pending_review' });
    const [req] = gw.seen;
    expect(req!.signatureOk).toBe(true);
    expect(req!.method).toBe('POST');
    expect(req!.target).toBe('/v1/merchants');
    expect(req!.headers['x-cp-app-id']).toBe(APP_ID);
    expect(req!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual(merchantInput);
  });

  it("uses the caller's Idempotency-Key, and a fresh nonce per request", async () => {
    gw.replies.push({ status: 201, body: { id: 'o1' }, sign: hmac }, { status: 201, body: { id: 'o1' }, sign: hmac });
    const input = { merchantId: MERCHANT_ID, outTradeNo: 'ord-001', amountFen: 1288 };
    await client.qrOrders.create(input, { idempotencyKey: 'my-key-1' });
    await client.qrOrders.create(input, { idempotencyKey: 'my-key-1' });
    expect(gw.seen.map((s) => s.headers['idempotency-key'])).toEqual(['my-key-1', 'my-key-1']);
    expect(gw.seen[0]!.headers['x-cp-nonce']).not.toBe(gw.seen[1]!.headers['x-cp-nonce']);
    expect(gw.seen.every((s) => s.signatureOk)).toBe(true);
    expect(JSON.parse(gw.seen[0]!.body).amountFen).toBe(1288);
  });

  it('signs the query exactly as sent (RFC 3986, reserved characters included)', async () => {
    gw.replies.push({ status: 200, body: { data: [], nextCursor: null }, sign: hmac });
    await client.qrOrders.list({ outTradeNo: "a b*(c)'!+农", status: 'succeeded', limit: 5, cursor: undefined });
    const [req] = gw.seen;
    expect(req!.target).toBe('/v1/qr/orders?outTradeNo=a%20b%2A%28c%29%27%21%2B%E5%86%9C&status=succeeded&limit=5');
    expect(req!.signatureOk).toBe(true);
    expect(req!.headers['idempotency-key']).toBeUndefined();
  });

  it('encodes ids into the path so they cannot change it', async () => {
    gw.replies.push({ status: 200, body: { id: 'x' }, sign: hmac });
    await client.qrOrders.get('../admin?x=1');
    expect(gw.seen[0]!.target).toBe('/v1/qr/orders/..%2Fadmin%3Fx%3D1');
    expect(gw.seen[0]!.signatureOk).toBe(true);
  });

  it('throws CountypayApiError with the error body fields', async () => {
    gw.replies.push({
      status: 404,
      body: { error: { type: 'not_found_error', code: 'not_found', message: 'no merchant', param: 'merchantId', requestId: 'req_42' } },
      sign: hmac,
    });
    const err = await client.merchants.get(MERCHANT_ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CountypayApiError);
    expect(err).toMatchObject({ status: 404, type: 'not_found_error', code: 'not_found', message: 'no merchant', param: 'merchantId', requestId: 'req_42' });
  });

  it('throws CountypaySignatureError for a tampered or unsigned answer', async () => {
    gw.replies.push({ status: 200, body: { amountFen: 1000 }, sign: hmac, tamper: true });
    await expect(client.qrOrders.get('o1')).rejects.toBeInstanceOf(CountypaySignatureError);
    gw.replies.push({ status: 200, body: { amountFen: 1000 } });
    await expect(client.qrOrders.get('o1')).rejects.toThrow(/not signed/);
    gw.replies.push({ status: 200, body: { amountFen: 1000 }, sign: { alg: 'HMAC-SHA256', key: 'another-secret' } });
    await expect(client.qrOrders.get('o1')).rejects.toThrow(/does not match/);
  });

  it('keeps the error an unsigned error answer claimed, for diagnosis only', async () => {
    gw.replies.push({ status: 401, body: { error: { type: 'authentication_error', code: 'unknown_app', message: 'no app', requestId: 'req_1' } } });
    const err = (await client.merchants.list().catch((e: unknown) => e)) as CountypaySignatureError;
    expect(err).toBeInstanceOf(CountypaySignatureError);
    expect(err.unverified).toMatchObject({ status: 401, code: 'unknown_app' });
  });

  it('covers PATCH, stores, terminals, close, refunds, webhook deliveries and the generic request', async () => {
    for (let i = 0; i < 8; i++) gw.replies.push({ status: 200, body: { ok: i }, sign: hmac });
    await client.merchants.update(MERCHANT_ID, { phone: '13900000000' });
    await client.stores.create(MERCHANT_ID, { name: 'Main street' });
    await client.terminals.create('s1', { serialNo: 'POS-001' });
    await client.qrOrders.close('o1');
    await client.qrOrders.refund('o1', { outRefundNo: 'r1', amountFen: 500 });
    await client.webhookDeliveries.list({ status: 'failed' });
    await client.webhookDeliveries.resend('d1');
    await client.request('GET', '/v1/ledger/balances', { query: { merchantId: MERCHANT_ID } });
    expect(gw.seen.map((s) => `${s.method} ${s.target}`)).toEqual([
      `PATCH /v1/merchants/${MERCHANT_ID}`,
      `POST /v1/merchants/${MERCHANT_ID}/stores`,
      'POST /v1/stores/s1/terminals',
      'POST /v1/qr/orders/o1/close',
      'POST /v1/qr/orders/o1/refunds',
      'GET /v1/webhooks/deliveries?status=failed',
      'POST /v1/webhooks/deliveries/d1/resend',
      `GET /v1/ledger/balances?merchantId=${MERCHANT_ID}`,
    ]);
    expect(gw.seen.every((s) => s.signatureOk)).toBe(true);
    expect(gw.seen.filter((s) => s.method === 'POST').every((s) => typeof s.headers['idempotency-key'] === 'string')).toBe(true);
    expect(gw.seen[3]!.body).toBe('');
  });

  it('keeps and signs a base URL path prefix', async () => {
    const prefixed = new CountypayClient({ baseUrl: `${gw.base}/api/`, appId: APP_ID, alg: 'HMAC-SHA256', secret: SECRET });
    gw.replies.push({ status: 200, body: {}, sign: hmac });
    await prefixed.merchants.list();
    expect(gw.seen[0]!.target).toBe('/api/v1/merchants');
    expect(gw.seen[0]!.signatureOk).toBe(true);
  });
});

describe('CountypayClient with SM2-SM3 and RSA-SHA256 keys', () => {
  const gw = new FakeGateway();
  const app = generateSm2KeyPair();
  const platform = generateSm2KeyPair();

  beforeAll(() => gw.start());
  afterAll(() => gw.stop());
  beforeEach(() => {
    gw.seen = [];
    gw.replies = [];
  });

  it('signs with the SM2 private key and verifies the platform-signed answer', async () => {
    gw.verifyWith = { alg: 'SM2-SM3', key: app.publicKey };
    const client = new CountypayClient({ baseUrl: gw.base, appId: APP_ID, alg: 'SM2-SM3', privateKey: app.privateKey, platformPublicKey: platform.publicKey });
    gw.replies.push({ status: 200, body: { id: 'o1', amountFen: 1288 }, sign: { alg: 'SM2-SM3', key: platform.privateKey } });
    expect(await client.qrOrders.get('o1')).toEqual({ id: 'o1', amountFen: 1288 });
    expect(gw.seen[0]!.signatureOk).toBe(true);
    expect(gw.seen[0]!.headers['x-cp-signature-alg']).toBe('SM2-SM3');

    // an answer signed by another key, or "HMAC-signed" with the public key, is refused
    gw.replies.push({ status: 200, body: {}, sign: { alg: 'SM2-SM3', key: app.privateKey } });
    await expect(client.qrOrders.get('o1')).rejects.toBeInstanceOf(CountypaySignatureError);
    gw.replies.push({ status: 200, body: {}, sign: { alg: 'HMAC-SHA256', key: platform.publicKey } });
    await expect(client.qrOrders.get('o1')).rejects.toThrow(/unexpected algorithm/);
  });

  it('fetches the platform key from the public, unsigned route', async () => {
    const client = new CountypayClient({ baseUrl: gw.base, appId: APP_ID, alg: 'SM2-SM3', privateKey: app.privateKey });
    gw.replies.push({ status: 200, body: { algorithm: 'SM2-SM3', publicKey: platform.publicKey, publicKeyPem: '', userId: '1234567812345678' } });
    expect((await client.platformKey()).publicKey).toBe(platform.publicKey);
    expect(gw.seen[0]!.target).toBe('/v1/platform-key');
    expect(gw.seen[0]!.headers['x-cp-signature']).toBeUndefined();
  });

  it('signs with an RSA key; without a platform key, answers are not checked', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    gw.verifyWith = { alg: 'RSA-SHA256', key: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    const client = new CountypayClient({
      baseUrl: gw.base,
      appId: APP_ID,
      alg: 'RSA-SHA256',
      privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    gw.replies.push({ status: 201, body: { merchantId: MERCHANT_ID } });
    expect(await client.merchants.create(merchantInput)).toEqual({ merchantId: MERCHANT_ID });
    expect(gw.seen[0]!.signatureOk).toBe(true);
  });

  it('refuses incomplete options', () => {
    expect(() => new CountypayClient({ baseUrl: gw.base, appId: APP_ID, alg: 'HMAC-SHA256' })).toThrow(/secret/);
    expect(() => new CountypayClient({ baseUrl: gw.base, appId: APP_ID, alg: 'SM2-SM3', secret: 'x' })).toThrow(/private key/);
    expect(() => new CountypayClient({ baseUrl: 'ftp://x', appId: APP_ID, alg: 'HMAC-SHA256', secret: 'x' })).toThrow(/http/);
  });
});

describe('CountypayOperatorClient', () => {
  const gw = new FakeGateway();
  const token = `cpo_${'a'.repeat(40)}`;
  beforeAll(() => gw.start());
  afterAll(() => gw.stop());

  it('sends the bearer token, an Idempotency-Key on POST, and maps errors', async () => {
    const ops = new CountypayOperatorClient({ baseUrl: gw.base, token });
    gw.replies.push({ status: 200, body: { merchantId: MERCHANT_ID, status: 'active' } });
    gw.replies.push({ status: 403, body: { error: { type: 'permission_error', code: 'forbidden', message: 'county only', requestId: 'req_9' } } });
    expect(await ops.merchants.approve(MERCHANT_ID)).toEqual({ merchantId: MERCHANT_ID, status: 'active' });
    await expect(ops.request('GET', '/v1/admin/tenants', { query: { limit: 10 } })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
      requestId: 'req_9',
    });
    expect(gw.seen.map((s) => `${s.method} ${s.target}`)).toEqual([`POST /v1/admin/merchants/${MERCHANT_ID}/approve`, 'GET /v1/admin/tenants?limit=10']);
    expect(gw.seen.every((s) => s.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(gw.seen[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => new CountypayOperatorClient({ baseUrl: gw.base, token: 'not-a-token' })).toThrow(/cpo_/);
  });
});

describe('verifyWebhook / parseWebhook', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'e1', type: 'payment.succeeded', created: 1767225600, tenantId: 't510121', data: { amountFen: 1288 } });
  const now = Math.floor(Date.now() / 1000);
  const headers = { ...webhookHeaders({ secret, webhookId: 'e1', timestamp: now, body }), 'content-type': 'application/json' };

  it('accepts an authentic delivery (Node headers or fetch Headers) and returns its event', () => {
    expect(verifyWebhook(headers, body, secret)).toBe(true);
    expect(verifyWebhook(new Headers(headers), Buffer.from(body), secret)).toBe(true);
    const event = parseWebhook(headers, body, secret);
    expect(event).toMatchObject({ id: 'e1', type: 'payment.succeeded', data: { amountFen: 1288 } });
  });

  it('refuses a changed body, another secret, or an old timestamp', () => {
    expect(verifyWebhook(headers, body.replace('1288', '9999'), secret)).toBe(false);
    expect(verifyWebhook(headers, body, generateWebhookSecret())).toBe(false);
    expect(verifyWebhook(headers, body, secret, { nowSeconds: now + 3600 })).toBe(false);
    expect(() => parseWebhook(headers, body.replace('1288', '9999'), secret)).toThrow(/no_matching_signature/);
  });

  it('publishes the retry schedule: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 1h, 3h, 3h, 3h, 6h, 6h', () => {
    expect(WEBHOOK_RETRY_SCHEDULE_SECONDS).toEqual([15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]);
  });
});
