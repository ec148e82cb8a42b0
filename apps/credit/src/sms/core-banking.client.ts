import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';

export type DebitAnswer = { status: 'succeeded' } | { status: 'declined'; reason: string };

/** Repayment debits of the customer's deposit account in the county's core banking (the channel sandbox locally). */
@Injectable()
export class CoreBankingClient {
  constructor(private readonly urls: ServiceUrlsConfig) {}

  /** Debits once per reference (a retried call with the same reference is not debited twice). */
  async debit(tenantId: string, accountNo: string, amountFen: number, reference: string): Promise<DebitAnswer> {
    const res = await fetch(`${this.urls.url('channel-sandbox')}/core/${encodeURIComponent(tenantId)}/credit-debits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountNo, amountFen, reference }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`core banking answered ${res.status} to a repayment debit`);
    const body = (await res.json()) as { status: string; reason?: string };
    return body.status === 'succeeded' ? { status: 'succeeded' } : { status: 'declined', reason: body.reason ?? 'declined' };
  }
}
