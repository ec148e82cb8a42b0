import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { ServiceUrlsConfig } from '@countypay/config';
import type { Logger } from '@countypay/observability';
import { CreditHoldsClient, CreditOutcomeUnknownError, type CreditHoldView, type CreditQuoteView } from '@countypay/payment-intake';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER, ServiceAuth } from '@countypay/service-kit';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { OrdersRepository, type CreditTerms, type OrderRecord } from './orders.repository';
import { PaymentStateService } from './payment-state.service';

/**
 * County credit as a method of QR payment (the county bank's own app pays a code with the payer's
 * credit line, ADR 0016), through credit's holds (`CreditHoldsClient`):
 *
 *   the order moves to `paying` with the payer's terms → hold (idempotent per order) → capture into
 *   a drawdown → the order succeeds (channel `county_credit`, channelTradeNo = the drawdown);
 *   credit refuses the hold or the capture → the hold is released and the order fails with
 *   credit's code; credit does not answer → the order stays `paying` and `resume` (the stale
 *   sweep) or `cancel` (the partner closes it) finishes it from credit's answer.
 *
 * Every step is idempotent on credit's side (the hold is per order, capture and release answer
 * again), so a step repeated after an unknown outcome never holds or draws twice.
 */
@Injectable()
export class CreditPaymentService {
  private client: CreditHoldsClient | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly state: PaymentStateService,
    private readonly urls: ServiceUrlsConfig,
    private readonly auth: ServiceAuth,
    private readonly config: QrPaymentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The schedule and APR of paying `amountFen` with the line (the line must be the app's). */
  quote(tenantId: string, terms: CreditTerms, amountFen: bigint): Promise<CreditQuoteView> {
    return this.credit().quote({ tenantId, lineId: terms.lineId, appId: terms.appId, amountFen: Number(amountFen), installments: terms.installments });
  }

  /** Holds, draws and finishes an order that has just moved to `paying` with its credit terms. */
  async pay(order: OrderRecord): Promise<OrderRecord> {
    const hold = await this.hold(order);
    if (hold === 'unknown' || hold === 'failed') return this.current(order);
    if (hold.state === 'released') return this.fail(order, 'credit_hold_released');
    return this.capture(order, hold);
  }

  /** A county credit payment left `paying` (credit did not answer): finish it from credit's state. */
  resume(order: OrderRecord): Promise<OrderRecord> {
    return this.pay(order);
  }

  /**
   * The partner closes an order still `paying`: the hold is released and the order closes
   * (`reversed`); a hold already drawn means the payment succeeded — the order succeeds instead.
   */
  async cancel(order: OrderRecord): Promise<OrderRecord> {
    const terms = termsOf(order);
    let hold: CreditHoldView;
    try {
      // the hold of this order, as credit has it (placing it when the first call never reached credit: released at once)
      hold = await this.credit().hold(this.holdRequest(order, terms));
    } catch (e) {
      if (e instanceof ApiError) return this.closeReversed(order);
      this.logger.warn({ orderId: order.id, err: e }, 'credit hold not confirmed while closing; left in paying');
      return this.current(order);
    }
    if (hold.state === 'captured') return this.capture(order, hold);
    try {
      await this.credit().release(order.tenantId, hold.id, 'order_closed');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid_state_transition') return this.capture(order, hold); // drawn meanwhile
      this.logger.warn({ orderId: order.id, err: e }, 'credit hold release not confirmed; left in paying');
      return this.current(order);
    }
    return this.closeReversed(order);
  }

  /**
   * A refund of a county credit payment is a refund of its drawdown at credit (the unpaid principal
   * first, cash to the payer's account beyond it): answered `succeeded` once credit made it, `failed`
   * with credit's code, `unknown` when credit did not answer (the refund stays pending).
   */
  async refund(
    order: OrderRecord,
    refund: { id: string; amountFen: bigint },
  ): Promise<{ status: 'succeeded'; creditRefundId: string } | { status: 'failed'; reason: string } | { status: 'unknown' }> {
    if (!order.channelTradeNo) return { status: 'failed', reason: 'drawdown_unknown' };
    try {
      const r = await this.credit().refundDrawdown(order.tenantId, order.channelTradeNo, {
        outRefundNo: `qr-${refund.id}`,
        amountFen: Number(refund.amountFen),
      });
      return { status: 'succeeded', creditRefundId: r.refundId };
    } catch (e) {
      if (e instanceof ApiError) return { status: 'failed', reason: e.code };
      this.logger.warn({ orderId: order.id, refundId: refund.id, err: e }, 'credit refund outcome unknown; left pending');
      return { status: 'unknown' };
    }
  }

  private async hold(order: OrderRecord): Promise<CreditHoldView | 'unknown' | 'failed'> {
    const terms = termsOf(order);
    try {
      const hold = await this.credit().hold(this.holdRequest(order, terms));
      if (order.creditHoldId !== hold.id) await inTenantTransaction(this.ds, order.tenantId, (em) => this.repo.recordCreditHold(em, order.id, hold.id));
      return hold;
    } catch (e) {
      if (e instanceof ApiError) {
        await this.fail(order, e.code);
        return 'failed';
      }
      if (!(e instanceof CreditOutcomeUnknownError)) throw e;
      this.logger.warn({ orderId: order.id, err: e }, 'credit hold outcome unknown; the order stays paying until credit answers');
      return 'unknown';
    }
  }

  private async capture(order: OrderRecord, hold: CreditHoldView): Promise<OrderRecord> {
    let loanId: string;
    try {
      loanId = (await this.credit().capture(order.tenantId, hold.id)).loanId;
    } catch (e) {
      if (e instanceof ApiError) {
        // credit refused the drawdown (the line changed since the hold): give the held credit back
        await this.credit()
          .release(order.tenantId, hold.id, 'capture_refused')
          .catch((err: unknown) => this.logger.warn({ orderId: order.id, holdId: hold.id, err }, 'credit hold release after a refused capture failed'));
        return this.fail(order, e.code);
      }
      if (!(e instanceof CreditOutcomeUnknownError)) throw e;
      this.logger.warn({ orderId: order.id, err: e }, 'credit capture outcome unknown; the order stays paying until credit answers');
      return this.current(order);
    }
    const r = await this.state.apply(order.tenantId, order.id, 'payment_succeeded', { channel: 'county_credit', channelTradeNo: loanId, paidAt: new Date() });
    if (!r.applied && r.order.state !== 'succeeded')
      this.logger.error({ orderId: order.id, loanId, state: r.order.state }, 'credit drawn for an order that is no longer paying');
    return r.order;
  }

  private async fail(order: OrderRecord, code: string): Promise<OrderRecord> {
    return (await this.state.apply(order.tenantId, order.id, 'payment_failed', { channel: 'county_credit', failureReason: code })).order;
  }

  private async closeReversed(order: OrderRecord): Promise<OrderRecord> {
    return (await this.state.apply(order.tenantId, order.id, 'reverse', { channel: 'county_credit', closeReason: 'reversed' })).order;
  }

  private holdRequest(order: OrderRecord, terms: CreditTerms) {
    // no merchant on the drawdown: the merchant's payable is credited by payment.succeeded (ADR 0016)
    return {
      tenantId: order.tenantId,
      lineId: terms.lineId,
      appId: terms.appId,
      amountFen: Number(order.amountFen),
      installments: terms.installments,
      paymentRef: order.id,
    };
  }

  private async current(order: OrderRecord): Promise<OrderRecord> {
    return (await inTenantTransaction(this.ds, order.tenantId, (em) => this.repo.findById(em, order.id))) ?? order;
  }

  private credit(): CreditHoldsClient {
    this.client ??= new CreditHoldsClient({
      baseUrl: this.urls.url('credit'),
      caller: 'qr-payment',
      auth: this.auth,
      timeoutMs: this.config.QR_CHANNEL_TIMEOUT_MS,
    });
    return this.client;
  }
}

function termsOf(order: OrderRecord): CreditTerms {
  if (order.channel !== 'county_credit' || !order.creditLineId || !order.creditInstallments || !order.creditAppId)
    throw new Error(`order ${order.id} is not a county credit payment`);
  return { lineId: order.creditLineId, installments: order.creditInstallments, appId: order.creditAppId };
}
