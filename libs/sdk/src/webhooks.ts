import { type BinaryLike, type WebhookSecret, verifyWebhook as verifyStandardWebhook } from './signing';
import { CountypaySignatureError } from './errors';
import type { WebhookEvent } from './types';

type HeaderValue = string | readonly string[] | undefined;
/** Node's IncomingHttpHeaders, a plain record, or a fetch Headers object. */
export type WebhookHeaders = Readonly<Record<string, HeaderValue>> | Headers;

function plain(headers: WebhookHeaders): Readonly<Record<string, HeaderValue>> {
  return typeof Headers !== 'undefined' && headers instanceof Headers
    ? Object.fromEntries(headers.entries())
    : (headers as Readonly<Record<string, HeaderValue>>);
}

/**
 * True when a webhook delivery is authentic: the Standard Webhooks signature over the RAW body
 * (the bytes received, before any JSON parsing) matches the app's webhook secret (`whsec_…`, or
 * `webhookKey(secret)` made once) and
 * `webhook-timestamp` is within 5 minutes. Compares in constant time; never throws.
 */
export function verifyWebhook(headers: WebhookHeaders, rawBody: BinaryLike, secret: WebhookSecret, options?: { nowSeconds?: number }): boolean {
  return verifyStandardWebhook({ secret, headers: plain(headers), body: rawBody, nowSeconds: options?.nowSeconds }).ok;
}

/** Verifies a delivery and returns its event; throws CountypaySignatureError (with the reason) when it is not authentic. */
export function parseWebhook(headers: WebhookHeaders, rawBody: BinaryLike, secret: WebhookSecret, options?: { nowSeconds?: number }): WebhookEvent {
  const result = verifyStandardWebhook({ secret, headers: plain(headers), body: rawBody, nowSeconds: options?.nowSeconds });
  if (!result.ok) throw new CountypaySignatureError(`webhook verification failed: ${result.reason}`, 0, undefined);
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  return JSON.parse(text) as WebhookEvent;
}
