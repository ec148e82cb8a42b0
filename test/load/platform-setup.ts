// Shared by the QR e2e suite (test/e2e/qr), `npm run demo` (tools/demo.ts) and `npm run bench`
// (test/load/payer-code.bench.ts): onboarding a partner, its apps, a county operator and an
// approved merchant through the gateway, exactly as a partner and the operators would, and a
// local webhook receiver that verifies every delivery.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CountypayApiError,
  CountypayClient,
  CountypayOperatorClient,
  type Merchant,
  type Store,
  type Terminal,
  type WebhookEvent,
  verifyWebhook,
} from '@countypay/sdk';
import { usccCheckCharacter } from '@countypay/security';

export interface PlatformTarget {
  /** the gateway */
  baseUrl: string;
  /** a province operator's token */
  operatorToken: string;
}

export interface OnboardedApp {
  appId: string;
  appSecret: string;
  webhookSecret: string;
  client: CountypayClient;
}

export interface OnboardedMerchant {
  merchantId: string;
  storeId: string;
  terminalId: string;
  legalName: string;
}

export interface Onboarded {
  tenantId: string;
  partnerId: string;
  apps: OnboardedApp[];
  county: CountypayOperatorClient;
  /** the county operator's token (shown once at creation) */
  countyToken: string;
  province: CountypayOperatorClient;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes (then throws, naming `what`). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${describe(last)}` : ''}`);
    await sleep(everyMs);
  }
}

function describe(err: unknown): string {
  const unverified = (err as { unverified?: CountypayApiError }).unverified;
  const e = unverified ?? err;
  return e instanceof CountypayApiError ? `${String(err)} (${e.status} ${e.code}: ${e.message})` : String(err);
}

/** A valid, random unified social credit code (GB 32100 check character) in the county's area. */
export function randomUscc(area = '510121'): string {
  let org = '';
  for (let i = 0; i < 9; i++) org += String(randomInt(10));
  const first17 = `91${area}${org}`;
  return first17 + usccCheckCharacter(first17);
}

export function randomDigits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** A unique enough suffix for outTradeNo / names. */
export function uniq(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A partner, `appCount` apps (HMAC) with the given callback URL, and a county operator of the tenant. */
export async function onboardPartner(
  target: PlatformTarget,
  opts: {
    tenantId: string;
    name: string;
    appCount: number;
    callbackUrl: string;
    platformPublicKey?: string;
    traceHeaders?: () => Record<string, string>;
    /** the apps' scopes (default: QR payments, merchants, refunds) */
    scopes?: string[];
  },
): Promise<Onboarded> {
  const province = new CountypayOperatorClient({ baseUrl: target.baseUrl, token: target.operatorToken });
  const partner = await province.request<{ partnerId: string }>('POST', '/v1/admin/partners', { body: { name: opts.name, kind: 'ecommerce_platform' } });
  const apps: OnboardedApp[] = [];
  for (let i = 0; i < opts.appCount; i++) {
    const app = await province.request<{ appId: string; appSecret: string; webhookSecret: string }>('POST', `/v1/admin/partners/${partner.partnerId}/apps`, {
      body: {
        tenantId: opts.tenantId,
        name: `${opts.name} app ${i + 1}`,
        scopes: opts.scopes ?? ['qr:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
        callbackUrls: [opts.callbackUrl],
        credential: { alg: 'HMAC-SHA256' },
      },
    });
    apps.push({ ...app, client: new CountypayClient({ baseUrl: target.baseUrl, appId: app.appId, alg: 'HMAC-SHA256', secret: app.appSecret }) });
  }
  const op = await province.request<{ token: string }>('POST', '/v1/admin/operators', {
    body: { role: 'county', tenantId: opts.tenantId, name: `${opts.name} county desk` },
  });
  const county = new CountypayOperatorClient({ baseUrl: target.baseUrl, token: op.token });
  return { tenantId: opts.tenantId, partnerId: partner.partnerId, apps, county, countyToken: op.token, province };
}

/** A merchant registered by the partner's app (store + terminal), approved by the county operator. */
export async function onboardMerchant(on: Onboarded, app: OnboardedApp, legalName: string): Promise<OnboardedMerchant> {
  const area = on.tenantId.slice(1);
  // the gateway may not have the new app yet (it asks onboarding on a miss): retry briefly
  const merchant = await until<Merchant>(
    'the gateway to know the new app',
    async () =>
      app.client.merchants.create({
        legalName,
        uscc: randomUscc(area),
        legalRepName: '张三',
        legalRepIdNumber: '11010519491231002X',
        phone: '13800138000',
        mcc: '5411',
        address: '城关镇1号',
        city: '成都',
        settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000123', accountName: legalName, bankName: '农商银行' },
      }),
    60_000,
    500,
  );
  const store: Store = await app.client.stores.create(merchant.merchantId, { name: `${legalName} 门店` });
  const terminal: Terminal = await app.client.terminals.create(store.storeId, { serialNo: `POS-${uniq()}` });
  await on.county.merchants.approve(merchant.merchantId, 'KYC checked');
  return { merchantId: merchant.merchantId, storeId: store.storeId, terminalId: terminal.terminalId, legalName };
}

/**
 * Waits until qr-payment's read model has the merchant active (with its store and terminal): a
 * harmless signed read of the merchant's static code answers 200 once the merchant is known;
 * `probe` (optional) is then retried while it fails with `merchant_not_active` / `not_found`.
 */
export async function waitUntilPayable<T>(app: OnboardedApp, merchantId: string, probe: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await until('qr-payment to know the merchant', async () => (await app.client.request('GET', `/v1/qr/codes/${merchantId}`)) ?? undefined, timeoutMs, 500);
  return until(
    'the merchant to be active in qr-payment',
    async () => {
      try {
        return await probe();
      } catch (err) {
        if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found')) return undefined;
        throw err;
      }
    },
    timeoutMs,
    500,
  );
}

// ---- webhooks ----------------------------------------------------------------------------------

export interface ReceivedWebhook {
  /** the `webhook-id` header */
  webhookId: string;
  headers: IncomingHttpHeaders;
  raw: string;
  event: WebhookEvent;
  /** verified with the secret of the app named in the event (`data.partnerAppId`) */
  verified: boolean;
  receivedAt: number;
}

/** A partner's webhook endpoint on 127.0.0.1: verifies each delivery (Standard Webhooks), answers 204. */
export class WebhookReceiver {
  private server?: Server;
  url = '';
  readonly received: ReceivedWebhook[] = [];
  /** app id → webhook secret */
  readonly secrets = new Map<string, string>();
  private listeners: Array<() => void> = [];

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let event: WebhookEvent;
        try {
          event = JSON.parse(raw) as WebhookEvent;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const appId = (event.data as { partnerAppId?: string }).partnerAppId ?? '';
        const secret = this.secrets.get(appId);
        const verified = secret !== undefined && verifyWebhook(req.headers, raw, secret);
        this.received.push({ webhookId: String(req.headers['webhook-id'] ?? ''), headers: req.headers, raw, event, verified, receivedAt: Date.now() });
        res.writeHead(verified ? 204 : 401).end();
        for (const l of this.listeners) l();
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/countypay/webhooks`;
  }

  /** Deliveries of one event type about one order (payment) or refund. */
  about(type: WebhookEvent['type'], id: string): ReceivedWebhook[] {
    return this.received.filter(
      (w) => w.event.type === type && ((w.event.data as { orderId?: string }).orderId === id || (w.event.data as { refundId?: string }).refundId === id),
    );
  }

  /** Waits (bounded) until a delivery of `type` about `id` arrived. */
  async waitFor(type: WebhookEvent['type'], id: string, timeoutMs = 30_000): Promise<ReceivedWebhook> {
    return until(`webhook ${type} for ${id}`, async () => this.about(type, id)[0], timeoutMs, 100);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }
}

// ---- the ledger --------------------------------------------------------------------------------

export interface LedgerEntry {
  id: string;
  sourceEventId: string;
  sourceType: string;
  orderId: string;
  refundId: string | null;
  merchantId: string;
  channel: string;
  amountFen: number;
  feeFen: number;
  feeRateBp: number | null;
  occurredAt: string;
  postedAt: string;
  postings: Array<{ line: number; account: string; direction: 'debit' | 'credit'; amountFen: number }>;
}

export async function ledgerEntries(client: CountypayClient, orderId: string): Promise<LedgerEntry[]> {
  const page = await client.request<{ data: LedgerEntry[] }>('GET', '/v1/ledger/entries', { query: { orderId, limit: 100 } });
  return page.data;
}

/** Waits until the ledger shows at least `count` entries for the order. */
export function waitForLedger(client: CountypayClient, orderId: string, count = 1, timeoutMs = 30_000): Promise<LedgerEntry[]> {
  return until(
    `${count} ledger entr(y/ies) for order ${orderId}`,
    async () => {
      const entries = await ledgerEntries(client, orderId);
      return entries.length >= count ? entries : undefined;
    },
    timeoutMs,
    250,
  );
}

/**
 * The fee of the default fee plan, computed here independently with integer math: `rateBp`
 * basis points of `amountFen`, rounded half up to the fen, at least `minFeeFen`, at most the amount.
 */
export function expectedFeeFen(amountFen: bigint, rateBp: bigint, minFeeFen: bigint): bigint {
  const scaled = amountFen * rateBp; // fen × 1/10000
  let fee = scaled / 10_000n;
  if ((scaled % 10_000n) * 2n >= 10_000n) fee += 1n;
  if (fee < minFeeFen) fee = minFeeFen;
  return fee > amountFen ? amountFen : fee;
}

// ---- payer codes -------------------------------------------------------------------------------

/** A WeChat payer code: 10–15 + 16 digits. The first 12 identify the payer (the sandbox's rule), the last 6 are one-time. */
export function wechatCode(payer = randomDigits(10), prefix = '13'): string {
  return `${prefix}${payer.padStart(10, '0').slice(-10)}${randomDigits(6)}`;
}
export function alipayCode(): string {
  return `28${randomDigits(16)}`;
}
export function unionpayCode(): string {
  return `62${randomDigits(17)}`;
}
/** A county bank payer code: `88` + 4 digits + the 12-digit deposit account it debits. */
export function countyBankCode(accountNo: string): string {
  return `88${randomDigits(4)}${accountNo}`;
}

/** Opens a deposit account in the sandbox's county core banking (what the payer's county bank app pays from). */
export async function openCountyAccount(sandboxUrl: string, tenantId: string, balanceFen: number): Promise<string> {
  const accountNo = `6${randomDigits(11)}`;
  const res = await fetch(`${sandboxUrl}/core/${tenantId}/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountNo, holderName: '李四', balanceFen }),
  });
  if (res.status !== 201) throw new Error(`opening a sandbox account failed: ${res.status} ${await res.text()}`);
  return accountNo;
}

/** The 6-digit code of the newest credit SMS the sandbox sent to `mobile` in `tenantId` (waits for it). */
export async function creditSmsCode(sandboxUrl: string, tenantId: string, mobile: string, what = 'the consent SMS'): Promise<string> {
  return until(
    what,
    async () => {
      const r = (await (await fetch(`${sandboxUrl}/credit-sms/${tenantId}/messages?mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
      return /(\d{6})/.exec(r.data[0]?.text ?? '')?.[1];
    },
    10_000,
    200,
  );
}

/**
 * A county credit line for a new customer: the partner's app applies, the customer consents with the SMS code the
 * sandbox sent to their mobile, the county approves. Returns the line and what the caller may check further.
 */
export async function openCreditLine(opts: {
  applicant: CountypayClient;
  county: CountypayOperatorClient;
  sandboxUrl: string;
  tenantId: string;
  productId: string;
  limitFen: number;
  repaymentAccountNo: string;
  region: string;
  mobile?: string;
  customerRef?: string;
  reason?: string;
}): Promise<{ lineId: string; applicationId: string; applicationState: string; approvedState: string; mobile: string }> {
  const mobile = opts.mobile ?? `139${randomDigits(8)}`;
  const application = await opts.applicant.request<{ id: string; state: string }>('POST', '/v1/credit/applications', {
    body: {
      customerRef: opts.customerRef ?? `c-${uniq()}`,
      customerName: '王二小',
      mobile,
      region: opts.region,
      productId: opts.productId,
      requestedLimitFen: opts.limitFen,
      repaymentAccountNo: opts.repaymentAccountNo,
    },
  });
  const smsCode = await creditSmsCode(opts.sandboxUrl, opts.tenantId, mobile);
  await opts.applicant.request('POST', `/v1/credit/applications/${application.id}/consent`, { body: { smsCode } });
  const approved = await opts.county.request<{ state: string; lineId: string }>('POST', `/v1/credit/applications/${application.id}/approve`, {
    body: { limitFen: opts.limitFen, expiresOn: '2029-12-31', reason: opts.reason ?? '授信通过' },
  });
  return { lineId: approved.lineId, applicationId: application.id, applicationState: application.state, approvedState: approved.state, mobile };
}

/** An amount in yuan for people (`¥123.45`), from integer fen (no floats). */
export function yuan(fen: number | bigint): string {
  const f = BigInt(fen);
  const sign = f < 0n ? '-' : '';
  const a = f < 0n ? -f : f;
  return `${sign}¥${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
