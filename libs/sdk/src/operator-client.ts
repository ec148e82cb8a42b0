import { type FetchLike, type RequestOptions, apiErrorOf, buildQuery, newIdempotencyKey, parseBody, seg, send } from './http';
import type { Merchant } from './types';

export interface CountypayOperatorClientOptions {
  baseUrl: string;
  /** the operator's bearer token, `cpo_…` */
  token: string;
  fetch?: FetchLike;
}

/** The province's or a county's operator console API (`/v1/admin/**`), with bearer authentication. */
export class CountypayOperatorClient {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly opts: CountypayOperatorClientOptions) {
    if (!/^cpo_[A-Za-z0-9_-]+$/.test(opts.token ?? '')) throw new TypeError('token must be an operator token (cpo_…)');
    this.base = new URL(opts.baseUrl);
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Any operator route: `path` is `/v1/admin/…` (or another public path). POSTs carry an Idempotency-Key. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const m = method.toUpperCase();
    if (!path.startsWith('/')) throw new TypeError('path must start with /');
    const query = buildQuery(options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const idempotencyKey = m === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const extra = Object.fromEntries(Object.entries(options.headers ?? {}).filter(([k]) => !/^(authorization|idempotency-key|content-type)$/i.test(k)));
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...extra,
      authorization: `Bearer ${this.opts.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    };
    const url = `${this.base.origin}${this.basePath}${path}${query ? `?${query}` : ''}`;
    const r = await send(this.fetchImpl, url, { method: m, headers, body, signal: options.signal }, idempotencyKey);
    if (r.status < 200 || r.status >= 300) throw apiErrorOf(r);
    return parseBody<T>(r);
  }

  /** Merchant review (county operators of the merchant's tenant, or the province). */
  readonly merchants = {
    approve: (merchantId: string, reason?: string): Promise<Merchant> => this.review(merchantId, 'approve', reason),
    reject: (merchantId: string, reason?: string): Promise<Merchant> => this.review(merchantId, 'reject', reason),
    suspend: (merchantId: string, reason?: string): Promise<Merchant> => this.review(merchantId, 'suspend', reason),
    resume: (merchantId: string, reason?: string): Promise<Merchant> => this.review(merchantId, 'resume', reason),
    close: (merchantId: string, reason?: string): Promise<Merchant> => this.review(merchantId, 'close', reason),
  };

  private review(merchantId: string, action: string, reason?: string): Promise<Merchant> {
    return this.request('POST', `/v1/admin/merchants/${seg(merchantId)}/${action}`, { body: reason === undefined ? {} : { reason } });
  }
}
