import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { formatYuan } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import {
  CreditCallError,
  CreditHoldsClient,
  CreditOutcomeUnknownError,
  type CreditHoldView,
  type PayerLineView,
  type PayerOffersView,
} from '@countypay/payment-intake';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { ChannelTimeoutError } from '../channel/channel.client';
import { consentStillValid, creditConsentBinding, creditPaymentRef, creditSendKey, mobileMatchesLine } from '../domain/credit-consent';
import { transition } from '../domain/order-state';
import type { AcquiringPayment } from '../orders/dto/acquiring-order.dto';
import { OrderIntake } from '../orders/order-intake';
import type { OrderScope } from '../orders/order-scope';
import { orderView } from '../orders/order-view';
import { OrdersRepository, type OrderRecord } from '../orders/orders.repository';
import { PaymentSyncService } from '../orders/payment-sync.service';
import type { SmsSent } from '../quickpay/dto/quickpay.dto';
import { QuickpayService } from '../quickpay/quickpay.service';
import { CreditChannel } from './credit-channel';
import type { CashierCreditOffers } from './credit-payment.dto';
import { CreditPaymentsRepository } from './credit-payments.repository';

/**
 * County credit as a payment method of online orders (ADR 0015). At the cashier the payer names
 * their line and consents with the SMS code sent to the bank-reserved mobile, sees every plan's
 * schedule and APR, and confirms: credit places an authorisation hold (idempotent on the order),
 * the order moves to `paying` on channel `county_credit`, the hold is captured into a drawdown and
 * the order succeeds through the same outcome path as every channel (payment.succeeded with
 * channel county_credit). A close, an expiry or a failure releases the hold (CreditChannel).
 */
@Injectable()
export class CreditPaymentService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly intake: OrderIntake,
    private readonly sync: PaymentSyncService,
    private readonly quickpay: QuickpayService,
    private readonly holds: CreditHoldsClient,
    private readonly repo: CreditPaymentsRepository,
    private readonly channel: CreditChannel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The consent code, to the reserved mobile of the payer's line (only when the mobile matches the line's). */
  async sendConsentCode(tenantId: string, orderId: string, customerRef: string, mobile: string): Promise<SmsSent> {
    const order = await this.payable(tenantId, orderId);
    const line = await this.payerLine(() => this.holds.findPayerLine(tenantId, order.appId, customerRef));
    // the same answer as no line at all: the page does not tell whose mobile a customer number has
    if (!mobileMatchesLine(mobile, line.mobileMasked)) throw new ApiError('not_found', 'no credit line for this customer number and mobile', 'mobile');
    if (line.state !== 'active') throw new ApiError('credit_line_not_active', 'the credit line is frozen');
    const sent = await inTenantTransaction(this.ds, tenantId, async (em) => {
      if (!(await this.repo.nameLine(em, tenantId, orderId, line.lineId)))
        throw new ApiError('order_not_payable', `order ${orderId} already has a credit payment in progress`);
      return this.quickpay.issueCode(em, tenantId, creditSendKey(line.lineId), creditConsentBinding(orderId, order.amountFen, line.lineId));
    });
    await this.quickpay.deliver(tenantId, mobile, sent.code, `信用付支付 ¥${formatYuan(order.amountFen)}`);
    return { sentTo: line.mobileMasked, expiresAt: sent.expiresAt.toISOString(), resendAfter: sent.resendAfter.toISOString() };
  }

  /** The consent code checked (once), then every plan the line allows for this order, with schedule and APR. */
  async offers(tenantId: string, orderId: string, customerRef: string, smsCode: string): Promise<CashierCreditOffers> {
    const order = await this.payable(tenantId, orderId);
    const named = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, orderId));
    if (!named) throw new ApiError('sms_code_invalid', 'no code was sent for this; ask for one', 'smsCode');
    const line = await this.payerLine(() => this.holds.findPayerLine(tenantId, order.appId, customerRef));
    if (line.lineId !== named.lineId) throw new ApiError('sms_code_invalid', 'the code was sent for another customer number', 'customerRef');
    if (!consentStillValid(named.consentedAt, new Date())) {
      await this.quickpay.consumeCode(tenantId, creditConsentBinding(orderId, order.amountFen, line.lineId), smsCode);
      await inTenantTransaction(this.ds, tenantId, (em) => this.repo.consent(em, orderId, line.lineId));
    }
    const o = await this.payerLine(() => this.holds.payerOffers(tenantId, order.appId, customerRef, Number(order.amountFen)));
    return { availableFen: o.availableFen, options: o.options };
  }

  /** A payer-line lookup for the cashier: credit's refusal passed on; credit unreachable or misconfigured → 503 (nothing was held). */
  private async payerLine<T extends PayerLineView | PayerOffersView>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof CreditOutcomeUnknownError || e instanceof CreditCallError) {
        this.logger.warn({ err: e.message }, 'county credit could not answer a payer-line lookup');
        throw new ApiError('service_unavailable', 'county credit cannot be reached now; try again or choose another method');
      }
      throw e;
    }
  }

  /** The payer confirmed a plan at the cashier (after consenting). */
  async confirm(tenantId: string, orderId: string, installments: number): Promise<OrderRecord> {
    const p = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, orderId));
    if (!p || !consentStillValid(p.consentedAt, new Date()))
      throw new ApiError('sms_code_expired', 'confirm your credit line with a new SMS code first (a consent lasts 15 minutes)', 'smsCode');
    return this.payOnLine(tenantId, orderId, p.lineId, installments);
  }

  /**
   * S2S (`POST /v1/acquiring/orders/{id}/pay`, method county_credit): a partner with its own UI
   * names the line its customer holds with it (credit refuses another app's line) and the plan it
   * disclosed; the customer's consent is the partner's (ADR 0015).
   */
  async payS2S(scope: OrderScope, orderId: string, lineId: string, installments: number): Promise<AcquiringPayment> {
    const o = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.orders.findById(em, orderId));
    if (!o || (!scope.seesAllApps && o.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${orderId}`);
    const named = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.nameConsentedLine(em, scope.tenantId, orderId, lineId));
    if (!named) {
      const current = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.find(em, orderId));
      if (current?.lineId !== lineId) throw new ApiError('order_not_payable', `order ${orderId} already has a credit payment on another line`);
    }
    const after = await this.payOnLine(scope.tenantId, orderId, lineId, installments);
    return { order: orderView(after), next: { action: 'none' } };
  }

  private async payOnLine(tenantId: string, orderId: string, lineId: string, installments: number): Promise<OrderRecord> {
    let order = await this.payable(tenantId, orderId);
    // the payer switches from another channel: that channel's order is closed first (a payment there wins)
    if (order.state === 'paying' && order.channel && order.channel !== 'county_credit') {
      order = await this.sync.closeAtChannel(order);
      if (order.state !== 'paying') throw new ApiError('order_not_payable', `order ${orderId} is ${order.state}; only an unpaid open order can be paid`);
    }
    const hold = await this.hold(tenantId, order, lineId, installments);
    await inTenantTransaction(this.ds, tenantId, (em) => this.repo.held(em, orderId, hold.id, installments));
    let started: OrderRecord;
    try {
      started = await inTenantTransaction(this.ds, tenantId, async (em) => {
        const locked = await this.orders.findById(em, orderId, { lock: true });
        if (!locked) throw new ApiError('not_found', `no acquiring order ${orderId}`);
        if (locked.state === 'paying' && locked.channel === 'county_credit') return locked; // a repeated confirmation
        return this.intake.startPayment(em, locked, 'county_credit', 'county_credit');
      });
    } catch (e) {
      await this.channel.release(tenantId, orderId, hold.id, 'payment_not_started').catch((err: unknown) => {
        this.logger.warn({ err, orderId }, 'could not release the credit hold of a payment that did not start; the order sweep retries at expiry');
      });
      throw e;
    }
    try {
      const loan = await this.channel.capture(tenantId, orderId, hold.id);
      return await this.sync.report(tenantId, orderId, {
        channel: 'county_credit',
        status: 'succeeded',
        channelTradeNo: loan.loanId,
        amountFen: started.amountFen,
      });
    } catch (e) {
      // unknown at credit: the order stays `paying`; the sweep's query captures (idempotent) or the expiry releases
      if (e instanceof ChannelTimeoutError) return started;
      if (e instanceof ApiError) {
        // credit refused the drawdown (line frozen, ceiling lowered since the hold…): the payment failed, the hold is released
        await this.channel.release(tenantId, orderId, hold.id, 'drawdown_refused');
        this.logger.warn({ orderId, code: e.code }, 'credit refused the drawdown of a confirmed hold');
        return this.sync.report(tenantId, orderId, {
          channel: 'county_credit',
          status: 'failed',
          channelTradeNo: hold.id,
          amountFen: started.amountFen,
          reason: e.code,
        });
      }
      throw e;
    }
  }

  /** The authorisation hold: no merchant named (ADR 0015: the payment credits the merchant, the drawdown credit_clearing). */
  private async hold(tenantId: string, order: OrderRecord, lineId: string, installments: number): Promise<CreditHoldView> {
    try {
      return await this.holds.hold({ tenantId, lineId, amountFen: Number(order.amountFen), installments, paymentRef: creditPaymentRef(order.id) });
    } catch (e) {
      if (e instanceof CreditOutcomeUnknownError) throw new ApiError('channel_timeout', 'county credit did not answer in time; confirm again');
      if (e instanceof ApiError && e.code === 'conflict')
        throw new ApiError('order_not_payable', 'this order already holds credit with another plan; wait for it to finish or expire', 'installments');
      throw e;
    }
  }

  private async payable(tenantId: string, orderId: string): Promise<OrderRecord> {
    const order = await inTenantTransaction(this.ds, tenantId, (em) => this.orders.findById(em, orderId));
    if (!order) throw new ApiError('not_found', `no order ${orderId}`);
    if (!transition(order.state, 'start_payment').ok)
      throw new ApiError('order_not_payable', `order ${orderId} is ${order.state}; only an unpaid open order can be paid`);
    if (order.expiresAt <= new Date()) throw new ApiError('order_expired', `order ${orderId} expired at ${order.expiresAt.toISOString()}`);
    return order;
  }
}
