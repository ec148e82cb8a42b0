import { Injectable } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { transition } from '../domain/order-state';
import type { OrderScope } from '../orders/order-scope';
import { OrdersService } from '../orders/orders.service';
import type { BindCardRequest, CardAgreement, CardBinding, QuickPayConfirmRequest, SmsSent } from '../quickpay/dto/quickpay.dto';
import { QuickpayService } from '../quickpay/quickpay.service';
import type { CashierOutcome } from './cashier-cards.dto';

/**
 * Card quick pay inside the hosted cashier: the payer binds a card (four elements → SMS code →
 * agreement) or picks one this browser bound before, then pays with the payment SMS code. The
 * order id is the capability; the order's partner app is the scope, so the cashier sees only
 * that partner's agreements — exactly what the partner's own S2S calls would (QuickpayService).
 */
@Injectable()
export class CashierCardsService {
  constructor(
    private readonly orders: OrdersService,
    private readonly quickpay: QuickpayService,
  ) {}

  async bind(tenantId: string, orderId: string, dto: BindCardRequest): Promise<CardBinding> {
    return this.quickpay.bind(await this.openScope(tenantId, orderId), dto);
  }

  async resendBindCode(tenantId: string, orderId: string, agreementId: string): Promise<SmsSent> {
    return this.quickpay.resendBindCode(await this.openScope(tenantId, orderId), agreementId);
  }

  async confirmBinding(tenantId: string, orderId: string, agreementId: string, smsCode: string): Promise<CardAgreement> {
    return this.quickpay.confirmBinding(await this.openScope(tenantId, orderId), agreementId, smsCode);
  }

  /** The active agreements among those the browser remembers (another partner's or tenant's are simply not there). */
  async known(tenantId: string, orderId: string, agreementIds: readonly string[]): Promise<CardAgreement[]> {
    const scope = await this.scope(tenantId, orderId);
    const out: CardAgreement[] = [];
    for (const id of new Set(agreementIds)) {
      try {
        const a = await this.quickpay.get(scope, id);
        if (a.status === 'active') out.push(a);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'not_found')) throw e;
      }
    }
    return out;
  }

  async sendPayCode(tenantId: string, orderId: string, agreementId: string): Promise<SmsSent> {
    return this.quickpay.sendPayCode(await this.scope(tenantId, orderId), orderId, agreementId);
  }

  async pay(tenantId: string, orderId: string, dto: QuickPayConfirmRequest): Promise<CashierOutcome> {
    const order = await this.quickpay.pay(await this.scope(tenantId, orderId), orderId, dto);
    return { status: order.status };
  }

  /** The order's partner app as the scope (a partner app sees only its own agreements). */
  private async scope(tenantId: string, orderId: string): Promise<OrderScope> {
    const o = await this.orders.forCashier(orderId, tenantId);
    if (!o) throw new ApiError('not_found', `no order ${orderId}`);
    return { tenantId, appId: o.appId, seesAllApps: false };
  }

  /** Binding starts only from an order still to be paid (the cashier is no general card-binding page). */
  private async openScope(tenantId: string, orderId: string): Promise<OrderScope> {
    const o = await this.orders.forCashier(orderId, tenantId);
    if (!o) throw new ApiError('not_found', `no order ${orderId}`);
    if (!transition(o.state, 'start_payment').ok)
      throw new ApiError('order_not_payable', `order ${orderId} is ${o.state}; only an unpaid open order can be paid`);
    if (o.expiresAt <= new Date()) throw new ApiError('order_expired', `order ${orderId} expired at ${o.expiresAt.toISOString()}`);
    return { tenantId, appId: o.appId, seesAllApps: false };
  }
}
