/**
 * The one way a payment service calls a payment channel over HTTP (the channel sandbox locally):
 * JSON in and out, a deadline, and the two failures a caller must tell apart — the outcome is
 * unknown (a timeout, a reset, a 504: query before acting again) or the channel said no.
 */
import { httpCall, type HttpAnswer } from '@countypay/observability';

/** The channel did not answer in time (or answered 504): the outcome of the call is unknown. */
export class ChannelTimeoutError extends Error {
  constructor(readonly what: string) {
    super(`channel call timed out: ${what}`);
    this.name = 'ChannelTimeoutError';
  }
}

/** The channel answered with an error other than a timeout. */
export class ChannelCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`channel call failed: ${what} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'ChannelCallError';
  }
}

/** One call: `baseUrl` + `path`, answered JSON within `timeoutMs`, else one of the two errors above. */
export async function callChannel<T>(baseUrl: string, timeoutMs: number, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const what = `${method} ${path.split('?')[0]}`;
  let res: HttpAnswer;
  try {
    res = await httpCall(`${baseUrl}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      timeoutMs,
    });
  } catch (e) {
    // aborted by our deadline, connection reset (also while the answer's body came): we cannot know whether the channel acted
    throw Object.assign(new ChannelTimeoutError(what), { cause: e });
  }
  const text = res.body.toString('utf8');
  if (res.status === 504) throw new ChannelTimeoutError(what);
  if (res.status < 200 || res.status > 299) throw new ChannelCallError(what, res.status, text);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ChannelCallError(what, res.status, `not JSON: ${text.slice(0, 100)}`);
  }
}
