import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { OutboxRelay } from '@countypay/messaging';
import { announcePaymentOutcome } from '@countypay/payment-intake';
import { annotateActiveSpan, keepTrace } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { isFinalOrderState, transition, type OrderEvent } from '../domain/order-state';
import { Escrow } from '../sharing/escrow';
import { OrdersRepository, type OrderChange, type OrderRecord } from './orders.repository';

export interface ApplyResult {
  /** the order after the attempt (unchanged when not applied) */
  order: OrderRecord;
  /** false: the table refused the event (the order is final…) or a concurrent change won */
  applied: boolean;
}

/**
 * The one place where an acquiring order changes state: the transition table decides, a
 * conditional UPDATE applies, and a final state writes its `payment.*` event (product
 * `acquiring`) to the outbox in the same transaction. The settlement ledger posts it and the
 * gateway turns it into the partner's webhook, as for every product.
 */
@Injectable()
export class OrderStateService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly relay: OutboxRelay,
    private readonly escrow: Escrow,
  ) {}

  async apply(tenantId: string, orderId: string, event: OrderEvent, change: OrderChange = {}): Promise<ApplyResult> {
    const result = await inTenantTransaction(this.ds, tenantId, (em) => this.applyIn(em, orderId, event, change));
    if (result.applied) this.relay.wake();
    return result;
  }

  /** Applies `event` inside the caller's tenant transaction (the caller wakes the relay). */
  async applyIn(em: EntityManager, orderId: string, event: OrderEvent, change: OrderChange = {}): Promise<ApplyResult> {
    const order = await this.repo.findById(em, orderId, { lock: true });
    if (!order) throw new ApiError('not_found', `no acquiring order ${orderId}`);
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': order.tenantId });
    const next = transition(order.state, event);
    if (!next.ok) return { order, applied: false };
    const updated = await this.repo.changeState(em, order.id, order.state, next.state, change);
    if (!updated) return { order: (await this.repo.findById(em, orderId)) ?? order, applied: false };
    if (updated.state === 'failed') keepTrace('payment_failed');
    // profit sharing: the escrow's fee is fixed with the payment, under the plan settlement posts it with
    if (updated.state === 'succeeded' && updated.profitSharing) await this.escrow.open(em, updated.id);
    // profit sharing: the ledger holds the merchant's net in escrow until it is split or released
    if (isFinalOrderState(updated.state)) await announcePaymentOutcome(em, 'acquiring', updated, updated.profitSharing ? { escrow: true } : {});
    return { order: updated, applied: true };
  }

  wake(): void {
    this.relay.wake();
  }
}
