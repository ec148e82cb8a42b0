import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The platform's HTTP client for its hot calls (gateway → service, service → channel, the sandbox's
 * notifications, webhooks to partners): `node:http` over one keep-alive agent per process, in place of
 * Node's fetch (undici), whose streams, AbortSignals and their garbage were a large share of each
 * service's CPU per payment (docs/perf/throughput.md, "tphttp").
 *
 * - one call is one request and its whole answer (the body as a Buffer), within `timeoutMs`;
 * - redirects are never followed: a 3xx is an answer like any other;
 * - traced by the HTTP instrumentation (client span, W3C headers, the keep mark of the answer);
 * - failures reject with an {@link HttpCallError}: `timeout`, `aborted` (the caller's `signal`),
 *   `network` (refused, reset, DNS… the system error is its `cause`, its code is `code`), `too_large`.
 */

export interface HttpCallOptions {
  method: string;
  headers?: Readonly<Record<string, string>>;
  /** sent with its content-length */
  body?: Buffer | string;
  /** for the whole call: connecting, sending, the answer's head and body */
  timeoutMs: number;
  /** cancels the call (its error is `aborted`) */
  signal?: AbortSignal;
  /**
   * The answer's body is not wanted: the call ends with the answer's head (the body is empty), the
   * rest is drained so the connection can be reused — or the connection dropped when it is longer
   * than {@link DISCARD_LIMIT_BYTES} or not over within the timeout.
   */
  discardBody?: boolean;
  /** a longer body fails the call (`too_large`); no limit when unset */
  maxBodyBytes?: number;
}

export interface HttpAnswer {
  status: number;
  /** as Node parses them: lower-case names, repeated ones joined (`set-cookie` an array) */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type HttpCallErrorKind = 'timeout' | 'aborted' | 'network' | 'too_large' | 'invalid_url';

/** Why a call failed. Its `name` is `TimeoutError` / `AbortError` for those two kinds, as fetch's errors were. */
export class HttpCallError extends Error {
  /** the system error code of a network failure (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`…) */
  readonly code: string | undefined;

  constructor(
    readonly kind: HttpCallErrorKind,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = kind === 'timeout' ? 'TimeoutError' : kind === 'aborted' ? 'AbortError' : 'HttpCallError';
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** What a discarded body may be drained of before its connection is dropped instead. */
export const DISCARD_LIMIT_BYTES = 64 * 1024;

/**
 * One agent per protocol and process. Free connections are unreferenced (they never keep a process
 * alive) and closed after {@link FREE_SOCKET_TIMEOUT_MS} idle — earlier when the server announces a
 * shorter keep-alive (`Keep-Alive: timeout=N`: Node closes one second before) — so an idle service
 * holds no connections and wakes up for none. LIFO: the busiest few are reused, the rest expire.
 */
export const FREE_SOCKET_TIMEOUT_MS = 4000;
const AGENT_OPTIONS = {
  keepAlive: true,
  keepAliveMsecs: 1000,
  maxSockets: 256,
  maxFreeSockets: 32,
  timeout: FREE_SOCKET_TIMEOUT_MS,
  scheduling: 'lifo',
} as const;

let agents: { http: HttpAgent; https: HttpsAgent } | undefined;

function agentsOfProcess(): { http: HttpAgent; https: HttpsAgent } {
  agents ??= { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };
  return agents;
}

/** Closes the process's kept-alive connections (tests, shutdown); later calls open new ones. */
export function closeHttpConnections(): void {
  if (!agents) return;
  agents.http.destroy();
  agents.https.destroy();
  agents = undefined;
}

// set by the client itself, from the body it sends
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'host']);

/** One HTTP call; resolves with the answer whatever its status, rejects with an {@link HttpCallError}. */
export function httpCall(url: string, opts: HttpCallOptions): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (e) {
    return Promise.reject(new HttpCallError('invalid_url', 'not a URL', e));
  }
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') return Promise.reject(new HttpCallError('invalid_url', `not an http(s) URL: ${target.protocol}`));
  if (opts.signal?.aborted) return Promise.reject(new HttpCallError('aborted', 'the call was cancelled'));

  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  const headers: Record<string, string> = {};
  if (opts.headers) {
    for (const name of Object.keys(opts.headers)) {
      if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = opts.headers[name]!;
    }
  }
  if (body !== undefined) headers['content-length'] = String(body.length);

  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const signal = opts.signal;

    const cleanUp = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: HttpCallError): void => {
      if (settled) return;
      settled = true;
      cleanUp();
      req?.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(new HttpCallError('aborted', 'the call was cancelled'));
    const timer = setTimeout(() => {
      if (settled) {
        // a discarded body still streaming at the deadline: drop its connection
        req?.destroy();
        return;
      }
      fail(new HttpCallError('timeout', `no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    // like fetch's AbortSignal.timeout: the pending call's socket, not its deadline, keeps the process up
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });

    const onResponse = (answer: IncomingMessage): void => {
      const status = answer.statusCode ?? 0;
      if (opts.discardBody) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ status, headers: answer.headers, body: Buffer.alloc(0) });
        drain(answer, () => {
          clearTimeout(timer);
          req?.destroy();
        });
        answer.once('end', () => clearTimeout(timer));
        answer.once('error', () => clearTimeout(timer));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      answer.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (opts.maxBodyBytes !== undefined && length > opts.maxBodyBytes) {
          fail(new HttpCallError('too_large', `the answer is longer than ${opts.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      answer.once('end', () => {
        if (settled) return;
        if (!answer.complete) {
          fail(new HttpCallError('network', 'the connection closed before the answer was complete'));
          return;
        }
        settled = true;
        cleanUp();
        resolve({ status, headers: answer.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length) });
      });
      answer.once('error', (e) => fail(new HttpCallError('network', describe(e), e)));
      answer.once('close', () => fail(new HttpCallError('network', 'the connection closed before the answer was complete')));
    };

    try {
      const options = {
        protocol: target.protocol,
        hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: opts.method,
        headers,
        agent: secure ? agentsOfProcess().https : agentsOfProcess().http,
        ...(target.username || target.password ? { auth: `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` } : {}),
      };
      req = secure ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    } catch (e) {
      // an invalid header value, method…: nothing was sent
      fail(new HttpCallError('network', describe(e), e));
      return;
    }
    // after the call settled (a discarded body, a destroyed request), a late error changes nothing
    req.on('error', (e) => fail(new HttpCallError('network', describe(e), e)));
    req.end(body);
  });
}

function drain(answer: IncomingMessage, tooLong: () => void): void {
  let drained = 0;
  answer.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DISCARD_LIMIT_BYTES) tooLong();
  });
  answer.on('error', () => undefined);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
