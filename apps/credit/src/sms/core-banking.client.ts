import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { callChannel, ChannelCallError } from '@countypay/payment-intake';

export type DebitAnswer = { status: 'succeeded' } | { status: 'declined'; reason: string };
export type CashRefundAnswer = { status: 'succeeded' } | { status: 'failed'; reason: string };

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

  /**
   * Credits the customer's account once per reference (a cash refund of repaid principal). A
   * timeout throws ChannelTimeoutError: the outcome is unknown — query before acting again.
   */
  async refundCredit(tenantId: string, accountNo: string, amountFen: number, reference: string): Promise<CashRefundAnswer> {
    const body = await callChannel<{ status: string; reason?: string }>(
      this.urls.url('channel-sandbox'),
      10_000,
      'POST',
      `/core/${encodeURIComponent(tenantId)}/credit-refunds`,
      { accountNo, amountFen, reference },
    );
    return body.status === 'succeeded' ? { status: 'succeeded' } : { status: 'failed', reason: body.reason ?? 'failed' };
  }

  /** Whether the bank made the credit of `reference` (false: it has none — it never made it). */
  async refundCredited(tenantId: string, reference: string): Promise<boolean> {
    try {
      await callChannel(
        this.urls.url('channel-sandbox'),
        10_000,
        'GET',
        `/core/${encodeURIComponent(tenantId)}/credit-refunds/${encodeURIComponent(reference)}`,
      );
      return true;
    } catch (e) {
      if (e instanceof ChannelCallError && e.status === 404) return false;
      throw e;
    }
  }
}
