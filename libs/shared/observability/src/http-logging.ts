import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';

/** The request-id header read from callers and echoed on every response. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const SANE_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const QUIET_PATHS = /^\/(metrics|health(\/|$))/;

/** The caller's request id when it is a sane token (≤ 64 of `[A-Za-z0-9_-]`), else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** What the access log keeps of a request: no headers (no secrets to redact, and a line a few times shorter to mask and write). */
interface LoggedRequest {
  id: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  userAgent?: string;
}

function requestSerializer(req: IncomingMessage & { id?: unknown; originalUrl?: string }): LoggedRequest {
  const ua = req.headers['user-agent'];
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket?.remoteAddress,
    ...(typeof ua === 'string' ? { userAgent: ua } : {}),
  };
}

function responseSerializer(res: ServerResponse): { statusCode: number } {
  return { statusCode: res.statusCode };
}

/**
 * pino-http options on top of a {@link createLogger} logger: request ids, no bodies, quiet probes,
 * and a short line: method, URL, status, time, the ids (request, trace, span, tenant) — no headers.
 */
export function pinoHttpOptions(logger: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger,
    // pino-http's own serializers copy every header of the request and the response into each line
    // (then redacted, masked and written): most of the access log's cost (docs/perf/throughput.md)
    serializers: { req: requestSerializer, res: responseSerializer },
    wrapSerializers: false,
    genReqId: assignRequestId,
    autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
    customLogLevel: (_req, res, err) =>
      err ? 'error' : refusedForNow(res) ? 'warn' : res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // a deliberate "retry later" (load shed, outage, rate limit: a 429 or 503 with Retry-After) is no
    // failure of the service: a warning without the made-up error and its stack (under overload most
    // answers are these, and they must stay cheap)
    customErrorObject: (_req, res, _error, val: Record<string, unknown>) => {
      if (!refusedForNow(res)) return val;
      const { err: _err, ...rest } = val;
      return rest;
    },
  };
}

/** `LoggerModule.forRoot(nestLoggerModuleParams(logger))` for nestjs-pino. */
export function nestLoggerModuleParams(logger: Logger): Params {
  return { pinoHttp: pinoHttpOptions(logger) };
}

function refusedForNow(res: ServerResponse): boolean {
  return (res.statusCode === 503 || res.statusCode === 429) && res.hasHeader('retry-after');
}

function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdFrom(req.headers['x-request-id']);
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
