import { Inject, Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { GatewayConfig } from '../config/gateway.config';
import type { RouteTarget } from '../routing/route-table';

export interface UpstreamRequest {
  service: RouteTarget;
  method: string;
  /** path (without `/v1`) and raw query, as received */
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** aborted when the caller went away: the request upstream is cancelled */
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type UpstreamResult =
  | { kind: 'response'; response: UpstreamResponse }
  | { kind: 'timeout' }
  | { kind: 'unavailable'; reason: string }
  /** the caller went away (`signal`) before the answer */
  | { kind: 'cancelled' };

// Headers of the upstream's response that the gateway answers itself or that describe the connection.
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'date',
  'x-powered-by',
  'x-request-id',
  'etag',
  'proxy-authenticate',
  'trailer',
  'upgrade',
]);

export const SERVICE_URLS = Symbol('SERVICE_URLS');

// By name, not `instanceof`: fetch's errors may come from another realm (e.g. under jest's vm).
function errorName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined;
}

function isTimeout(e: unknown): boolean {
  return errorName(e) === 'TimeoutError' || errorName(e) === 'AbortError';
}

function describeError(e: unknown): string {
  const cause = typeof e === 'object' && e !== null ? (e as { cause?: { message?: unknown } }).cause : undefined;
  if (typeof cause?.message === 'string') return cause.message;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

/**
 * Forwards a request to an internal service with Node's fetch (traced by the undici
 * instrumentation, which injects the W3C headers of its client span).
 */
@Injectable()
export class UpstreamClient {
  constructor(
    @Inject(SERVICE_URLS) private readonly urls: ServiceUrlsConfig,
    private readonly config: GatewayConfig,
  ) {}

  async forward(req: UpstreamRequest): Promise<UpstreamResult> {
    let base: string;
    try {
      base = this.urls.url(req.service);
    } catch (e) {
      return { kind: 'unavailable', reason: describeError(e) };
    }
    const url = `${base}${req.path}${req.query ? `?${req.query}` : ''}`;
    const timeout = AbortSignal.timeout(this.config.GATEWAY_UPSTREAM_TIMEOUT_MS);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    const failed = (e: unknown): UpstreamResult =>
      req.signal?.aborted ? { kind: 'cancelled' } : isTimeout(e) ? { kind: 'timeout' } : { kind: 'unavailable', reason: describeError(e) };
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: req.headers,
        body: req.body && req.body.length > 0 && req.method !== 'GET' ? new Uint8Array(req.body) : undefined,
        redirect: 'manual',
        signal,
      });
    } catch (e) {
      return failed(e);
    }
    let body: Buffer;
    try {
      body = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      return failed(e);
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (!DROPPED_RESPONSE_HEADERS.has(lower) && !lower.startsWith('x-cp-')) headers[lower] = value;
    });
    return { kind: 'response', response: { status: res.status, headers, body } };
  }
}

/**
 * Upstream error bodies already have the platform's error shape; their `requestId` must be the
 * gateway's (the one the partner sees). The gateway forwards its id in `x-request-id`, so this
 * is normally a no-op; the body bytes are kept unless the id really differs.
 */
export function withGatewayRequestId(body: Buffer, contentType: string | undefined, requestId: string): Buffer {
  if (!contentType?.toLowerCase().includes('json') || body.length === 0) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return body;
  const error = (parsed as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || (error as { requestId?: unknown }).requestId === requestId) return body;
  (error as { requestId?: unknown }).requestId = requestId;
  return Buffer.from(JSON.stringify(parsed), 'utf8');
}
