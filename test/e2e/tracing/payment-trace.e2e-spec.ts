// Issue 11: one payment is one trace. The demo's payment (a partner creates a dynamic QR order,
// the payer's wallet pays it) against the platform the e2e tier boots — with the local Zipkin
// that `npm start` starts too — then the trace read back from Zipkin's API: every hop present
// (partner call → gateway → qr-payment → channel sandbox and its notification → outbox → Kafka →
// ledger posting in settlement → webhook delivery in the gateway), every span parent-linked
// inside the trace, ids as attributes and no personal data.
import { randomBytes } from 'node:crypto';
import type { CreatedQrOrder, QrOrder } from '@countypay/sdk';
import { gatewayUrl, provinceToken } from '../support/platform';
import { WebhookReceiver, onboardMerchant, onboardPartner, uniq, until, waitForLedger, waitUntilPayable } from '../../load/platform-setup';

jest.setTimeout(180_000);

const TENANT = 't510121';

/** A span as Zipkin's v2 API returns it. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

function zipkinUrl(): string {
  const url = process.env.COUNTYPAY_E2E_ZIPKIN_URL;
  if (!url) throw new Error('the e2e platform started no Zipkin (COUNTYPAY_TRACE_EXPORTER is set in this shell?)');
  return url;
}

async function readTrace(traceId: string): Promise<ZipkinSpan[]> {
  const res = await fetch(`${zipkinUrl()}/api/v2/trace/${traceId}`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`Zipkin answered ${res.status}`);
  return (await res.json()) as ZipkinSpan[];
}

const service = (s: ZipkinSpan): string => s.localEndpoint?.serviceName ?? '';
const describe_ = (s: ZipkinSpan): string => `${service(s)} ${s.kind ?? ''} ${s.name}`;

describe('one trace per payment, read back from the local Zipkin', () => {
  const hooks = new WebhookReceiver();
  afterAll(() => hooks.stop());

  it('holds every hop of the demo payment, parent-linked, with ids and no personal data', async () => {
    await hooks.start();
    const baseUrl = gatewayUrl();
    const on = await onboardPartner(
      { baseUrl, operatorToken: provinceToken() },
      { tenantId: TENANT, name: `Trace ${uniq()}`, appCount: 1, callbackUrl: hooks.url },
    );
    const app = on.apps[0]!;
    hooks.secrets.set(app.appId, app.webhookSecret);
    const merchant = await onboardMerchant(on, app, `金堂县追踪便利店${uniq().slice(-4)}`);

    // as `npm run demo` does: one traceparent for the partner's calls about this payment
    const traceId = randomBytes(16).toString('hex');
    const traceparent = (): string => `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const outTradeNo = `trace-${uniq()}`;
    const created = await waitUntilPayable(app, merchant.merchantId, () =>
      app.client.request<CreatedQrOrder>('POST', '/v1/qr/orders', {
        body: { merchantId: merchant.merchantId, storeId: merchant.storeId, outTradeNo, amountFen: 12_345, description: 'trace e2e', expiresInSeconds: 300 },
        headers: { traceparent: traceparent() },
      }),
    );
    await app.client.request<QrOrder>('POST', `/v1/qr/orders/${created.id}/pay`, {
      body: { channel: 'wechat', payerId: `trace_openid_${uniq()}` },
      headers: { traceparent: traceparent() },
    });
    const order = await until('the order to be final', async () => {
      const o = await app.client.qrOrders.get(created.id);
      return o.status === 'created' || o.status === 'paying' ? undefined : o;
    });
    expect(order.status).toBe('succeeded');
    const hook = await hooks.waitFor('payment.succeeded', order.id);
    await waitForLedger(app.client, order.id, 1);

    // the spans arrive in batches (each app's exporter, a tail-sampling settle window): wait for the last hops
    const spans = await until(
      'the whole trace in Zipkin',
      async () => {
        const got = await readTrace(traceId);
        const webhookSent = got.some(
          (s) => service(s) === 'gateway' && s.kind === 'CLIENT' && s.tags?.['http.request.method'] === 'POST' && /webhooks/.test(s.tags?.['url.full'] ?? ''),
        );
        const posted = got.some((s) => service(s) === 'settlement' && s.kind === 'CONSUMER');
        const channel =
          got.some((s) => service(s) === 'channel-sandbox' && s.kind === 'SERVER') && got.some((s) => service(s) === 'channel-sandbox' && s.kind === 'CLIENT');
        return webhookSent && posted && channel ? got : undefined;
      },
      60_000,
      1000,
    );
    const named = spans.map(describe_);

    // partner call → gateway (the root: its parent is the partner's own span, not in the trace)
    const gatewayServer = spans.filter((s) => service(s) === 'gateway' && s.kind === 'SERVER');
    expect(gatewayServer.length).toBeGreaterThanOrEqual(2); // create and pay
    // named after the public route they matched, not the proxy's catch-all (Zipkin lowercases names)
    for (const s of gatewayServer) expect(s.name).toMatch(/^(get|post) \/v1\/\S+/);
    // gateway → qr-payment
    const qrServer = spans.filter((s) => service(s) === 'qr-payment' && s.kind === 'SERVER');
    expect(qrServer.some((s) => /pay/.test(s.tags?.['http.route'] ?? s.tags?.['url.path'] ?? s.name))).toBe(true);
    // qr-payment → channel sandbox (the wallet's payment) and the sandbox's notification back
    const sandboxServer = spans.filter((s) => service(s) === 'channel-sandbox' && s.kind === 'SERVER');
    expect(sandboxServer.length).toBeGreaterThanOrEqual(1);
    const sandboxClient = spans.filter((s) => service(s) === 'channel-sandbox' && s.kind === 'CLIENT');
    expect(sandboxClient.length).toBeGreaterThanOrEqual(1); // the notification it sends to qr-payment
    // outbox → Kafka: the producer span of payment.succeeded, written by qr-payment
    const produced = spans.find((s) => service(s) === 'qr-payment' && s.kind === 'PRODUCER' && /countypay\.payment\.succeeded\.v1/.test(s.name));
    expect(produced).toBeDefined();
    // Kafka → ledger posting (settlement) and → webhook (gateway), both children of the producer span
    const posting = spans.find((s) => service(s) === 'settlement' && s.kind === 'CONSUMER' && /payment\.succeeded/.test(s.name));
    const webhookConsumer = spans.find((s) => service(s) === 'gateway' && s.kind === 'CONSUMER' && /payment\.succeeded/.test(s.name));
    expect(posting?.parentId).toBe(produced!.id);
    expect(webhookConsumer?.parentId).toBe(produced!.id);
    // the ledger's writes are inside the posting span's subtree
    expect(
      spans.some((s) => service(s) === 'settlement' && s.kind !== 'CONSUMER' && /insert|ledger/i.test(`${s.name} ${s.tags?.['db.query.text'] ?? ''}`)),
    ).toBe(true);
    // webhook delivery: the dispatcher's span and the POST to the partner beneath it
    const deliver = spans.find((s) => service(s) === 'gateway' && s.name === 'webhook deliver');
    expect(deliver).toBeDefined();
    expect(spans.some((s) => s.parentId === deliver!.id && s.kind === 'CLIENT')).toBe(true);
    expect(hook.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));

    // a transaction's BEGIN/START/COMMIT are not recorded (ADR 0022, amended), nor Express's handler layers
    expect(named.filter((n) => /pg\.query:(begin|start|commit)\b/i.test(n))).toEqual([]);
    expect(spans.filter((s) => s.tags?.['express.type'] !== undefined).map(describe_)).toEqual([]);

    // every span's parent is in the trace, except the roots the partner's calls made (their parent is the partner's span)
    const ids = new Set(spans.map((s) => s.id));
    const orphans = spans.filter((s) => s.parentId && !ids.has(s.parentId));
    for (const o of orphans) expect(`${describe_(o)} ${o.kind}`).toMatch(/^gateway SERVER/);
    expect(orphans.length).toBe(gatewayServer.filter((s) => s.parentId && !ids.has(s.parentId)).length);
    // each hop is a descendant of a partner call: walk up from the ledger posting to a gateway root
    const byId = new Map(spans.map((s) => [s.id, s]));
    let cursor: ZipkinSpan | undefined = posting;
    const path: string[] = [];
    while (cursor) {
      path.push(describe_(cursor));
      cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined;
    }
    expect(path.join(' <- ')).toMatch(/settlement CONSUMER.*qr-payment PRODUCER.*(qr-payment SERVER|channel-sandbox CLIENT).*gateway SERVER/);

    // ids as attributes
    expect(spans.some((s) => s.tags?.['payment.id'] === order.id && s.tags?.['merchant.id'] === merchant.merchantId)).toBe(true);
    expect(spans.some((s) => s.tags?.['tenant.id'] === TENANT)).toBe(true);
    // no personal data: the KYC fields of the merchant onboarding never reach the payment's trace
    const text = JSON.stringify(spans);
    for (const secret of ['11010519491231002X', '13800138000', '张三', app.appSecret, app.webhookSecret]) expect(text).not.toContain(secret);
    expect(named.length).toBeGreaterThan(10);
  });
});
