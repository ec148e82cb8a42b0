import { type KeyObject, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { type BinaryLike, constantTimeEqual, decodeBase64Strict, toBytes } from './encoding';
import { SecurityError, SecurityErrorCode } from './security.exception';

/**
 * Standard Webhooks (https://www.standardwebhooks.com) symmetric signatures:
 * secret `whsec_<base64 of 24–64 random bytes>`, HMAC-SHA256 over
 * `${webhookId}.${timestamp}.${body}`, header `webhook-signature: v1,<base64>` (several
 * space-separated signatures allowed, e.g. during secret rotation), 5-minute tolerance.
 */

export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS = 300;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const TIMESTAMP = /^(?:0|[1-9]\d{0,14})$/;

/** `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** A webhook secret: the `whsec_…` string, or the key made of it once with `webhookKey`. */
export type WebhookSecret = string | KeyObject;

const secretSizeOk = (bytes: number | undefined): boolean => bytes !== undefined && bytes >= MIN_SECRET_BYTES && bytes <= MAX_SECRET_BYTES;

function secretBytes(secret: string): Buffer | undefined {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const key = decodeBase64Strict(secret.slice(WEBHOOK_SECRET_PREFIX.length));
  return key && secretSizeOk(key.length) ? key : undefined;
}

/** The HMAC key of a secret: its bytes, or the secret KeyObject made of them; undefined when it is neither. */
function secretKey(secret: WebhookSecret): Buffer | KeyObject | undefined {
  if (typeof secret === 'string') return secretBytes(secret);
  return typeof secret === 'object' && secret !== null && secret.type === 'secret' && secretSizeOk(secret.symmetricKeySize) ? secret : undefined;
}

const invalidSecret = (): SecurityError => new SecurityError(SecurityErrorCode.InvalidWebhookSecret, 'webhook secret must be whsec_ + base64 of 24-64 bytes');

/**
 * The HMAC-SHA256 key of a webhook secret (the bytes after `whsec_`) as a secret KeyObject, to make
 * once and sign or verify many deliveries with; the signatures are those of the secret string.
 * Throws SecurityError(InvalidWebhookSecret) on a malformed secret.
 */
export function webhookKey(secret: string): KeyObject {
  const bytes = secretBytes(secret);
  if (!bytes) throw invalidSecret();
  return createSecretKey(bytes);
}

function hmac(key: Buffer | KeyObject, webhookId: string, timestamp: number | string, body: BinaryLike): Buffer {
  return createHmac('sha256', key).update(`${webhookId}.${timestamp}.`, 'utf8').update(toBytes(body)).digest();
}

export interface SignWebhookInput {
  /** `whsec_…`, or `webhookKey(secret)` */
  secret: WebhookSecret;
  /** Value of `webhook-id` (the same across retries of one message). */
  webhookId: string;
  /** Unix seconds, value of `webhook-timestamp` (the time of this attempt). */
  timestamp: number;
  /** The exact body bytes sent (a string is taken as UTF-8). */
  body: BinaryLike;
}

/** Returns the `webhook-signature` value `v1,<base64>`. Throws SecurityError on a malformed secret. */
export function signWebhook(input: SignWebhookInput): string {
  const key = secretKey(input.secret);
  if (!key) throw invalidSecret();
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0)
    throw new SecurityError(SecurityErrorCode.MalformedCanonicalInput, 'webhook timestamp must be unix seconds');
  return `v1,${hmac(key, input.webhookId, input.timestamp, input.body).toString('base64')}`;
}

/** The three Standard Webhooks headers for one delivery attempt. */
export function webhookHeaders(input: SignWebhookInput): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.id]: input.webhookId,
    [WEBHOOK_HEADERS.timestamp]: String(input.timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(input),
  };
}

export type WebhookVerificationFailure =
  'invalid_secret' | 'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'no_matching_signature';

export type WebhookVerificationResult = { ok: true } | { ok: false; reason: WebhookVerificationFailure };

type HeaderValue = string | readonly string[] | undefined;

export interface VerifyWebhookInput {
  /** `whsec_…`, or `webhookKey(secret)` */
  secret: WebhookSecret;
  /** Incoming headers (names matched case-insensitively, e.g. Node's IncomingHttpHeaders). */
  headers: Readonly<Record<string, HeaderValue>>;
  body: BinaryLike;
  /** Unix seconds; defaults to now. */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

function header(headers: Readonly<Record<string, HeaderValue>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = typeof value === 'string' ? value : value?.[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

/** Verifies a Standard Webhooks delivery. Never throws; compares signatures in constant time. */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerificationResult {
  const key = secretKey(input.secret);
  if (!key) return { ok: false, reason: 'invalid_secret' };
  const id = header(input.headers, WEBHOOK_HEADERS.id);
  const timestamp = header(input.headers, WEBHOOK_HEADERS.timestamp);
  const signatures = header(input.headers, WEBHOOK_HEADERS.signature);
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'invalid_timestamp' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS;
  const ts = Number(timestamp);
  if (ts < now - tolerance) return { ok: false, reason: 'timestamp_too_old' };
  if (ts > now + tolerance) return { ok: false, reason: 'timestamp_too_new' };
  let expected: Buffer;
  try {
    expected = hmac(key, id, timestamp, input.body);
  } catch {
    return { ok: false, reason: 'no_matching_signature' };
  }
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    const candidate = decodeBase64Strict(entry.slice(comma + 1));
    // No early exit: every v1 candidate is compared.
    if (candidate && constantTimeEqual(candidate, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'no_matching_signature' };
}
