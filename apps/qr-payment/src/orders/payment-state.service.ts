import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { OutboxRelay } from '@countypay/messaging';
import { announcePaymentOutcome, paymentOutcomeRow } from '@countypay/payment-intake';
import { annotateActiveSpan, keepTrace } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { isTerminalOrderState, transition, type OrderEvent, type OrderState } from '../domain/order-state';
import { FinalOrders } from './final-orders';
import { OrdersRepository, type OrderChange, type OrderRecord } from './orders.repository';

export interface ApplyResult {
  /** the order after the attempt (unchanged when not applied) */
  order: OrderRecord;
  /** false: the machine refused the event (e.g. the order is already final) or a concurrent change won */
  applied: boolean;
}

/**
 * The one place where an order changes state: the transition table decides, a conditional
 * UPDATE applies, and a final state writes its event to the outbox in the same transaction.
 * Applying the same outcome twice (a duplicate notification, a poll racing a notification)
 * changes nothing the second time and writes no second event.
 */
@Injectable()
export class PaymentStateService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly relay: OutboxRelay,
    private readonly finals: FinalOrders,
  ) {}

  /**
   * Applies `event` in its own tenant transaction, then wakes the relay. `known`: the caller's copy
   * of the order (the one it just opened): the conditional UPDATE is tried from the state it says,
   * without reading the order first; when the order has moved meanwhile (a notification got there
   * first) it is read, locked, and decided as usual.
   */
  async apply(tenantId: string, orderId: string, event: OrderEvent, change: OrderChange = {}, known?: OrderRecord): Promise<ApplyResult> {
    const result =
      (known && known.id === orderId && (await this.applyInOne(tenantId, known, event, change))) ||
      (await this.applyInTransaction(tenantId, orderId, event, change, known));
    // committed: a final order is remembered (the channel's notification of it then costs no transaction)
    this.finals.remember(result.order);
    if (result.applied) this.relay.wake();
    return result;
  }

  /**
   * The channel's success of the caller's copy of the order and its event as ONE statement, its own
   * transaction (issue 14): the event is built from the order as the update will leave it, and the
   * update applies only while that holds (the order still in the state of the copy, channel and
   * channel trade number as predicted). Undefined when this does not apply or the order moved: the
   * transaction path decides.
   */
  private async applyInOne(tenantId: string, known: OrderRecord, event: OrderEvent, change: OrderChange): Promise<ApplyResult | undefined> {
    const next = transition(known.state, event);
    if (!next.ok || change.credit) return undefined;
    const announced = announcedInOne(known, next.state, change);
    if (!announced) return undefined;
    const updated = await this.repo.changeStateAnnounced(
      this.ds.manager,
      tenantId,
      known.id,
      known.state,
      next.state,
      change,
      { channel: announced.after.channel, channelTradeNo: announced.after.channelTradeNo },
      announced.row,
    );
    if (!updated) return undefined;
    // the console finds a payment's trace by this tag: the trace where its state changed
    annotateActiveSpan({ 'payment.id': updated.id, 'merchant.id': updated.merchantId, 'tenant.id': updated.tenantId, 'payment.state': updated.state });
    return { order: updated, applied: true };
  }

  private applyInTransaction(tenantId: string, orderId: string, event: OrderEvent, change: OrderChange, known?: OrderRecord): Promise<ApplyResult> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      if (known && known.id === orderId) {
        const fast = await this.applyFrom(em, known, event, change);
        if (fast) return fast;
      }
      return this.applyIn(em, orderId, event, change);
    });
  }

  /** Applies `event` inside the caller's tenant transaction (the caller wakes the relay). */
  async applyIn(em: EntityManager, orderId: string, event: OrderEvent, change: OrderChange = {}): Promise<ApplyResult> {
    const order = await this.repo.findById(em, orderId, { lock: true });
    if (!order) throw new ApiError('not_found', `no payment order ${orderId}`);
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': order.tenantId });
    const next = transition(order.state, event);
    if (!next.ok) return { order, applied: false };
    const updated = await this.repo.changeState(em, order.id, order.state, next.state, change);
    if (!updated) return { order: (await this.repo.findById(em, orderId)) ?? order, applied: false };
    return this.afterChange(em, updated);
  }

  /** The transition from the state of the caller's copy, as one conditional UPDATE; undefined when the order is no longer in that state. */
  private async applyFrom(em: EntityManager, known: OrderRecord, event: OrderEvent, change: OrderChange): Promise<ApplyResult | undefined> {
    const next = transition(known.state, event);
    if (!next.ok) return undefined;
    const updated = await this.repo.changeState(em, known.id, known.state, next.state, change);
    if (!updated) return undefined;
    annotateActiveSpan({ 'payment.id': updated.id, 'merchant.id': updated.merchantId, 'tenant.id': updated.tenantId });
    return this.afterChange(em, updated);
  }

  private async afterChange(em: EntityManager, updated: OrderRecord): Promise<ApplyResult> {
    // the console finds a payment's trace by this tag: the trace where its state changed, not a later read of it
    annotateActiveSpan({ 'payment.state': updated.state });
    // a failed payment's trace is kept whatever the sampling ratio (marked before its event is written)
    if (updated.state === 'failed') keepTrace('payment_failed');
    if (isTerminalOrderState(updated.state)) await announcePaymentOutcome(em, 'qr', updated);
    return { order: updated, applied: true };
  }

  wake(): void {
    this.relay.wake();
  }
}

/**
 * The outbox row of a change to `succeeded` whose event does not depend on what only the database
 * decides (the paid time is given): built from the order as the conditional update will leave it
 * (`coalesce(new, old)` per column). Other changes write their event after the update, as before.
 */
export function announcedInOne(
  known: OrderRecord,
  to: OrderState,
  change: OrderChange,
): { after: OrderRecord; row: NonNullable<ReturnType<typeof paymentOutcomeRow>> } | undefined {
  if (to !== 'succeeded' || !change.paidAt) return undefined;
  const after: OrderRecord = {
    ...known,
    state: to,
    channel: change.channel ?? known.channel,
    payerId: change.payerId ?? known.payerId,
    channelTradeNo: change.channelTradeNo ?? known.channelTradeNo,
    failureReason: change.failureReason ?? known.failureReason,
    closeReason: change.closeReason ?? known.closeReason,
    paidAt: change.paidAt,
  };
  const row = paymentOutcomeRow('qr', after);
  return row ? { after, row } : undefined;
}
