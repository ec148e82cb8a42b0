import type { KeyObject } from 'node:crypto';
import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  checkTimestamp,
  generateNonce,
  isSignatureAlgorithm,
  responseCanonical,
  signedRequestHeaders,
  verifyResponseSignature,
} from './signing';
import { CountypaySignatureError } from './errors';
import type { SignatureAlgorithm } from './signing';
import { type FetchLike, type Query, type RawResponse, type RequestOptions, apiErrorOf, buildQuery, newIdempotencyKey, parseBody, seg, send } from './http';
import type {
  AddSharingReceiverRequest,
  CreateSplitRequest,
  EscrowPosition,
  ListSharingReceiversQuery,
  SharingReceiver,
  Split,
  AcquiringOrder,
  AcquiringPayment,
  AcquiringRefund,
  BindCardRequest,
  CardAgreement,
  CardBinding,
  CreateAcquiringOrderRequest,
  CreateAcquiringRefundRequest,
  CreateMerchantRequest,
  CreateQrOrderRequest,
  CreateRefundRequest,
  CreateStoreRequest,
  CreateTerminalRequest,
  CreatedQrOrder,
  ListAcquiringOrdersQuery,
  SmsSent,
  ListMerchantsQuery,
  ListQrOrdersQuery,
  ListWebhookDeliveriesQuery,
  Merchant,
  Page,
  PayAcquiringOrderRequest,
  PlatformKey,
  PosPaymentRequest,
  QrOrder,
  Refund,
  Store,
  Terminal,
  UpdateMerchantRequest,
  WebhookDelivery,
} from './types';

export interface CountypayClientOptions {
  /** the gateway, e.g. `https://openapi.countypay.example` (a path prefix is kept and signed) */
  baseUrl: string;
  /** `app_…` */
  appId: string;
  /** the app's registered algorithm */
  alg: SignatureAlgorithm;
  /** HMAC-SHA256: the app secret exactly as issued */
  secret?: string;
  /** SM2-SM3: the private key (64 hex digits); RSA-SHA256: a PEM private key or KeyObject */
  privateKey?: string | KeyObject;
  /**
   * SM2-SM3 / RSA-SHA256 apps: the platform's public key (SM2 `04…` hex or PEM, from
   * `GET /v1/platform-key`) that signs responses. HMAC apps verify with their secret. Without a
   * key (non-HMAC apps only) responses are not verified.
   */
  platformPublicKey?: string | KeyObject;
  /** defaults to the global fetch */
  fetch?: FetchLike;
  /** accepted clock skew of response timestamps; 300 s by default */
  timestampToleranceSeconds?: number;
}

/** The query of list calls, with every value a query value. */
function q(query: object | undefined): Query | undefined {
  return query as Query | undefined;
}

/**
 * A partner's typed client of the countypay open API. Every request is signed
 * (docs/signing.md), every POST carries an Idempotency-Key (yours or a random UUID), every
 * response's signature is checked when a key is known (CountypaySignatureError otherwise), and
 * error answers throw CountypayApiError.
 */
export class CountypayClient {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly signingKey: string | KeyObject;
  private readonly responseKey: string | KeyObject | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly tolerance: number;

  constructor(private readonly opts: CountypayClientOptions) {
    if (!isSignatureAlgorithm(opts.alg)) throw new TypeError(`alg must be HMAC-SHA256, SM2-SM3 or RSA-SHA256`);
    if (!opts.appId) throw new TypeError('appId is required');
    this.base = new URL(opts.baseUrl);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') throw new TypeError('baseUrl must be http(s)');
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    if (opts.alg === 'HMAC-SHA256') {
      if (!opts.secret) throw new TypeError('HMAC-SHA256 needs the app secret');
      this.signingKey = opts.secret;
      this.responseKey = opts.secret;
    } else {
      if (!opts.privateKey) throw new TypeError(`${opts.alg} needs the private key`);
      this.signingKey = opts.privateKey;
      this.responseKey = opts.platformPublicKey;
    }
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.tolerance = opts.timestampToleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  }

  /**
   * Any route, signed. `path` is the public path (`/v1/…`) with ids already encoded (use the
   * typed methods where they exist). Returns the parsed JSON answer.
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const m = method.toUpperCase();
    if (!path.startsWith('/')) throw new TypeError('path must start with /');
    const fullPath = `${this.basePath}${path}`;
    const query = buildQuery(options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const idempotencyKey = m === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const nonce = generateNonce();
    const signature = signedRequestHeaders({ alg: this.opts.alg, appId: this.opts.appId, key: this.signingKey, method: m, path: fullPath, query, body, nonce });
    // the signature headers and the Idempotency-Key are the client's own
    const extra = Object.fromEntries(Object.entries(options.headers ?? {}).filter(([k]) => !/^(x-cp-|idempotency-key$|content-type$)/i.test(k)));
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      ...extra,
      ...signature,
    };
    const url = `${this.base.origin}${fullPath}${query ? `?${query}` : ''}`;
    const r = await send(this.fetchImpl, url, { method: m, headers, body, signal: options.signal }, idempotencyKey);
    const ok = r.status >= 200 && r.status < 300;
    try {
      this.verifyResponse(r, nonce);
    } catch (err) {
      if (err instanceof CountypaySignatureError && !ok) throw new CountypaySignatureError(err.message, err.status, err.requestId, apiErrorOf(r));
      throw err;
    }
    if (!ok) throw apiErrorOf(r);
    return parseBody<T>(r);
  }

  private verifyResponse(r: RawResponse, nonce: string): void {
    const key = this.responseKey;
    if (key === undefined) return;
    const requestId = r.headers.get('x-cp-request-id') ?? undefined;
    const fail = (why: string): never => {
      throw new CountypaySignatureError(`response signature check failed: ${why}`, r.status, requestId);
    };
    const alg = r.headers.get('x-cp-signature-alg');
    const signature = r.headers.get('x-cp-signature');
    const timestamp = r.headers.get('x-cp-timestamp');
    if (!requestId || !alg || !signature || !timestamp) return fail('the response is not signed');
    // an HMAC app's responses are HMAC-signed with its secret; the others' with the platform's key,
    // never HMAC (an HMAC "signed" with a public key proves nothing)
    const allowed = this.opts.alg === 'HMAC-SHA256' ? alg === 'HMAC-SHA256' : alg === 'SM2-SM3' || alg === 'RSA-SHA256';
    if (!allowed || !isSignatureAlgorithm(alg)) return fail(`unexpected algorithm ${alg}`);
    const window = checkTimestamp(timestamp, Math.floor(Date.now() / 1000), this.tolerance);
    if (window !== 'ok') return fail(`timestamp ${window}`);
    let canonical: string;
    try {
      canonical = responseCanonical({ alg, status: r.status, requestId, timestamp, requestNonce: nonce, body: r.body });
    } catch {
      return fail('malformed signature headers');
    }
    if (!verifyResponseSignature(alg, key, canonical, signature)) fail('the signature does not match');
  }

  /**
   * The public, unsigned routes (`/v1/platform-key`, `/v1/openapi.json`): no signature either
   * way. Trust the platform key only over HTTPS, or compare it with the developer portal's.
   */
  async publicGet<T = unknown>(path: '/v1/platform-key' | '/v1/openapi.json'): Promise<T> {
    const url = `${this.base.origin}${this.basePath}${path}`;
    const r = await send(this.fetchImpl, url, { method: 'GET', headers: { accept: 'application/json' } }, undefined);
    if (r.status < 200 || r.status >= 300) throw apiErrorOf(r);
    return parseBody<T>(r);
  }

  /** The platform's SM2 public key that signs responses to SM2-SM3 and RSA-SHA256 apps. */
  platformKey(): Promise<PlatformKey> {
    return this.publicGet<PlatformKey>('/v1/platform-key');
  }

  private get<T>(path: string, query?: object): Promise<T> {
    return this.request<T>('GET', path, { query: q(query) });
  }

  private post<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T> {
    return this.request<T>('POST', path, { body, idempotencyKey });
  }

  readonly merchants = {
    create: (input: CreateMerchantRequest, o?: { idempotencyKey?: string }): Promise<Merchant> => this.post('/v1/merchants', input, o?.idempotencyKey),
    get: (merchantId: string): Promise<Merchant> => this.get(`/v1/merchants/${seg(merchantId)}`),
    list: (query?: ListMerchantsQuery): Promise<Page<Merchant>> => this.get('/v1/merchants', query),
    update: (merchantId: string, patch: UpdateMerchantRequest): Promise<Merchant> => this.request('PATCH', `/v1/merchants/${seg(merchantId)}`, { body: patch }),
  };

  readonly stores = {
    create: (merchantId: string, input: CreateStoreRequest, o?: { idempotencyKey?: string }): Promise<Store> =>
      this.post(`/v1/merchants/${seg(merchantId)}/stores`, input, o?.idempotencyKey),
    get: (storeId: string): Promise<Store> => this.get(`/v1/stores/${seg(storeId)}`),
  };

  readonly terminals = {
    create: (storeId: string, input: CreateTerminalRequest, o?: { idempotencyKey?: string }): Promise<Terminal> =>
      this.post(`/v1/stores/${seg(storeId)}/terminals`, input, o?.idempotencyKey),
  };

  readonly qrOrders = {
    /** a dynamic (merchant-presented) order: show `qr.payload` as a QR code */
    create: (input: CreateQrOrderRequest, o?: { idempotencyKey?: string }): Promise<CreatedQrOrder> => this.post('/v1/qr/orders', input, o?.idempotencyKey),
    get: (orderId: string): Promise<QrOrder> => this.get(`/v1/qr/orders/${seg(orderId)}`),
    list: (query?: ListQrOrdersQuery): Promise<Page<QrOrder>> => this.get('/v1/qr/orders', query),
    close: (orderId: string, o?: { idempotencyKey?: string }): Promise<QrOrder> =>
      this.post(`/v1/qr/orders/${seg(orderId)}/close`, undefined, o?.idempotencyKey),
    /** a full or partial refund of a paid order; the same outRefundNo is the same refund */
    refund: (orderId: string, input: CreateRefundRequest, o?: { idempotencyKey?: string }): Promise<Refund> =>
      this.post(`/v1/qr/orders/${seg(orderId)}/refunds`, input, o?.idempotencyKey),
    listRefunds: (orderId: string): Promise<{ data: Refund[] }> => this.get(`/v1/qr/orders/${seg(orderId)}/refunds`),
    /** customer-presented: charge the payer code the cashier scanned */
    payWithPayerCode: (input: PosPaymentRequest, o?: { idempotencyKey?: string }): Promise<QrOrder> =>
      this.post('/v1/qr/pos/payments', input, o?.idempotencyKey),
  };

  readonly acquiringOrders = {
    /** an online order; send the payer to its hosted cashier (`cashierPath`) or call `pay` with the method they chose */
    create: (input: CreateAcquiringOrderRequest, o?: { idempotencyKey?: string }): Promise<AcquiringOrder> =>
      this.post('/v1/acquiring/orders', input, o?.idempotencyKey),
    get: (orderId: string): Promise<AcquiringOrder> => this.get(`/v1/acquiring/orders/${seg(orderId)}`),
    getByOutTradeNo: (outTradeNo: string): Promise<AcquiringOrder> => this.get(`/v1/acquiring/orders/by-out-trade-no/${seg(outTradeNo)}`),
    list: (query?: ListAcquiringOrdersQuery): Promise<Page<AcquiringOrder>> => this.get('/v1/acquiring/orders', query),
    close: (orderId: string, o?: { idempotencyKey?: string }): Promise<AcquiringOrder> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/close`, undefined, o?.idempotencyKey),
    /** the payer's method: answers the order (`paying`) and what the cashier does next */
    pay: (orderId: string, input: PayAcquiringOrderRequest, o?: { idempotencyKey?: string }): Promise<AcquiringPayment> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/pay`, input, o?.idempotencyKey),
    /** a partial or full refund; the same outRefundNo (same amount) is the same refund */
    refund: (orderId: string, input: CreateAcquiringRefundRequest, o?: { idempotencyKey?: string }): Promise<AcquiringRefund> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/refunds`, input, o?.idempotencyKey),
    listRefunds: (orderId: string): Promise<{ data: AcquiringRefund[] }> => this.get(`/v1/acquiring/orders/${seg(orderId)}/refunds`),
    /** 退款查询 */
    getRefund: (refundId: string): Promise<AcquiringRefund> => this.get(`/v1/acquiring/refunds/${seg(refundId)}`),
    /** card quick pay: the SMS code of this payment (bound to order, amount and card) */
    sendQuickPayCode: (orderId: string, agreementId: string, o?: { idempotencyKey?: string }): Promise<SmsSent> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/quickpay/sms`, { agreementId }, o?.idempotencyKey),
    /** card quick pay with the agreement and the SMS code */
    payByCard: (orderId: string, input: { agreementId: string; smsCode: string }, o?: { idempotencyKey?: string }): Promise<AcquiringOrder> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/quickpay`, input, o?.idempotencyKey),
    /** card quick pay with the agreement and its payment password instead of an SMS code (where the county allows it) */
    payByCardPassword: (orderId: string, input: { agreementId: string; paymentPassword: string }, o?: { idempotencyKey?: string }): Promise<AcquiringOrder> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/quickpay/password`, input, o?.idempotencyKey),
  };

  /** Profit sharing (分账): receivers of your app, splits of your shared orders, finish. */
  readonly profitSharing = {
    /** 添加分账接收方: a merchant of your county */
    addReceiver: (input: AddSharingReceiverRequest, o?: { idempotencyKey?: string }): Promise<SharingReceiver> =>
      this.post('/v1/acquiring/profit-sharing/receivers', input, o?.idempotencyKey),
    listReceivers: (query?: ListSharingReceiversQuery): Promise<Page<SharingReceiver>> => this.get('/v1/acquiring/profit-sharing/receivers', query),
    removeReceiver: (receiverId: string, o?: { idempotencyKey?: string }): Promise<SharingReceiver> =>
      this.post(`/v1/acquiring/profit-sharing/receivers/${seg(receiverId)}/remove`, undefined, o?.idempotencyKey),
    /** 请求分账: the same outSplitNo (same receivers and amounts) is the same split */
    split: (orderId: string, input: CreateSplitRequest, o?: { idempotencyKey?: string }): Promise<Split> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/splits`, input, o?.idempotencyKey),
    listSplits: (orderId: string): Promise<{ data: Split[] }> => this.get(`/v1/acquiring/orders/${seg(orderId)}/splits`),
    /** 查询分账结果 */
    getSplit: (splitId: string): Promise<Split> => this.get(`/v1/acquiring/splits/${seg(splitId)}`),
    /** 完结分账: the unsplit remainder goes to the order's merchant */
    finish: (orderId: string, o?: { idempotencyKey?: string }): Promise<EscrowPosition> =>
      this.post(`/v1/acquiring/orders/${seg(orderId)}/splits/finish`, undefined, o?.idempotencyKey),
    escrow: (orderId: string): Promise<EscrowPosition> => this.get(`/v1/acquiring/orders/${seg(orderId)}/escrow`),
  };

  /** Card agreements of quick pay (绑卡 / 解约). */
  readonly acquiringCards = {
    bind: (input: BindCardRequest, o?: { idempotencyKey?: string }): Promise<CardBinding> => this.post('/v1/acquiring/cards', input, o?.idempotencyKey),
    resendCode: (agreementId: string, o?: { idempotencyKey?: string }): Promise<SmsSent> =>
      this.post(`/v1/acquiring/cards/${seg(agreementId)}/sms`, undefined, o?.idempotencyKey),
    confirm: (agreementId: string, smsCode: string, o?: { idempotencyKey?: string }): Promise<CardAgreement> =>
      this.post(`/v1/acquiring/cards/${seg(agreementId)}/confirm`, { smsCode }, o?.idempotencyKey),
    get: (agreementId: string): Promise<CardAgreement> => this.get(`/v1/acquiring/cards/${seg(agreementId)}`),
    /** 解约: `revoked` once the county bank confirmed, else `unbinding` (retried by the platform) */
    unbind: (agreementId: string, o?: { idempotencyKey?: string }): Promise<CardAgreement> =>
      this.post(`/v1/acquiring/cards/${seg(agreementId)}/unbind`, undefined, o?.idempotencyKey),
    /** the SMS code that confirms setting the payment password */
    sendPasswordCode: (agreementId: string, o?: { idempotencyKey?: string }): Promise<SmsSent> =>
      this.post(`/v1/acquiring/cards/${seg(agreementId)}/password/sms`, undefined, o?.idempotencyKey),
    /** 设置支付密码 (6 digits) with the SMS code; unlocks a locked one */
    setPassword: (agreementId: string, input: { smsCode: string; paymentPassword: string }, o?: { idempotencyKey?: string }): Promise<CardAgreement> =>
      this.post(`/v1/acquiring/cards/${seg(agreementId)}/password`, input, o?.idempotencyKey),
  };

  readonly webhookDeliveries = {
    list: (query?: ListWebhookDeliveriesQuery): Promise<Page<WebhookDelivery>> => this.get('/v1/webhooks/deliveries', query),
    get: (deliveryId: string): Promise<WebhookDelivery> => this.get(`/v1/webhooks/deliveries/${seg(deliveryId)}`),
    /** queues an attempt now */
    resend: (deliveryId: string, o?: { idempotencyKey?: string }): Promise<WebhookDelivery> =>
      this.post(`/v1/webhooks/deliveries/${seg(deliveryId)}/resend`, undefined, o?.idempotencyKey),
  };
}
