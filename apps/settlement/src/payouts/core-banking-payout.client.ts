import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { SettlementConfig } from '../config/settlement.config';

export interface BankPayoutAnswer {
  instructionId: string;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  amountFen: number;
}

/** The bank did not answer in time (or answered 504): whether it made the payout is unknown. */
export class BankTimeoutError extends Error {
  constructor(readonly what: string) {
    super(`core banking call timed out: ${what}`);
    this.name = 'BankTimeoutError';
  }
}

export class BankCallError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`core banking call failed: ${what} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'BankCallError';
  }
}

/** HTTP client of the county core banking's settlement payouts (the channel sandbox locally). Account numbers never go into errors. */
@Injectable()
export class CoreBankingPayoutClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly config: SettlementConfig,
  ) {}

  pay(tenantId: string, body: { instructionId: string; accountNo: string; accountName: string; amountFen: number }): Promise<BankPayoutAnswer> {
    return this.call('POST', `/core/${tenantId}/settlement-payouts`, body) as Promise<BankPayoutAnswer>;
  }

  /** undefined when the bank has no payout with this instruction id (it never made it) */
  async query(tenantId: string, instructionId: string): Promise<BankPayoutAnswer | undefined> {
    try {
      return (await this.call('GET', `/core/${tenantId}/settlement-payouts/${encodeURIComponent(instructionId)}`)) as BankPayoutAnswer;
    } catch (e) {
      if (e instanceof BankCallError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const what = `${method} ${path.replace(/settlement-payouts\/.*/, 'settlement-payouts/{id}')}`;
    let res: Response;
    try {
      res = await fetch(`${this.urls.url('channel-sandbox')}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.config.SETTLEMENT_PAYOUT_TIMEOUT_MS),
      });
    } catch (e) {
      throw Object.assign(new BankTimeoutError(what), { cause: e });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 504) throw new BankTimeoutError(what);
    if (!res.ok) throw new BankCallError(what, res.status, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BankCallError(what, res.status, 'not JSON');
    }
  }
}
