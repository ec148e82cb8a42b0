import { httpCall, HttpCallError } from '@countypay/observability';
import { type WebhookSecret, webhookHeaders } from '@countypay/security';
import { isDeliverableUrl } from './webhook-payload';

export const WEBHOOK_USER_AGENT = 'countypay-webhooks/1';

/**
 * Why an attempt failed, as logged in `webhook_attempts.error_class` and in the attempts metric:
 * `http_status` (non-2xx answer), `redirect` (3xx: never followed), `timeout`,
 * `connection_refused`, `dns`, `network` (other transport errors), `invalid_url` (not http(s):
 * never retried), `secret_unavailable` (the app's webhook secret is unknown or cannot be decrypted),
 * `url_removed` (the app no longer lists this callback URL: never retried).
 */
export type AttemptErrorClass =
  'http_status' | 'redirect' | 'timeout' | 'connection_refused' | 'dns' | 'network' | 'invalid_url' | 'secret_unavailable' | 'url_removed';

export interface SendInput {
  url: string;
  /** the delivery's fixed body */
  body: string;
  /** `webhook-id`: the event id */
  webhookId: string;
  /** the app's `whsec_` secret, or its key (`webhookKey`) */
  secret: WebhookSecret;
  timeoutMs: number;
  /** unix seconds of this attempt (`webhook-timestamp`) */
  nowSeconds: number;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  errorClass: AttemptErrorClass | null;
  /** false when retrying cannot help */
  retryable: boolean;
}

function transportErrorClass(err: unknown): AttemptErrorClass {
  if (!(err instanceof HttpCallError)) return 'network';
  if (err.kind === 'timeout') return 'timeout';
  if (err.kind === 'invalid_url') return 'invalid_url';
  if (err.code === 'ECONNREFUSED') return 'connection_refused';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'dns';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  return 'network';
}

/** The headers of one attempt: Standard Webhooks signature over `${id}.${timestamp}.${body}`. */
export function attemptHeaders(input: Pick<SendInput, 'body' | 'webhookId' | 'secret' | 'nowSeconds'>): Record<string, string> {
  return {
    ...webhookHeaders({ secret: input.secret, webhookId: input.webhookId, timestamp: input.nowSeconds, body: input.body }),
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
  };
}

/** One POST, with a timeout, never following redirects. Never throws. */
export async function sendWebhook(input: SendInput): Promise<SendResult> {
  if (!isDeliverableUrl(input.url)) return { ok: false, statusCode: null, durationMs: 0, errorClass: 'invalid_url', retryable: false };
  const headers = attemptHeaders(input);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    // the answer's body is not kept: the call ends with its head, the rest is drained (or the connection dropped)
    const res = await httpCall(input.url, { method: 'POST', headers, body: input.body, timeoutMs: input.timeoutMs, discardBody: true });
    const durationMs = elapsed();
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, durationMs, errorClass: null, retryable: false };
    const errorClass: AttemptErrorClass = res.status >= 300 && res.status < 400 ? 'redirect' : 'http_status';
    return { ok: false, statusCode: res.status, durationMs, errorClass, retryable: true };
  } catch (err) {
    const errorClass = transportErrorClass(err);
    return { ok: false, statusCode: null, durationMs: elapsed(), errorClass, retryable: errorClass !== 'invalid_url' };
  }
}
