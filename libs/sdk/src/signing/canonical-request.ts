import { createHash } from 'node:crypto';
import { sm3 } from 'sm-crypto-v2';
import { type BinaryLike, toBytes } from './encoding';
import { SecurityError, SecurityErrorCode } from './security.exception';
import { type SignatureAlgorithm } from './signature-algorithm';

/**
 * Canonical strings of the open API signature scheme. The specification, with a worked
 * example, is docs/signing.md; keep the two in step (worked-example.spec.ts checks it).
 *
 *   request:  METHOD \n PATH \n QUERY \n TIMESTAMP \n NONCE \n BODY_DIGEST \n
 *   response: STATUS \n REQUEST_ID \n TIMESTAMP \n REQUEST_NONCE \n BODY_DIGEST \n
 *
 * Every line, the last included, ends with a single `\n`.
 */

type QueryScalar = string | number | boolean;

/**
 * A query as the raw string after `?` (as sent, percent-encoded), as URLSearchParams,
 * as decoded key/value pairs, or as a record of decoded values (arrays repeat the key;
 * `undefined` values are left out).
 */
export type QueryInput =
  string | URLSearchParams | readonly (readonly [string, string])[] | Readonly<Record<string, QueryScalar | readonly QueryScalar[] | undefined>>;

export interface CanonicalRequestInput {
  /** Decides the body digest: SM3 for `SM2-SM3`, SHA-256 otherwise. */
  alg: SignatureAlgorithm;
  method: string;
  /** The path exactly as on the request line (still percent-encoded), without the query. */
  path: string;
  query?: QueryInput;
  /** Unix seconds, the value of `X-CP-Timestamp`. */
  timestamp: number | string;
  /** The value of `X-CP-Nonce`. */
  nonce: string;
  /** The raw body bytes (a string is taken as UTF-8); absent or empty for a body-less request. */
  body?: BinaryLike;
}

export interface ResponseCanonicalInput {
  alg: SignatureAlgorithm;
  /** HTTP status code. */
  status: number;
  /** The gateway's `X-CP-Request-Id`. */
  requestId: string;
  /** Unix seconds, the response's `X-CP-Timestamp`. */
  timestamp: number | string;
  /** The `X-CP-Nonce` of the request this answers; empty when the request had no valid nonce. */
  requestNonce?: string;
  body?: BinaryLike;
}

const METHOD = /^[A-Za-z]{1,16}$/;
// Visible ASCII only (a request line carries no raw spaces or non-ASCII), no query or fragment.
const PATH = /^\/[\x21-\x22\x24-\x3e\x40-\x7e]*$/;
const TIMESTAMP = /^(?:0|[1-9]\d{0,14})$/;
/** `X-CP-Nonce`: 8–64 RFC 3986 unreserved characters (a UUID or 16+ random bytes in base64url fit). */
export const NONCE_PATTERN = /^[A-Za-z0-9._~-]{8,64}$/;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

function malformed(message: string): SecurityError {
  return new SecurityError(SecurityErrorCode.MalformedCanonicalInput, message);
}

/** Lowercase hex digest of the raw body bytes: SM3 for `SM2-SM3`, SHA-256 for the other algorithms. */
export function bodyDigest(alg: SignatureAlgorithm, body: BinaryLike = ''): string {
  const bytes = toBytes(body);
  return alg === 'SM2-SM3' ? sm3(bytes) : createHash('sha256').update(bytes).digest('hex');
}

/** RFC 3986 percent-encoding: everything except `A-Z a-z 0-9 - . _ ~`, UTF-8, uppercase hex. */
export function rfc3986Encode(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    throw malformed('query contains a lone surrogate');
  }
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryComponent(value: string): string {
  try {
    // application/x-www-form-urlencoded convention (URLSearchParams, Express): '+' is a space.
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw malformed(`malformed percent-encoding in query: ${JSON.stringify(value)}`);
  }
}

function queryPairs(query: QueryInput): [string, string][] {
  if (typeof query === 'string') {
    const raw = query.startsWith('?') ? query.slice(1) : query;
    return raw
      .split('&')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const eq = segment.indexOf('=');
        return eq === -1 ? [decodeQueryComponent(segment), ''] : [decodeQueryComponent(segment.slice(0, eq)), decodeQueryComponent(segment.slice(eq + 1))];
      });
  }
  if (query instanceof URLSearchParams) return [...query.entries()];
  if (Array.isArray(query)) return query.map(([k, v]) => [k, v]);
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(query as Readonly<Record<string, QueryScalar | readonly QueryScalar[] | undefined>>)) {
    if (value === undefined) continue;
    const values: readonly QueryScalar[] = Array.isArray(value) ? value : [value as QueryScalar];
    for (const v of values) pairs.push([key, String(v)]);
  }
  return pairs;
}

/**
 * Canonical query: each key and value decoded, then RFC 3986-encoded, pairs sorted by
 * encoded key then encoded value (byte order), joined as `k=v&k=v`. Empty string if none.
 * A key without `=` has the empty value. Throws SecurityError on malformed percent-encoding.
 */
export function canonicalQuery(query: QueryInput | undefined): string {
  if (query === undefined) return '';
  const encoded = queryPairs(query).map(([k, v]) => [rfc3986Encode(k), rfc3986Encode(v)] as const);
  encoded.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalTimestamp(timestamp: number | string): string {
  const text = typeof timestamp === 'number' ? (Number.isSafeInteger(timestamp) ? String(timestamp) : '') : timestamp;
  if (!TIMESTAMP.test(text)) throw malformed('timestamp must be unix seconds as a decimal integer');
  return text;
}

/** The request canonical string (see the module comment and docs/signing.md). Throws SecurityError on malformed parts. */
export function canonicalRequest(input: CanonicalRequestInput): string {
  if (!METHOD.test(input.method)) throw malformed('method must be letters only');
  if (!PATH.test(input.path)) throw malformed('path must start with "/", be visible ASCII and carry no query or fragment');
  if (!NONCE_PATTERN.test(input.nonce)) throw malformed('nonce must be 8-64 characters of [A-Za-z0-9._~-]');
  const lines = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query),
    canonicalTimestamp(input.timestamp),
    input.nonce,
    bodyDigest(input.alg, input.body),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** The response canonical string (see the module comment and docs/signing.md). Throws SecurityError on malformed parts. */
export function responseCanonical(input: ResponseCanonicalInput): string {
  if (!Number.isInteger(input.status) || input.status < 100 || input.status > 599) throw malformed('status must be an HTTP status code');
  if (!REQUEST_ID.test(input.requestId)) throw malformed('request id must be 1-128 visible ASCII characters');
  const nonce = input.requestNonce ?? '';
  if (nonce !== '' && !NONCE_PATTERN.test(nonce)) throw malformed('request nonce must be empty or a valid nonce');
  const lines = [String(input.status), input.requestId, canonicalTimestamp(input.timestamp), nonce, bodyDigest(input.alg, input.body)];
  return lines.map((line) => `${line}\n`).join('');
}

/** Splits a request target (`req.originalUrl`) into the raw path and raw query; drops a fragment. */
export function splitRequestTarget(target: string): { path: string; query: string } {
  const withoutFragment = target.split('#', 1)[0] ?? '';
  const q = withoutFragment.indexOf('?');
  return q === -1 ? { path: withoutFragment, query: '' } : { path: withoutFragment.slice(0, q), query: withoutFragment.slice(q + 1) };
}

export type TimestampCheck = 'ok' | 'malformed' | 'too_old' | 'too_new';

/** Anti-replay window check of `X-CP-Timestamp` against the gateway clock (unix seconds). */
export function checkTimestamp(timestamp: string, nowSeconds: number, toleranceSeconds: number): TimestampCheck {
  if (!TIMESTAMP.test(timestamp)) return 'malformed';
  const ts = Number(timestamp);
  if (ts < nowSeconds - toleranceSeconds) return 'too_old';
  if (ts > nowSeconds + toleranceSeconds) return 'too_new';
  return 'ok';
}
