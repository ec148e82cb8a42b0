import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { maskPersonalData, maskSensitiveText } from '@countypay/security';
import { currentSpanId, currentTraceId } from './trace-context';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  serviceName: string;
  /** Minimum level; `info` by default. */
  level?: Level | 'silent';
  /** Current tenant, logged as `tenant_id`. */
  getTenantId?: () => string | undefined;
  /** Where lines go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** Paths censored before a line is written (headers of pino-http's req/res serializers). */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-cp-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-signature"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'res.headers["x-cp-signature"]',
  'res.headers["webhook-signature"]',
];

// A JSON string literal in a serialised log line (masking stays inside strings, so the line stays valid JSON).
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/** A JSON logger: ISO `time`, `service`, `trace_id`/`span_id`/`tenant_id` from context, personal data masked. */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { service: opts.serviceName, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => logContext(opts.getTenantId),
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (record: Record<string, unknown>) => maskPersonalData(record, { inText: true }),
    },
    hooks: { streamWrite: maskLogLine },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[REDACTED]' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** The correlation fields the mixin adds to every line (only those present). */
export function logContext(getTenantId?: () => string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  const traceId = currentTraceId();
  const spanId = currentSpanId();
  const tenantId = getTenantId?.();
  if (traceId) fields['trace_id'] = traceId;
  if (spanId) fields['span_id'] = spanId;
  if (tenantId) fields['tenant_id'] = tenantId;
  return fields;
}

/** Masks value patterns inside every string of a serialised line (msg, err stacks, bindings). */
export function maskLogLine(line: string): string {
  return line.replace(JSON_STRING, maskSensitiveText);
}
