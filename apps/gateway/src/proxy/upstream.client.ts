import { Inject, Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { httpCall, HttpCallError, type HttpAnswer } from '@countypay/observability';
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

function describeError(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

/**
 * Forwards a request to an internal service over the process's keep-alive HTTP client (traced by
 * the HTTP instrumentation, which injects the W3C headers of its client span). Redirects are
 * answers like any other: never followed.
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
    let res: HttpAnswer;
    try {
      res = await httpCall(url, {
        method: req.method,
        headers: req.headers,
        body: req.body && req.body.length > 0 && req.method !== 'GET' ? req.body : undefined,
        timeoutMs: this.config.GATEWAY_UPSTREAM_TIMEOUT_MS,
        signal: req.signal,
      });
    } catch (e) {
      if (req.signal?.aborted) return { kind: 'cancelled' };
      if (e instanceof HttpCallError && e.kind === 'timeout') return { kind: 'timeout' };
      return { kind: 'unavailable', reason: describeError(e) };
    }
    return { kind: 'response', response: { status: res.status, headers: passedOnHeaders(res.headers), body: res.body } };
  }
}

/** The upstream's answer headers the gateway passes on (lower-case; a repeated one as Node joins it, the last `set-cookie`). */
export function passedOnHeaders(upstream: HttpAnswer['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(upstream)) {
    const value = upstream[name];
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || name.startsWith('x-cp-')) continue;
    headers[name] = typeof value === 'string' ? value : value[value.length - 1]!;
  }
  return headers;
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
