import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { CreditHoldsClient, CreditOutcomeUnknownError, type CreditDrawdownView } from '@countypay/payment-intake';
import { inTenantTransaction } from '@countypay/persistence';
import { ChannelCallError, ChannelTimeoutError } from '@countypay/payment-intake';
import type { ChannelRefundAnswer } from '../channel/channel.client';
import type { ChannelPaymentStatus } from '../domain/channel-status';
import { CreditPaymentsRepository } from './credit-payments.repository';

/** What a query of a credit payment answers (the shape of a channel's query answer). */
export interface CreditQueryAnswer {
  status: ChannelPaymentStatus;
  channelTradeNo: string;
  amountFen: number;
}

/**
 * County credit as the channel of an order (channel `county_credit`, ADR 0015), so the order's
 * close, expiry and 补单 go through the same PaymentSyncService as every channel:
 *   - query: the hold captured → succeeded (the drawdown is the channel trade number); still held
 *     for an order in payment → captured now (the payer confirmed; the capture is idempotent);
 *     released → closed; no hold → unknown;
 *   - close (关单): a held hold is released; a captured one cannot be closed (409: query instead);
 *   - refund: the drawdown is refunded at credit (idempotent per refund id: the unpaid principal
 *     first, beyond it cash to the customer's county account); a cash part the bank has not yet
 *     credited leaves the refund unresolved (the same call repeats it, applied once).
 */
@Injectable()
export class CreditChannel {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CreditPaymentsRepository,
    private readonly holds: CreditHoldsClient,
  ) {}

  async query(tenantId: string, orderId: string): Promise<CreditQueryAnswer | undefined> {
    const p = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, orderId));
    if (!p?.holdId || p.holdState === 'none') return undefined;
    if (p.holdState === 'released') return { status: 'closed', channelTradeNo: p.holdId, amountFen: 0 };
    if (p.holdState === 'captured' && p.loanId) return { status: 'succeeded', channelTradeNo: p.loanId, amountFen: await this.principal(tenantId, p.holdId) };
    const loan = await this.capture(tenantId, orderId, p.holdId);
    return { status: 'succeeded', channelTradeNo: loan.loanId, amountFen: loan.principalFen };
  }

  /** The hold becomes a drawdown (idempotent at credit); recorded here. */
  async capture(tenantId: string, orderId: string, holdId: string): Promise<CreditDrawdownView> {
    const loan = await this.guard(() => this.holds.capture(tenantId, holdId));
    await inTenantTransaction(this.ds, tenantId, (em) => this.repo.move(em, orderId, 'captured', loan.loanId));
    return loan;
  }

  async close(tenantId: string, orderId: string): Promise<{ status: ChannelPaymentStatus }> {
    const p = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, orderId));
    if (!p?.holdId || p.holdState === 'none' || p.holdState === 'released') return { status: 'closed' };
    if (p.holdState === 'captured') throw new ChannelCallError('POST credit hold release', 409, 'the hold is captured: the order is paid');
    await this.release(tenantId, orderId, p.holdId, 'order_closed');
    return { status: 'closed' };
  }

  /** The held credit is available again (idempotent at credit); a hold credit already captured is a 409 like a paid channel order. */
  async release(tenantId: string, orderId: string, holdId: string, reason: string): Promise<void> {
    try {
      await this.guard(() => this.holds.release(tenantId, holdId, reason));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid_state_transition') throw new ChannelCallError('POST credit hold release', 409, e.message);
      throw e;
    }
    await inTenantTransaction(this.ds, tenantId, (em) => this.repo.move(em, orderId, 'released'));
  }

  async refund(tenantId: string, orderId: string, refundId: string, amountFen: number): Promise<ChannelRefundAnswer> {
    const p = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, orderId));
    const loanId = p?.loanId;
    if (!loanId) throw new ChannelCallError('POST credit drawdown refund', 409, 'the order has no drawdown to refund');
    try {
      const r = await this.guard(() => this.holds.refundDrawdown(tenantId, loanId, { outRefundNo: refundId, amountFen }));
      if (r.cashState === 'pending' || r.cashState === 'failed') throw new ChannelTimeoutError('county credit cash refund');
      return { status: 'succeeded', channelRefundNo: r.refundId };
    } catch (e) {
      // credit refused the refund itself (more than is refundable…): a declined refund, with credit's code
      if (e instanceof ApiError) return { status: 'failed', channelRefundNo: refundId, reason: e.code };
      throw e;
    }
  }

  private async principal(tenantId: string, holdId: string): Promise<number> {
    return (await this.guard(() => this.holds.capture(tenantId, holdId))).principalFen;
  }

  /** Credit not answering is a channel timeout (the outcome is unknown: the sweep asks again). */
  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof CreditOutcomeUnknownError) throw Object.assign(new ChannelTimeoutError('county credit'), { cause: e });
      throw e;
    }
  }
}
