import { webhookHeaders } from '@countypay/security';
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
  secret: string;
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
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') return 'timeout';
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
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
    const res = await fetch(input.url, {
      method: 'POST',
      headers,
      body: input.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    // the answer's body is not kept: drop it so the connection can be reused
    await res.body?.cancel().catch(() => {});
    const durationMs = elapsed();
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, durationMs, errorClass: null, retryable: false };
    const errorClass: AttemptErrorClass = res.status >= 300 && res.status < 400 ? 'redirect' : 'http_status';
    return { ok: false, statusCode: res.status, durationMs, errorClass, retryable: true };
  } catch (err) {
    return { ok: false, statusCode: null, durationMs: elapsed(), errorClass: transportErrorClass(err), retryable: true };
  }
}
