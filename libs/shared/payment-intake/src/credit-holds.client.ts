/**
 * The one way a payment service (online acquiring, QR payment) uses the customer's county credit
 * line as a payment method: credit's service-to-service routes (`/credit/internal/*`), signed with
 * the caller's service assertion.
 *
 *   quote    — the schedule and APR to disclose before the customer confirms (nothing is held)
 *   hold     — at confirmation: available credit moves to held (idempotent per caller + paymentRef)
 *   capture  — the payment succeeded: the hold becomes a drawdown (idempotent)
 *   release  — the payment closed or failed: the held credit is available again (idempotent)
 *   reverseDrawdown — a full refund before the drawdown is billed
 *   refundDrawdown  — a refund, full or partial, before or after billing (cash beyond what is unpaid)
 *   findPayerLine / payerOffers — the hosted cashier: the payer's line by the partner app and its
 *                     customer number, and every installment plan's schedule and APR for an amount
 *
 * Failures a caller must tell apart:
 *   - {@link CreditOutcomeUnknownError}: no answer in time, a reset, a 502/503/504 or a 500 —
 *     credit may or may not have acted; every call here is idempotent, so repeat the same call
 *     (same paymentRef / hold id) before doing anything else;
 *   - an {@link ApiError} with credit's own public code (`credit_insufficient`, `out_of_region`,
 *     `apr_above_ceiling`, `credit_line_not_active`, `not_found`, `conflict`,
 *     `invalid_state_transition`…): credit refused, pass it to the payer as is;
 *   - {@link CreditCallError}: any other answer (credit refused the caller's own credentials,
 *     a body that is not credit's error shape): a deployment fault, not the payer's.
 */
import { ApiError, ERROR_CODES, errorSpec, type ErrorCode } from '@countypay/contracts';

/** The services credit accepts holds from (credit's `InternalHoldRequest.caller`). */
export type CreditHoldsCaller = 'acquiring' | 'qr-payment';

/** What signs the calls: the caller's `ServiceAuth` from `@countypay/service-kit` fits. */
export interface ServiceAssertionSource {
  assertionHeader(audience: string, actor?: undefined, requestId?: string): Record<string, string>;
}

export interface CreditHoldsClientOptions {
  /** credit's base URL (`ServiceUrlsConfig.url('credit')`) */
  baseUrl: string;
  /** the calling service: must be the issuer of its service assertions */
  caller: CreditHoldsCaller;
  auth: ServiceAssertionSource;
  /** the deadline of one call; default 5 s */
  timeoutMs?: number;
}

/** One line of a repayment schedule (amounts in integer fen). */
export interface CreditScheduleLine {
  period: number;
  dueDate: string;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
}

/** The disclosure before confirmation: schedule, APR (ppm per annum and as a percentage), total cost. */
export interface CreditQuoteView {
  principalFen: number;
  installments: number;
  aprPpm: number;
  aprPercent: string;
  costFen: number;
  schedule: CreditScheduleLine[];
}

/** The payer's line as credit finds it for a cashier (by the partner app and its customer number). */
export interface PayerLineView {
  lineId: string;
  state: 'active' | 'frozen';
  mobileMasked: string;
  availableFen: number;
}

/** The payer's line with every installment plan the line allows for an amount. */
export interface PayerOffersView extends PayerLineView {
  options: CreditQuoteView[];
}

export interface CreditHoldView {
  id: string;
  lineId: string;
  paymentRef: string;
  amountFen: number;
  installments: number;
  state: 'held' | 'captured' | 'released';
  loanId: string | null;
}

export interface CreditDrawdownView {
  loanId: string;
  lineId: string;
  holdId: string;
  principalFen: number;
  installments: number;
  state: 'active' | 'paid_off' | 'reversed';
  outstandingPrincipalFen: number;
  aprPpm: number;
  aprPercent: string;
  drawdownDate: string;
  schedule: (CreditScheduleLine & { penaltyFen: number; paidFen: number; state: string })[];
}

/** A refund of a drawdown: the unpaid principal first; beyond it (already repaid) cash to the customer's account. */
export interface CreditRefundView {
  refundId: string;
  outRefundNo: string;
  principalFen: number;
  interestReturnedFen: number;
  cashFen: number;
  cashState: 'pending' | 'succeeded' | 'failed' | null;
  cashFailureReason: string | null;
  businessDate: string;
  drawdown: CreditDrawdownView;
}

export interface CreditPurchase {
  tenantId: string;
  lineId: string;
  /** the payer's app (the county bank's own app, `app_…`): credit answers `not_found` for a line of another app */
  appId?: string;
  /** integer fen, > 0 */
  amountFen: number;
  installments: number;
}

export interface CreditHoldRequest extends CreditPurchase {
  /** the caller's own payment reference (order id…): the same reference is the same hold */
  paymentRef: string;
  /** the merchant paid: the drawdown credits its payable */
  merchantId?: string;
}

/** Credit did not answer in time (or could not say): whether it acted is unknown — repeat the same call. */
export class CreditOutcomeUnknownError extends Error {
  constructor(readonly what: string) {
    super(`credit call outcome unknown: ${what}`);
    this.name = 'CreditOutcomeUnknownError';
  }
}

/** Credit answered in a way that is not a refusal of the payment (e.g. it refused our credentials). */
export class CreditCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`credit call failed: ${what} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'CreditCallError';
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export class CreditHoldsClient {
  private readonly timeoutMs: number;

  constructor(private readonly opts: CreditHoldsClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /** The schedule and APR of a purchase on the line, to show before the customer confirms. */
  quote(p: CreditPurchase, requestId?: string): Promise<CreditQuoteView> {
    return this.call(
      '/credit/internal/quote',
      { tenantId: p.tenantId, lineId: p.lineId, ...(p.appId ? { appId: p.appId } : {}), amountFen: p.amountFen, installments: p.installments },
      requestId,
    );
  }

  /** The authorisation hold at confirmation (idempotent per caller and paymentRef). */
  hold(r: CreditHoldRequest, requestId?: string): Promise<CreditHoldView> {
    return this.call(
      '/credit/internal/holds',
      {
        tenantId: r.tenantId,
        lineId: r.lineId,
        ...(r.appId ? { appId: r.appId } : {}),
        amountFen: r.amountFen,
        installments: r.installments,
        caller: this.opts.caller,
        paymentRef: r.paymentRef,
        ...(r.merchantId ? { merchantId: r.merchantId } : {}),
      },
      requestId,
    );
  }

  /** The payment succeeded: the hold becomes a drawdown (a captured hold answers its drawdown again). */
  capture(tenantId: string, holdId: string, requestId?: string): Promise<CreditDrawdownView> {
    return this.call(`/credit/internal/holds/${encodeURIComponent(holdId)}/capture`, { tenantId }, requestId);
  }

  /** The payment closed or failed: the hold is released (a released hold answers again). */
  release(tenantId: string, holdId: string, reason?: string, requestId?: string): Promise<CreditHoldView> {
    return this.call(`/credit/internal/holds/${encodeURIComponent(holdId)}/release`, { tenantId, ...(reason ? { reason } : {}) }, requestId);
  }

  /**
   * A refund of the payment's drawdown, full or partial, before or after billing (the same
   * `outRefundNo` is the same refund; a part the customer already repaid goes back to their account).
   */
  refundDrawdown(tenantId: string, loanId: string, r: { outRefundNo: string; amountFen: number }, requestId?: string): Promise<CreditRefundView> {
    return this.call(
      `/credit/internal/drawdowns/${encodeURIComponent(loanId)}/refunds`,
      { tenantId, outRefundNo: r.outRefundNo, amountFen: r.amountFen },
      requestId,
    );
  }

  /** A full refund before billing: the drawdown is reversed and the line restored. */
  reverseDrawdown(tenantId: string, loanId: string, requestId?: string): Promise<CreditDrawdownView> {
    return this.call(`/credit/internal/drawdowns/${encodeURIComponent(loanId)}/reverse`, { tenantId }, requestId);
  }

  /** The payer's line (the hosted cashier): `not_found` when the app has no line for this customer number. */
  findPayerLine(tenantId: string, appId: string, customerRef: string, requestId?: string): Promise<PayerLineView> {
    return this.call('/credit/internal/payer-lines/find', { tenantId, appId, customerRef }, requestId);
  }

  /** The payer's line with every plan's schedule and APR for `amountFen` (the hosted cashier, after consent). */
  payerOffers(tenantId: string, appId: string, customerRef: string, amountFen: number, requestId?: string): Promise<PayerOffersView> {
    return this.call('/credit/internal/payer-lines/offers', { tenantId, appId, customerRef, amountFen }, requestId);
  }

  private async call<T>(path: string, body: object, requestId?: string): Promise<T> {
    const what = `POST ${path}`;
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(requestId ? { 'x-request-id': requestId } : {}),
          ...this.opts.auth.assertionHeader('credit', undefined, requestId),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      // our deadline, a reset, a refused connection: we cannot know whether credit acted
      throw Object.assign(new CreditOutcomeUnknownError(what), { cause: e });
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500) throw new CreditOutcomeUnknownError(`${what} answered ${res.status}`);
    if (!res.ok) throw refusal(what, res.status, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CreditCallError(what, res.status, `not JSON: ${text.slice(0, 100)}`);
    }
  }
}

/** Credit's 4xx as the same public error, unless it is about our own credentials or not credit's error shape. */
function refusal(what: string, status: number, text: string): Error {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new CreditCallError(what, status, text);
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; param?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string' || !KNOWN_CODES.has(error.code)) return new CreditCallError(what, status, text);
  const code = error.code as ErrorCode;
  const { type } = errorSpec(code);
  if (type === 'authentication_error' || type === 'permission_error') return new CreditCallError(what, status, text);
  const message = typeof error.message === 'string' ? error.message : code;
  return new ApiError(code, message, typeof error.param === 'string' ? error.param : undefined);
}
