import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, errorSpec, type ErrorBody, type ErrorCode } from '@countypay/contracts';
import { InvalidTenantError } from '@countypay/tenancy';
import type { Logger } from '@countypay/observability';
import { isDatabaseUnavailable } from '@countypay/persistence';
import { requestIdOf } from './request-id';

/** What a caller is told to wait during an outage of a dependency. */
export const RETRY_AFTER_OUTAGE_SECONDS = 2;

/** Maps a Nest HttpException's status to the catalogue code for errors Nest raises itself. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 404:
      return 'route_not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}

export function sendError(res: Response, req: Request, code: ErrorCode, message: string, param?: string, status?: number): void {
  const spec = errorSpec(code);
  const body: ErrorBody = { error: { type: spec.type, code, message, ...(param ? { param } : {}), requestId: requestIdOf(req, res) } };
  res.status(status ?? spec.status).json(body);
}

/**
 * The one place errors become HTTP responses, all in the `{ error: {…} }` shape. Bad input is
 * a 4xx with a stable code; anything unexpected is a 500 `internal_error` whose details go to
 * the log only.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof ApiError) {
      sendError(res, req, exception.code, exception.message, exception.param);
      return;
    }
    if (exception instanceof InvalidTenantError) {
      sendError(res, req, 'invalid_tenant', exception.message, 'tenant');
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'object' && body !== null ? (body as { code?: ErrorCode; message?: unknown; param?: string }) : {};
      const code = detail.code ?? codeForStatus(status);
      const message = typeof detail.message === 'string' ? detail.message : exception.message;
      if (status >= 500) this.logger.error({ err: exception }, 'request failed');
      sendError(res, req, code, message, detail.param, status);
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // an outage (a database restart, a failover): temporary, so a 503 the caller may retry, not a 500
      this.logger.warn({ err: exception }, 'database unavailable');
      res.setHeader('Retry-After', String(RETRY_AFTER_OUTAGE_SECONDS));
      sendError(res, req, 'service_unavailable', 'the service is briefly unavailable; retry after a few seconds');
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    sendError(res, req, 'internal_error', 'an internal error occurred; quote the request id to support');
  }
}
