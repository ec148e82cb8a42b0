import { randomUUID } from 'node:crypto';
import { rfc3986Encode } from './signing';
import { CountypayApiError, CountypayConnectionError } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type QueryValue = string | number | boolean | undefined | null;
export type Query = Readonly<Record<string, QueryValue | readonly QueryValue[]>>;

export interface RequestOptions {
  query?: Query;
  /** sent as JSON */
  body?: unknown;
  /** POST only: defaults to a random UUID; give your own to make a retry safe */
  idempotencyKey?: string;
  /** extra headers */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** The raw query string (as sent and as signed): RFC 3986 encoded, in the given order; undefined/null values left out. */
export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? (value as readonly QueryValue[]) : [value as QueryValue];
    for (const v of values) if (v !== undefined && v !== null) parts.push(`${rfc3986Encode(key)}=${rfc3986Encode(String(v))}`);
  }
  return parts.join('&');
}

/** A path segment from a caller's value (an id): RFC 3986 encoded so it cannot change the path. */
export function seg(value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError('an id must be a non-empty string');
  return rfc3986Encode(value);
}

export function newIdempotencyKey(): string {
  return randomUUID();
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export async function send(fetchImpl: FetchLike, url: string, init: RequestInit, idempotencyKey: string | undefined): Promise<RawResponse> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, redirect: 'manual' });
  } catch (err) {
    throw new CountypayConnectionError(`request to ${url} failed: ${err instanceof Error ? err.message : String(err)}`, idempotencyKey, { cause: err });
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new CountypayConnectionError(`reading the response of ${url} failed`, idempotencyKey, { cause: err });
  }
  return { status: res.status, headers: res.headers, body };
}

/** The error an error answer describes (or a generic one when the body is not the API's error shape). */
export function apiErrorOf(r: RawResponse): CountypayApiError {
  const requestId = r.headers.get('x-cp-request-id') ?? r.headers.get('x-request-id') ?? undefined;
  try {
    const parsed = JSON.parse(r.body.toString('utf8')) as { error?: Record<string, unknown> };
    const e = parsed.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      return new CountypayApiError(
        r.status,
        typeof e.type === 'string' ? e.type : 'api_error',
        e.code,
        e.message,
        typeof e.param === 'string' ? e.param : undefined,
        typeof e.requestId === 'string' ? e.requestId : requestId,
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new CountypayApiError(r.status, 'api_error', 'unexpected_response', `HTTP ${r.status} without an error body`, undefined, requestId);
}

/** Parses a successful answer: JSON, or undefined for an empty body. */
export function parseBody<T>(r: RawResponse): T {
  if (r.body.length === 0) return undefined as T;
  const type = r.headers.get('content-type') ?? '';
  if (!type.includes('json')) return r.body as unknown as T;
  return JSON.parse(r.body.toString('utf8')) as T;
}
