/** An error answer of the countypay API: `{ error: { type, code, message, param?, requestId } }`. */
export class CountypayApiError extends Error {
  override readonly name = 'CountypayApiError';

  constructor(
    /** HTTP status */
    readonly status: number,
    /** e.g. `invalid_request_error`, `authentication_error`, `not_found_error`, `api_error` */
    readonly type: string,
    /** the stable error code, e.g. `not_found`, `invalid_signature`, `idempotency_key_reused` */
    readonly code: string,
    message: string,
    /** the request field or header the error is about, if any */
    readonly param: string | undefined,
    /** quote it to support */
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

/**
 * A response whose signature is missing, malformed or wrong, or whose timestamp is out of the
 * window: its content must not be trusted. `unverified` carries the API error the body claimed,
 * if it was one (for diagnosis only).
 */
export class CountypaySignatureError extends Error {
  override readonly name = 'CountypaySignatureError';

  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | undefined,
    readonly unverified?: CountypayApiError,
  ) {
    super(message);
  }
}

/** The request did not get an HTTP answer (network error, timeout). It may or may not have been applied: retry with the same Idempotency-Key. */
export class CountypayConnectionError extends Error {
  override readonly name = 'CountypayConnectionError';

  constructor(
    message: string,
    readonly idempotencyKey: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
