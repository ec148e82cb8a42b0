// Helpers of the gateway e2e suite (issue 3): a partner's view of the platform, through the
// public gateway only, with the SDK. Every test makes its own partners, apps and merchants.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { CountypayClient, CountypayOperatorClient, type CreateMerchantRequest, type FetchLike, type Merchant } from '@countypay/sdk';
import {
  generateSm2KeyPair,
  luhnCheckDigit,
  residentIdCheckCharacter,
  signedRequestHeaders,
  usccCheckCharacter,
  USCC_CHARSET,
  type SignatureAlgorithm,
} from '@countypay/security';
import { gatewayUrl, platformPublicKey, provinceToken } from '../support/platform';
import { contractChecked } from '../support/contract';
import { until } from '../../load/platform-setup';

/** County A, county B (cross-tenant), and a county only the tenant-suspension test touches. */
export const COUNTY_A = 't510121';
export const COUNTY_B = 't511381';
export const COUNTY_SUSPENDED = 't510182';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Polls `check` (bounded) until it returns something other than undefined (the load tools' poller). */
export const eventually = until;

/**
 * The global fetch, sent once more when a pooled keep-alive connection turns out to have been
 * closed by the server just before the request went out (undici: "other side closed" /
 * ECONNRESET, no answer at all). The request is re-sent unchanged (same Idempotency-Key and, for
 * signed requests, the same signature: the server never read the first one).
 */
const retryingFetch: FetchLike = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const stale = cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET' || /other side closed/.test(cause?.message ?? '');
    if (!stale) throw err;
    return fetch(input, init);
  }
};

/** The fetch every e2e client uses: re-sent once on a stale socket, every answer checked against the OpenAPI document. */
export const resilientFetch: FetchLike = contractChecked(retryingFetch as never) as FetchLike;

export function province(fetchImpl: FetchLike = resilientFetch): CountypayOperatorClient {
  return new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: provinceToken(), fetch: fetchImpl });
}

// ---- valid (and invalid) KYC data --------------------------------------------------------------

const digits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join('');

/** A USCC with a correct GB 32100 check character, registered in the tenant's county. */
export function validUscc(tenantId: string): string {
  const body = Array.from({ length: 9 }, () => USCC_CHARSET.charAt(randomInt(USCC_CHARSET.length))).join('');
  const first17 = `91${tenantId.slice(1)}${body}`;
  return first17 + usccCheckCharacter(first17);
}

export function validResidentId(tenantId: string): string {
  const first17 = `${tenantId.slice(1)}19850315${digits(3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

export function validBankAccount(): string {
  const payload = `622202${digits(12)}`;
  return payload + luhnCheckDigit(payload);
}

/** The same code with another (so wrong) check character. */
export function withWrongCheckCharacter(code: string, alphabet: string): string {
  const last = code.charAt(code.length - 1);
  const other = alphabet.split('').find((c) => c !== last) as string;
  return code.slice(0, -1) + other;
}

export function merchantInput(tenantId: string, overrides: Partial<CreateMerchantRequest> = {}): CreateMerchantRequest {
  return {
    legalName: `金堂县${unique('超市')}有限公司`,
    uscc: validUscc(tenantId),
    legalRepName: '欧阳明华',
    legalRepIdNumber: validResidentId(tenantId),
    phone: `1380013${digits(4)}`,
    mcc: '5411',
    address: '城关镇1号',
    city: '成都',
    settlementAccount: { accountType: 'debit_card', accountNo: validBankAccount(), accountName: '金堂县某某超市有限公司', bankName: '金堂农商银行' },
    ...overrides,
  };
}

// ---- partners and apps -------------------------------------------------------------------------

export interface TestApp {
  appId: string;
  partnerId: string;
  tenantId: string;
  alg: SignatureAlgorithm;
  /** HMAC: the app secret; SM2: the private key */
  signingKey: string;
  webhookSecret: string;
  scopes: string[];
  client: CountypayClient;
  /** a client whose fetch records every answer (status, headers, raw body) */
  recorded: { client: CountypayClient; log: RecordedResponse[] };
}

interface CreatedAppBody {
  appId: string;
  partnerId: string;
  tenantId: string;
  appSecret?: string;
  webhookSecret: string;
  scopes: string[];
}

export const ALL_SCOPES = ['qr:pay', 'merchants:read', 'merchants:write', 'refunds:write'];

export async function createPartner(kind = 'county_market'): Promise<string> {
  const p = await province().request<{ partnerId: string }>('POST', '/v1/admin/partners', { body: { name: unique('Partner'), kind } });
  return p.partnerId;
}

export interface AppOptions {
  tenantId?: string;
  partnerId?: string;
  scopes?: string[];
  callbackUrls?: string[];
  alg?: 'HMAC-SHA256' | 'SM2-SM3';
  /** wait until the gateway knows the app (default true) */
  wait?: boolean;
}

export function clientFor(app: Pick<TestApp, 'appId' | 'alg' | 'signingKey'>, fetchImpl: FetchLike = resilientFetch): CountypayClient {
  return new CountypayClient({
    baseUrl: gatewayUrl(),
    appId: app.appId,
    alg: app.alg,
    ...(app.alg === 'HMAC-SHA256' ? { secret: app.signingKey } : { privateKey: app.signingKey, platformPublicKey: platformPublicKey() }),
    fetch: fetchImpl,
  });
}

/** Province onboards a partner (unless given) and an app; waits until the gateway knows the app. */
export async function onboardApp(opts: AppOptions = {}): Promise<TestApp> {
  const tenantId = opts.tenantId ?? COUNTY_A;
  const partnerId = opts.partnerId ?? (await createPartner());
  const alg = opts.alg ?? 'HMAC-SHA256';
  const sm2 = alg === 'SM2-SM3' ? generateSm2KeyPair() : undefined;
  const scopes = opts.scopes ?? ALL_SCOPES;
  const created = await province().request<CreatedAppBody>('POST', `/v1/admin/partners/${partnerId}/apps`, {
    body: {
      tenantId,
      name: unique('App'),
      scopes,
      callbackUrls: opts.callbackUrls ?? [],
      credential: sm2 ? { alg, publicKey: sm2.publicKey } : { alg },
    },
  });
  const signingKey = sm2 ? sm2.privateKey : (created.appSecret as string);
  const base = { appId: created.appId, alg, signingKey };
  const recorder = recordingFetch();
  const app: TestApp = {
    ...base,
    partnerId: created.partnerId,
    tenantId: created.tenantId,
    webhookSecret: created.webhookSecret,
    scopes,
    client: clientFor(base),
    recorded: { client: clientFor(base, recorder.fetch), log: recorder.log },
  };
  if (opts.wait !== false) await waitUntilKnown(app);
  return app;
}

/**
 * Onboarding → Kafka → the gateway's read model: poll until a signed call stops answering
 * unknown_app. Usually well under a second; the bound is generous because right after boot the
 * gateway's consumer may first work through a backlog (the Kafka topics are shared with every
 * other platform on this machine, see webhooks.e2e-spec.ts), and the gateway has no fallback
 * lookup of an app it has not heard of yet.
 */
export async function waitUntilKnown(app: TestApp, timeoutMs = 120_000): Promise<void> {
  await eventually(
    `the gateway to know ${app.appId}`,
    async () => {
      const r = await signedFetch(app, 'GET', '/v1/webhooks/deliveries');
      return r.status === 401 && r.json<ApiErrorBody>().error.code === 'unknown_app' ? undefined : true;
    },
    timeoutMs,
  );
}

// ---- raw signed requests ------------------------------------------------------------------------

export interface RawResult {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
  /** the nonce the request was signed with */
  nonce: string;
  json<T = unknown>(): T;
}

export interface ApiErrorBody {
  error: { type: string; code: string; message: string; param?: string; requestId: string };
}

export interface SignedFetchOptions {
  /** a JSON value (serialised) or the exact raw body */
  body?: unknown;
  rawBody?: string | Buffer;
  query?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  /** sign with this key instead (forgery) */
  key?: string;
  timestamp?: number;
  nonce?: string;
  /** the X-CP-Signature-Alg header sent (the signature itself is made with the app's algorithm) */
  algHeader?: string;
  /** send exactly these headers (a replay) */
  replayHeaders?: Record<string, string>;
}

function toResult(status: number, headers: Headers, body: Buffer, nonce: string): RawResult {
  const text = body.toString('utf8');
  return { status, headers, body, text, nonce, json: <T>() => JSON.parse(text) as T };
}

/** A signed request built by hand (docs/signing.md), for what the SDK would never send. */
export async function signedFetch(
  app: Pick<TestApp, 'appId' | 'alg' | 'signingKey'>,
  method: string,
  path: string,
  o: SignedFetchOptions = {},
): Promise<RawResult & { sentHeaders: Record<string, string> }> {
  const raw = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const body = raw === undefined ? undefined : Buffer.from(raw);
  const sig =
    o.replayHeaders ??
    signedRequestHeaders({
      alg: app.alg,
      appId: app.appId,
      key: o.key ?? app.signingKey,
      method,
      path,
      query: o.query ?? '',
      body,
      ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
      ...(o.nonce !== undefined ? { nonce: o.nonce } : {}),
    });
  const sentHeaders: Record<string, string> = { ...sig, ...(o.algHeader ? { 'X-CP-Signature-Alg': o.algHeader } : {}) };
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(method === 'POST' ? { 'idempotency-key': o.idempotencyKey ?? randomUUID() } : {}),
    ...(o.headers ?? {}),
    ...sentHeaders,
  };
  const url = `${gatewayUrl()}${path}${o.query ? `?${o.query}` : ''}`;
  const res = await resilientFetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const nonce = Object.entries(sentHeaders).find(([k]) => k.toLowerCase() === 'x-cp-nonce')?.[1] ?? '';
  return { ...toResult(res.status, res.headers, Buffer.from(await res.arrayBuffer()), nonce), sentHeaders };
}

// ---- recording the SDK's answers ------------------------------------------------------------------

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

/** A fetch for the SDK that keeps every answer (status, headers, raw body). */
export function recordingFetch(): { fetch: FetchLike; log: RecordedResponse[] } {
  const log: RecordedResponse[] = [];
  const f: FetchLike = async (input, init) => {
    const res = await resilientFetch(input, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    log.push({ method: init.method ?? 'GET', url: input, status: res.status, headers: res.headers, body: bytes.toString('utf8') });
    const nullBody = res.status === 204 || res.status === 304;
    return new Response(nullBody ? null : bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch: f, log };
}

/** The error the SDK threw (it must throw one). */
export async function apiError(p: Promise<unknown>): Promise<{ status: number; code: string; param?: string; type: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name?: string; status?: number; code?: string; param?: string; type?: string };
    if (e.name === 'CountypayApiError')
      return { status: e.status as number, code: e.code as string, type: e.type as string, ...(e.param !== undefined ? { param: e.param } : {}) };
    throw err;
  }
  throw new Error('expected the call to fail with an API error');
}

/** The error shape every error answer has, and its request id in the headers. */
export function expectErrorShape(r: { status: number; headers: Headers; text: string }, status: number, code: string, param?: string): ApiErrorBody['error'] {
  const body = JSON.parse(r.text) as ApiErrorBody;
  expect({ status: r.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.error).toEqual({
    type: expect.any(String),
    code,
    message: expect.any(String),
    requestId: expect.any(String),
    ...(param !== undefined ? { param } : body.error.param !== undefined ? { param: body.error.param } : {}),
  });
  expect(body.error.requestId.length).toBeGreaterThan(0);
  expect(r.headers.get('x-request-id')).toBe(body.error.requestId);
  return body.error;
}

// ---- merchants that can take payments -------------------------------------------------------------

export interface ActiveMerchant {
  merchant: Merchant;
  storeId: string;
  terminalId: string;
}

/** The app registers a merchant with a store and a terminal; the province approves it. */
export async function activeMerchant(app: TestApp): Promise<ActiveMerchant> {
  const m = await app.client.merchants.create(merchantInput(app.tenantId));
  const store = await app.client.stores.create(m.merchantId, { name: unique('Store') });
  const terminal = await app.client.terminals.create(store.storeId, { serialNo: unique('SN') });
  await province().merchants.approve(m.merchantId, 'e2e');
  const merchant = await app.client.merchants.get(m.merchantId);
  return { merchant, storeId: store.storeId, terminalId: terminal.terminalId };
}

/**
 * Waits until qr-payment's read model has the merchant active (onboarding → Kafka →
 * qr-payment) by creating a dynamic order for it; returns that order's id.
 */
export async function firstPayableOrder(app: TestApp, m: ActiveMerchant, amountFen = 100): Promise<{ id: string; outTradeNo: string }> {
  return eventually(
    `merchant ${m.merchant.merchantId} payable in qr-payment`,
    async () => {
      const outTradeNo = unique('probe');
      try {
        const o = await app.client.qrOrders.create({ merchantId: m.merchant.merchantId, storeId: m.storeId, outTradeNo, amountFen });
        return { id: o.id, outTradeNo };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'not_found' || code === 'merchant_not_active') return undefined;
        throw err;
      }
    },
    90_000,
  );
}

/** A WeChat Pay payer code (18 digits, prefix 13) of a fresh payer. */
export function wechatPayerCode(): string {
  return `13${digits(16)}`;
}
