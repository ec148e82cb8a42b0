import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { ApiError, ERROR_CODES, type ErrorCode } from '@countypay/contracts';
import { CreditOutcomeUnknownError, type CreditQuoteView } from '@countypay/payment-intake';
import { ServiceAuth } from '@countypay/service-kit';

export interface PayerLineView {
  lineId: string;
  state: 'active' | 'frozen';
  mobileMasked: string;
  availableFen: number;
}

export interface PayerOffersView extends PayerLineView {
  options: CreditQuoteView[];
}

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The payer's line as credit finds it for the hosted cashier (`/credit/internal/payer-lines/*`,
 * credit's cashier routes beside the holds of `CreditHoldsClient`): by the partner app and its
 * customer number, with every installment plan's schedule and APR for an amount.
 */
@Injectable()
export class CreditLinesClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly auth: ServiceAuth,
  ) {}

  find(tenantId: string, appId: string, customerRef: string): Promise<PayerLineView> {
    return this.call('find', { tenantId, appId, customerRef });
  }

  offers(tenantId: string, appId: string, customerRef: string, amountFen: number): Promise<PayerOffersView> {
    return this.call('offers', { tenantId, appId, customerRef, amountFen });
  }

  private async call<T>(what: 'find' | 'offers', body: object): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.urls.url('credit').replace(/\/$/, '')}/credit/internal/payer-lines/${what}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.auth.assertionHeader('credit') },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (e) {
      throw Object.assign(new CreditOutcomeUnknownError(`payer-lines/${what}`), { cause: e });
    }
    const parsed = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; param?: string } } | undefined;
    if (res.ok && parsed) return parsed as T;
    const code = parsed?.error?.code;
    // credit's refusal of the payer (no such line, line frozen, not enough credit…) is passed on; anything else is ours
    if (res.status < 500 && code && KNOWN.has(code) && res.status !== 401 && res.status !== 403)
      throw new ApiError(code as ErrorCode, parsed?.error?.message ?? code, parsed?.error?.param);
    throw new ApiError('service_unavailable', 'county credit cannot be reached now; try again or choose another method');
  }
}
