import { Injectable } from '@nestjs/common';
import type { PaymentChannel } from '@countypay/contracts';
import { isTerminalOrderState } from '../domain/order-state';
import type { OrderRecord } from './orders.repository';

/** What a channel notification is checked against when its order is already final. */
export interface FinalOrderFact {
  tenantId: string;
  state: OrderRecord['state'];
  channel: PaymentChannel | null;
  amountFen: bigint;
}

/** How many final orders a process remembers (oldest forgotten first): a few minutes of payments at the target rate. */
export const FINAL_ORDERS_KEPT = 20_000;

/**
 * Orders this process has seen committed in a final state (succeeded, failed, closed). A final
 * order never changes state again (the transition table accepts no event from one), so what is
 * remembered here cannot go stale. The channel's notification of a payment the channel already
 * answered synchronously (every payer-code payment, issue 14) is then answered from here,
 * without a database transaction. Per process and bounded: another instance, a restart or an
 * order forgotten reads the database as before.
 */
@Injectable()
export class FinalOrders {
  /** by `<tenant id>:<order id>` (DESIGN: every cache key is tenant-scoped) */
  private readonly known = new Map<string, FinalOrderFact>();
  /** orders whose channel answer is being applied in this process, by the same key */
  private readonly inFlight = new Map<string, Promise<void>>();

  /** Call with an order as committed: only a final one is kept. */
  remember(o: Pick<OrderRecord, 'id' | 'tenantId' | 'state' | 'channel' | 'amountFen'>): void {
    if (!isTerminalOrderState(o.state)) return;
    const key = `${o.tenantId}:${o.id}`;
    this.known.delete(key);
    this.known.set(key, { tenantId: o.tenantId, state: o.state, channel: o.channel, amountFen: o.amountFen });
    if (this.known.size > FINAL_ORDERS_KEPT) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }

  /**
   * The order's payment is being answered by its channel in this process (the synchronous call and
   * the commit of its outcome): a notification of it waits for that (`answeredBy`) instead of racing
   * it — the sandbox notifies as soon as it has settled, often before its synchronous answer is
   * back. Call the function returned once the answer is committed, or known not to be final.
   */
  answering(o: Pick<OrderRecord, 'id' | 'tenantId'>): () => void {
    const key = `${o.tenantId}:${o.id}`;
    let resolve!: () => void;
    const answered = new Promise<void>((r) => (resolve = r));
    this.inFlight.set(key, answered);
    return () => {
      if (this.inFlight.get(key) === answered) this.inFlight.delete(key);
      resolve();
    };
  }

  /** Waits (at most `timeoutMs`) until the channel's synchronous answer of this order, if one is in flight here, is committed. */
  async answeredBy(tenantId: string, orderId: string, timeoutMs: number): Promise<void> {
    const answered = this.inFlight.get(`${tenantId}:${orderId}`);
    if (!answered) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([answered, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** The final order of `tenantId` with this id, when this process saw it committed. */
  get(tenantId: string, orderId: string): FinalOrderFact | undefined {
    return this.known.get(`${tenantId}:${orderId}`);
  }
}
