/**
 * The public error catalogue: stable codes (part of the API), each mapped in one place to its
 * HTTP status and error type. Every error response has the shape
 * `{ error: { type, code, message, param?, requestId } }`.
 */
export const ERROR_CODES = [
  // request shape
  'invalid_request',
  'invalid_json',
  'unknown_field',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_tenant',
  // resources
  'not_found',
  'route_not_found',
  'method_not_allowed',
  // concurrency and idempotency
  'conflict',
  'invalid_state_transition',
  // platform
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ErrorBody {
  error: { type: ErrorType; code: ErrorCode | string; message: string; param?: string; requestId: string };
}

function assertUnreachable(x: never): never {
  throw new Error(`unmapped error code ${String(x)}`);
}

/** The HTTP status and type of an error code. */
export function errorSpec(code: ErrorCode): { status: number; type: ErrorType } {
  switch (code) {
    case 'invalid_request':
    case 'invalid_json':
    case 'unknown_field':
    case 'invalid_tenant':
      return { status: 400, type: 'invalid_request_error' };
    case 'payload_too_large':
      return { status: 413, type: 'invalid_request_error' };
    case 'unsupported_media_type':
      return { status: 415, type: 'invalid_request_error' };
    case 'not_found':
    case 'route_not_found':
      return { status: 404, type: 'not_found_error' };
    case 'method_not_allowed':
      return { status: 405, type: 'invalid_request_error' };
    case 'conflict':
    case 'invalid_state_transition':
      return { status: 409, type: 'conflict_error' };
    case 'service_unavailable':
      return { status: 503, type: 'api_error' };
    case 'internal_error':
      return { status: 500, type: 'api_error' };
    default:
      return assertUnreachable(code);
  }
}

/** A domain error with a stable public code; the HTTP layer maps it with {@link errorSpec}. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
