// `npm run demo -- credit`: credit payment instead (tools/demo-credit.ts).
// `npm run demo -- acquiring`: online acquiring instead — order, cashier, card quick pay with SMS codes (tools/demo-acquiring.ts).
// `npm run demo`: one QR payment from a partner's point of view, against a RUNNING platform
// (`npm start`). Onboards (or reuses, see .local/demo.json) a demo partner, app, county operator
// and merchant; starts a webhook receiver on 127.0.0.1; creates a dynamic QR order, lets the
// payer's wallet pay it, and prints the order, its ledger postings, the webhook received and the
// trace id the request was sent under.
//
//   COUNTYPAY_URL               the gateway (default http://127.0.0.1:4000)
//   COUNTYPAY_OPERATOR_TOKEN    a province operator token (default: .local/secrets.json)
//   COUNTYPAY_DEMO_WEBHOOK_PORT the webhook receiver's port (default 4090)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountypayApiError, CountypayClient, type CreatedQrOrder, type FetchLike, type QrOrder } from '@countypay/sdk';
import {
  type Onboarded,
  type OnboardedApp,
  type OnboardedMerchant,
  WebhookReceiver,
  onboardMerchant,
  onboardPartner,
  uniq,
  until,
  waitForLedger,
  waitUntilPayable,
  yuan,
} from '../test/load/platform-setup';
import { acquiringDemo } from './demo-acquiring';
import { creditDemo } from './demo-credit';

const ROOT = join(__dirname, '..', '..');
const STATE_FILE = join(ROOT, '.local', 'demo.json');
const TENANT = process.env.COUNTYPAY_DEMO_TENANT ?? 't510121';

interface Secrets {
  provinceOperatorToken?: string;
  platformSm2?: { publicKey?: string };
}

interface DemoState {
  baseUrl: string;
  tenantId: string;
  partnerId: string;
  appId: string;
  appSecret: string;
  webhookSecret: string;
  callbackUrl: string;
  countyToken: string;
  merchant: OnboardedMerchant;
}

function secrets(): Secrets {
  try {
    return JSON.parse(readFileSync(join(ROOT, '.local', 'secrets.json'), 'utf8')) as Secrets;
  } catch {
    return {};
  }
}

/** What the last response said about itself (the SDK returns bodies; a fetch wrapper keeps the headers). */
const lastResponse: { requestId?: string; traceparent?: string } = {};
const recordingFetch: FetchLike = async (input, init) => {
  const res = await fetch(input, init);
  lastResponse.requestId = res.headers.get('x-cp-request-id') ?? res.headers.get('x-request-id') ?? undefined;
  lastResponse.traceparent = res.headers.get('traceparent') ?? res.headers.get('traceresponse') ?? undefined;
  return res;
};

function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

const line = (label: string, value: unknown): void => console.log(`  ${label.padEnd(16)} ${String(value)}`);
const heading = (title: string): void => console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

async function stillUsable(state: DemoState, baseUrl: string): Promise<boolean> {
  if (state.baseUrl !== baseUrl || state.tenantId !== TENANT) return false;
  try {
    const client = new CountypayClient({ baseUrl, appId: state.appId, alg: 'HMAC-SHA256', secret: state.appSecret, fetch: recordingFetch });
    const m = await client.merchants.get(state.merchant.merchantId);
    return m.status === 'active';
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const baseUrl = (process.env.COUNTYPAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const operatorToken = process.env.COUNTYPAY_OPERATOR_TOKEN ?? secrets().provinceOperatorToken;
  if (!operatorToken) throw new Error('no operator token: set COUNTYPAY_OPERATOR_TOKEN or run `npm start` (it writes .local/secrets.json)');
  const port = Number(process.env.COUNTYPAY_DEMO_WEBHOOK_PORT ?? 4090);

  const health = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
  if (!health || health.status !== 200) throw new Error(`the gateway at ${baseUrl} is not ready: start the platform with \`npm start\``);
  if (process.argv[2] === 'credit') return creditDemo({ baseUrl, operatorToken, tenantId: TENANT, webhookPort: port });
  if (process.argv[2] === 'acquiring') return acquiringDemo({ baseUrl, operatorToken, tenantId: TENANT, webhookPort: port });

  const hooks = new WebhookReceiver();
  await hooks.start(port);

  console.log(`countypay demo: one QR payment through ${baseUrl} (tenant ${TENANT})`);
  heading('1. onboarding (province operator → partner + app; app → merchant; county operator approves)');
  let state: DemoState | undefined = existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState) : undefined;
  if (state && state.callbackUrl === hooks.url && (await stillUsable(state, baseUrl))) {
    console.log(`  reusing the demo partner from ${STATE_FILE}`);
  } else {
    const on: Onboarded = await onboardPartner(
      { baseUrl, operatorToken },
      { tenantId: TENANT, name: `Demo partner ${uniq()}`, appCount: 1, callbackUrl: hooks.url },
    );
    const app = on.apps[0]!;
    const merchant = await onboardMerchant(on, app, `金堂县演示便利店${uniq().slice(-4)}`);
    state = {
      baseUrl,
      tenantId: TENANT,
      partnerId: on.partnerId,
      appId: app.appId,
      appSecret: app.appSecret,
      webhookSecret: app.webhookSecret,
      callbackUrl: hooks.url,
      countyToken: on.countyToken,
      merchant,
    };
    mkdirSync(join(ROOT, '.local'), { recursive: true });
    writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
    console.log(`  onboarded a new demo partner (saved to ${STATE_FILE})`);
  }
  line('partner', state.partnerId);
  line('app', `${state.appId} (HMAC-SHA256; scopes qr:pay, merchants:read/write, refunds:write)`);
  line('merchant', `${state.merchant.merchantId} ${state.merchant.legalName} (active)`);
  line('store/terminal', `${state.merchant.storeId} / ${state.merchant.terminalId}`);
  line('webhooks to', hooks.url);

  const client = new CountypayClient({ baseUrl, appId: state.appId, alg: 'HMAC-SHA256', secret: state.appSecret, fetch: recordingFetch });
  const app: OnboardedApp = { appId: state.appId, appSecret: state.appSecret, webhookSecret: state.webhookSecret, client };
  hooks.secrets.set(state.appId, state.webhookSecret);

  heading('2. the partner creates a dynamic QR order (the customer scans it)');
  const amountFen = 12_345;
  const { traceparent, traceId } = newTraceparent();
  const merchantId = state.merchant.merchantId;
  const created = await waitUntilPayable(app, merchantId, () =>
    client.request<CreatedQrOrder>('POST', '/v1/qr/orders', {
      body: { merchantId, storeId: state!.merchant.storeId, outTradeNo: `demo-${uniq()}`, amountFen, description: 'countypay demo', expiresInSeconds: 300 },
      headers: { traceparent },
    }),
  );
  line('order', created.id);
  line('outTradeNo', created.outTradeNo);
  line('amount', `${created.amountFen} fen (${yuan(created.amountFen)})`);
  line('EMVCo payload', created.qr.payload);
  line('QR image', `${baseUrl}/v1${created.qr.pngPath.replace(/^\/v1/, '')} (signed GET)`);
  const createRequestId = lastResponse.requestId;

  heading("3. the payer's wallet (WeChat) pays it");
  await client.request<QrOrder>('POST', `/v1/qr/orders/${created.id}/pay`, {
    body: { channel: 'wechat', payerId: `demo_openid_${uniq()}` },
    headers: { traceparent },
  });
  const payRequestId = lastResponse.requestId;
  const order = await until('the order to be final', async () => {
    const o = await client.qrOrders.get(created.id);
    return o.status === 'created' || o.status === 'paying' ? undefined : o;
  });
  line('status', order.status);
  line('channel', order.channel);
  line('channelTradeNo', order.channelTradeNo);
  line('paidAt', order.paidAt);
  if (order.status !== 'succeeded') throw new Error(`the payment did not succeed: ${order.status} ${order.failureReason ?? ''}`);

  heading('4. the webhook the partner received');
  const hook = await hooks.waitFor('payment.succeeded', order.id);
  line('event', `${hook.event.type} ${hook.event.id}`);
  line('signature', hook.verified ? 'valid (Standard Webhooks, the app webhook secret)' : 'INVALID');
  line('webhook-id', hook.webhookId);
  line('webhook-ts', hook.headers['webhook-timestamp']);
  if (hook.headers.traceparent) line('traceparent', hook.headers.traceparent);
  console.log(`  body             ${hook.raw}`);

  heading('5. the ledger (GET /v1/ledger/entries?orderId=)');
  const [entry] = await waitForLedger(client, order.id, 1);
  line('entry', `${entry!.id} (${entry!.sourceType}, posted ${entry!.postedAt})`);
  line('fee', `${entry!.feeFen} fen at ${entry!.feeRateBp ?? '-'} bp`);
  for (const p of entry!.postings) {
    const dr = p.direction === 'debit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    const cr = p.direction === 'credit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    console.log(`    ${p.direction === 'debit' ? 'Dr' : 'Cr'} ${p.account.padEnd(56)} ${dr} ${cr}`);
  }
  const balance = await client.request<{ payableFen: number; asOf: string }>('GET', `/v1/ledger/merchants/${merchantId}/balance`);
  line('merchant payable', `${balance.payableFen} fen (${yuan(balance.payableFen)}) as of ${balance.asOf}`);

  heading('6. tracing');
  line('trace id', traceId);
  line('traceparent', `${traceparent} (sent by this demo on the create and pay requests)`);
  if (lastResponse.traceparent) line('answer trace', lastResponse.traceparent);
  line('request ids', `create ${createRequestId ?? '?'}, pay ${payRequestId ?? '?'} (X-CP-Request-Id)`);
  const zipkin = process.env.COUNTYPAY_ZIPKIN_URL ?? `http://127.0.0.1:${process.env.COUNTYPAY_ZIPKIN_PORT ?? 9411}`;
  console.log(
    `  open it: ${zipkin}/zipkin/traces/${traceId}   (the local Zipkin \`npm start\` runs; a few seconds after the payment)\n` +
      `  or in the ops console: Transactions → ${created.outTradeNo} → 链路追踪 / Trace\n` +
      `  logs: grep -l ${traceId} .local/logs/*.log        (or the request: grep -h ${payRequestId ?? '<request id>'} .local/logs/*.log)`,
  );
  await hooks.stop();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof CountypayApiError) console.error(`demo failed: ${err.status} ${err.code}: ${err.message} (request ${err.requestId ?? '?'})`);
    else console.error('demo failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
