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
  // onboarding (KYC, actors, credentials)
  'invalid_uscc',
  'invalid_id_number',
  'invalid_bank_account',
  'invalid_phone',
  'invalid_public_key',
  'merchant_exists',
  'terminal_exists',
  'invalid_operator_token',
  'invalid_service_assertion',
  'forbidden_actor',
  'tenant_suspended',
  'partner_suspended',
  // gateway (signed requests, anti-replay, scopes, idempotency, rate limits, routing)
  'unknown_app',
  'invalid_signature',
  'signature_algorithm_mismatch',
  'timestamp_out_of_window',
  'nonce_reused',
  'app_suspended',
  'ip_not_allowed',
  'missing_scope',
  'idempotency_key_required',
  'idempotency_key_reused',
  'idempotency_request_in_progress',
  'rate_limited',
  'upstream_timeout',
  // platform
  'service_unavailable',
  'internal_error',
  // channel sandbox (simulated external channels and county core banking)
  'unknown_channel',
  'payment_not_found',
  'account_not_found',
  'account_exists',
  'channel_order_mismatch',
  'reference_mismatch',
  'channel_timeout',
  // qr-payment (aggregate QR payments, payer codes, refunds)
  'merchant_not_active',
  'channel_not_enabled',
  'payer_code_unrecognised',
  'barcode_limit_exceeded',
  'order_expired',
  'order_not_payable',
  'order_not_refundable',
  'refund_exceeds_refundable',
  'refund_amount_invalid',
  'wallet_not_supported',
  'duplicate_out_trade_no',
  'invalid_notify_signature',
  'channel_error',
  // acquiring (online orders, refunds)
  'refund_count_exceeded',
  'refund_window_expired',
  'card_verification_failed',
  'agreement_not_active',
  'quickpay_limit_exceeded',
  'sms_code_invalid',
  'sms_code_expired',
  'sms_code_used',
  'sms_code_locked',
  'sms_resend_too_soon',
  'sms_send_limit_reached',
  'payment_password_not_enabled',
  'payment_password_not_set',
  'payment_password_invalid',
  'payment_password_locked',
  // profit sharing (receivers, splits)
  'receiver_not_registered',
  'order_not_splittable',
  'split_exceeds_available',
  'split_receiver_cap_exceeded',
  // ops console (operator sign-in and sessions)
  'invalid_credentials',
  'account_locked',
  'invalid_console_session',
  'invalid_csrf_token',
  // credit (products, lines, holds, drawdowns, repayment)
  'credit_product_invalid',
  'apr_above_ceiling',
  'installments_not_allowed',
  'credit_line_not_active',
  'credit_line_expired',
  'credit_line_exists',
  'credit_insufficient',
  'out_of_region',
  'limit_above_unsecured_cap',
  'consent_code_invalid',
  'consent_expired',
  // settlement (batches, approvals, payouts)
  'business_day_not_closed',
  'approval_already_given',
  'repayment_declined',
  'repayment_exceeds_due',
  // settlement reconciliation (channel statements, cases)
  'statement_unavailable',
  'statement_malformed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorType =
  'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'conflict_error' | 'rate_limit_error' | 'api_error';

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
    case 'invalid_uscc':
    case 'invalid_id_number':
    case 'invalid_bank_account':
    case 'invalid_phone':
    case 'invalid_public_key':
      return { status: 400, type: 'invalid_request_error' };
    case 'merchant_exists':
    case 'terminal_exists':
    case 'partner_suspended':
      return { status: 409, type: 'conflict_error' };
    case 'invalid_operator_token':
    case 'invalid_service_assertion':
      return { status: 401, type: 'authentication_error' };
    case 'forbidden_actor':
    case 'tenant_suspended':
      return { status: 403, type: 'permission_error' };
    case 'unknown_app':
    case 'invalid_signature':
    case 'signature_algorithm_mismatch':
    case 'timestamp_out_of_window':
    case 'nonce_reused':
      return { status: 401, type: 'authentication_error' };
    case 'app_suspended':
    case 'ip_not_allowed':
    case 'missing_scope':
      return { status: 403, type: 'permission_error' };
    case 'idempotency_key_required':
      return { status: 400, type: 'invalid_request_error' };
    case 'idempotency_key_reused':
      return { status: 422, type: 'invalid_request_error' };
    case 'idempotency_request_in_progress':
      return { status: 409, type: 'conflict_error' };
    case 'rate_limited':
      return { status: 429, type: 'rate_limit_error' };
    case 'upstream_timeout':
      return { status: 504, type: 'api_error' };
    case 'service_unavailable':
      return { status: 503, type: 'api_error' };
    case 'internal_error':
      return { status: 500, type: 'api_error' };
    case 'unknown_channel':
    case 'payment_not_found':
    case 'account_not_found':
      return { status: 404, type: 'not_found_error' };
    case 'account_exists':
    case 'channel_order_mismatch':
    case 'reference_mismatch':
      return { status: 409, type: 'conflict_error' };
    case 'channel_timeout':
      return { status: 504, type: 'api_error' };
    case 'payer_code_unrecognised':
    case 'wallet_not_supported':
    case 'refund_amount_invalid':
      return { status: 400, type: 'invalid_request_error' };
    case 'merchant_not_active':
    case 'channel_not_enabled':
    case 'barcode_limit_exceeded':
    case 'refund_exceeds_refundable':
    case 'refund_count_exceeded':
    case 'refund_window_expired':
    case 'card_verification_failed':
    case 'quickpay_limit_exceeded':
    case 'sms_code_invalid':
    case 'sms_code_expired':
    case 'sms_code_used':
    case 'sms_code_locked':
    case 'payment_password_not_enabled':
    case 'payment_password_invalid':
    case 'payment_password_locked':
    case 'receiver_not_registered':
    case 'split_exceeds_available':
    case 'split_receiver_cap_exceeded':
      return { status: 422, type: 'invalid_request_error' };
    case 'order_not_splittable':
      return { status: 409, type: 'conflict_error' };
    case 'agreement_not_active':
    case 'payment_password_not_set':
      return { status: 409, type: 'conflict_error' };
    case 'sms_resend_too_soon':
    case 'sms_send_limit_reached':
      return { status: 429, type: 'rate_limit_error' };
    case 'order_expired':
    case 'order_not_payable':
    case 'order_not_refundable':
    case 'duplicate_out_trade_no':
      return { status: 409, type: 'conflict_error' };
    case 'invalid_notify_signature':
      return { status: 401, type: 'authentication_error' };
    case 'channel_error':
    case 'statement_unavailable':
    case 'statement_malformed':
      return { status: 502, type: 'api_error' };
    case 'invalid_credentials':
    case 'invalid_console_session':
      return { status: 401, type: 'authentication_error' };
    case 'account_locked':
      return { status: 423, type: 'authentication_error' };
    case 'invalid_csrf_token':
      return { status: 403, type: 'permission_error' };
    case 'credit_product_invalid':
    case 'consent_code_invalid':
      return { status: 400, type: 'invalid_request_error' };
    case 'apr_above_ceiling':
    case 'installments_not_allowed':
    case 'credit_insufficient':
    case 'out_of_region':
    case 'limit_above_unsecured_cap':
    case 'repayment_declined':
    case 'repayment_exceeds_due':
      return { status: 422, type: 'invalid_request_error' };
    case 'credit_line_not_active':
    case 'credit_line_expired':
    case 'credit_line_exists':
    case 'consent_expired':
    case 'business_day_not_closed':
    case 'approval_already_given':
      return { status: 409, type: 'conflict_error' };
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
