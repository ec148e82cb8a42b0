import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { ExceptionsRepository } from '../exceptions/exceptions.repository';
import { RefundExecutor } from '../refunds/refund-executor.service';
import { RefundsRepository } from '../refunds/refunds.repository';
import type { ChannelReport } from './channel-outcome.service';
import type { OrderRecord } from './orders.repository';

/**
 * A channel reported a success for an order already closed (or failed, or left for another
 * channel): the money is not applied to the order. An exception item (for operators) and an
 * automatic refund of exactly what the channel took are recorded in the caller's transaction;
 * the refund is sent once it commits. Repeated reports of the same channel payment add nothing.
 */
@Injectable()
export class PaidAfterCloseHandler {
  constructor(
    private readonly ds: DataSource,
    private readonly refunds: RefundsRepository,
    private readonly exceptions: ExceptionsRepository,
    private readonly executor: RefundExecutor,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async open(em: EntityManager, order: OrderRecord, r: ChannelReport): Promise<void> {
    const refund = await this.refunds.insert(em, {
      id: randomUUID(),
      tenantId: order.tenantId,
      orderId: order.id,
      appId: order.appId,
      channel: r.channel,
      outRefundNo: `auto_${r.channel}_${r.channelTradeNo}`.slice(0, 64),
      amountFen: r.amountFen,
      reason: 'paid_after_close',
      automatic: true,
    });
    if (!refund) return; // this channel payment was already taken care of
    await this.exceptions.insert(em, {
      id: randomUUID(),
      tenantId: order.tenantId,
      orderId: order.id,
      channel: r.channel,
      channelTradeNo: r.channelTradeNo,
      amountFen: r.amountFen,
      refundId: refund.id,
    });
    this.logger.warn({ orderId: order.id, channel: r.channel, state: order.state }, 'payment reported for a closed order: exception opened, refunding');
  }

  /** Sends the order's automatic refunds that are still pending. */
  async refundPending(tenantId: string, orderId: string): Promise<void> {
    const pending = await inTenantTransaction(this.ds, tenantId, async (em) =>
      (await this.refunds.listForOrder(em, orderId)).filter((r) => r.automatic && r.state === 'pending'),
    );
    for (const r of pending) await this.executor.execute(tenantId, r.id);
  }
}
