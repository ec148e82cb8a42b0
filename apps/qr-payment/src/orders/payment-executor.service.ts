import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { isTerminalOrderState } from '../domain/order-state';
import { orderEventOfChannelStatus, pollSchedule, reasonCode, type ChannelPaymentStatus } from '../domain/payment-routing';
import { ChannelCallError, ChannelClient, ChannelTimeoutError, type ChannelPaymentKind } from '../channel/channel.client';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { CreditPaymentService } from './credit-payment.service';
import { FinalOrders } from './final-orders';
import { OrdersRepository, type OrderRecord } from './orders.repository';
import { PaymentStateService } from './payment-state.service';

export interface ExecuteOptions {
  kind: ChannelPaymentKind;
  payerCode?: string;
  payerId?: string;
  description?: string;
  /**
   * POS (payer code): the cashier waits, so a payment the payer must still confirm is polled
   * until final or the deadline, then reversed. QR codes: the channel's notification finishes it.
   */
  waitForFinal: boolean;
}

/**
 * Runs an order (already in `paying`) through its channel: the synchronous answer, the
 * polling of a payment waiting for the payer, and the reversal when the outcome stays
 * unknown. Every state change goes through PaymentStateService.
 */
@Injectable()
export class PaymentExecutor {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly state: PaymentStateService,
    private readonly channels: ChannelClient,
    private readonly config: QrPaymentConfig,
    private readonly credit: CreditPaymentService,
    private readonly finals: FinalOrders,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(order: OrderRecord, channel: PaymentChannel, opts: ExecuteOptions): Promise<OrderRecord> {
    // a notification of this payment arriving meanwhile waits for the synchronous answer (FinalOrders)
    const answered = this.finals.answering(order);
    try {
      return await this.executeAnswered(order, channel, opts, answered);
    } finally {
      answered();
    }
  }

  private async executeAnswered(order: OrderRecord, channel: PaymentChannel, opts: ExecuteOptions, answered: () => void): Promise<OrderRecord> {
    const notifyUrl = this.notifyUrl(channel);
    let answer;
    try {
      answer = await this.channels.pay(channel, {
        tenantId: order.tenantId,
        orderId: order.id,
        merchantId: order.merchantId,
        amountFen: Number(order.amountFen),
        kind: opts.kind,
        ...(opts.payerCode !== undefined ? { payerCode: opts.payerCode } : {}),
        ...(opts.payerId !== undefined ? { payerId: opts.payerId } : {}),
        ...(notifyUrl ? { notifyUrl } : {}),
        ...(opts.description ? { description: opts.description.slice(0, 128) } : {}),
      });
    } catch (e) {
      if (!(e instanceof ChannelCallError && e.status >= 400 && e.status < 500)) answered(); // unknown: queries, maybe polls
      if (e instanceof ChannelCallError && e.status >= 400 && e.status < 500) {
        // the channel refused the request itself: no payment was made
        this.logger.warn({ orderId: order.id, channel, status: e.status }, 'channel refused the payment request');
        return (await this.state.apply(order.tenantId, order.id, 'payment_failed', { failureReason: 'channel_rejected' })).order;
      }
      this.logger.warn({ orderId: order.id, channel, err: e }, 'channel payment outcome unknown; querying');
      return this.resolveUnknown(order, channel, opts.waitForFinal);
    }
    // the payer still has to confirm: a notification is not held up by the polling
    if (!orderEventOfChannelStatus(answer.status)) answered();
    return this.handleStatus(order, channel, answer.status, answer, opts.waitForFinal);
  }

  /** Applies a channel status; `user_paying` records what is known and, when waiting, polls. */
  async handleStatus(
    order: OrderRecord,
    channel: PaymentChannel,
    status: ChannelPaymentStatus,
    details: { channelTradeNo?: string; payerId?: string; reason?: string },
    waitForFinal: boolean,
  ): Promise<OrderRecord> {
    const event = orderEventOfChannelStatus(status);
    if (event) {
      const r = await this.state.apply(
        order.tenantId,
        order.id,
        event,
        {
          channel,
          payerId: details.payerId ?? null,
          channelTradeNo: details.channelTradeNo ?? null,
          ...(event === 'payment_succeeded' ? { paidAt: new Date() } : {}),
          ...(event === 'payment_failed' ? { failureReason: reasonCode(details.reason, 'channel_declined') } : {}),
          ...(event === 'reverse' ? { closeReason: 'reversed' } : {}),
        },
        order,
      );
      return r.order;
    }
    await inTenantTransaction(this.ds, order.tenantId, (em) =>
      this.repo.recordChannelDetails(em, order.id, { payerId: details.payerId ?? null, channelTradeNo: details.channelTradeNo ?? null }),
    );
    if (!waitForFinal) return this.current(order);
    return this.pollUntilFinal(order, channel);
  }

  /** Queries with backoff until the payment is final or the deadline passes, then reverses. */
  private async pollUntilFinal(order: OrderRecord, channel: PaymentChannel): Promise<OrderRecord> {
    const c = this.config;
    for (const delay of pollSchedule(c.QR_POS_POLL_INITIAL_MS, Math.max(c.QR_POS_POLL_MAX_MS, c.QR_POS_POLL_INITIAL_MS), c.QR_POS_CONFIRM_DEADLINE_MS)) {
      await sleep(delay);
      const now = await this.current(order);
      if (isTerminalOrderState(now.state)) return now; // a notification got there first
      const q = await this.channels.query(channel, order.tenantId, order.id).catch((err: unknown) => {
        this.logger.warn({ orderId: order.id, channel, err }, 'payment query failed; will retry');
        return undefined;
      });
      if (q && orderEventOfChannelStatus(q.status)) return this.handleStatus(order, channel, q.status, q, false);
    }
    this.logger.info({ orderId: order.id, channel }, 'payer did not confirm before the deadline; reversing');
    return this.reverse(order, channel);
  }

  /** After a timeout: query once; still paying → keep polling (when waiting); unknown → reverse. */
  private async resolveUnknown(order: OrderRecord, channel: PaymentChannel, waitForFinal: boolean): Promise<OrderRecord> {
    const q = await this.channels.query(channel, order.tenantId, order.id).catch(() => undefined);
    if (q) return this.handleStatus(order, channel, q.status, q, waitForFinal);
    return this.reverse(order, channel);
  }

  /**
   * A QR payment still `paying` long after it started (the payer never confirmed and no
   * notification came): take the channel's final answer if it has one, else reverse.
   */
  async settleStale(order: OrderRecord): Promise<OrderRecord> {
    if (order.state !== 'paying' || !order.channel) return order;
    if (order.channel === 'county_credit') return this.credit.resume(order);
    const q = await this.channels.query(order.channel, order.tenantId, order.id).catch(() => undefined);
    if (q && orderEventOfChannelStatus(q.status)) return this.handleStatus(order, order.channel, q.status, q, false);
    return this.reverse(order, order.channel);
  }

  /** Reverses at the channel and closes the order (reason `reversed`) once the channel confirms. */
  async reverse(order: OrderRecord, channel: PaymentChannel): Promise<OrderRecord> {
    // the payer's credit line: no channel to reverse at, credit's hold is released
    if (channel === 'county_credit') return this.credit.cancel(order);
    let unknownToChannel = false;
    try {
      const r = await this.channels.reverse(channel, order.tenantId, order.id);
      if (r.status === 'reversed' || r.status === 'closed')
        return (await this.state.apply(order.tenantId, order.id, 'reverse', { channel, closeReason: 'reversed' })).order;
    } catch (err) {
      if (!(err instanceof ChannelTimeoutError || err instanceof ChannelCallError)) throw err;
      unknownToChannel = err instanceof ChannelCallError && err.status === 404;
      this.logger.warn({ orderId: order.id, channel, err }, 'reversal not confirmed by the channel');
    }
    // the channel refused to reverse (e.g. the payment has just succeeded): take what it says now
    let q: Awaited<ReturnType<ChannelClient['query']>> | 'no_answer';
    try {
      q = await this.channels.query(channel, order.tenantId, order.id);
    } catch {
      q = 'no_answer';
    }
    if (q !== 'no_answer' && q && orderEventOfChannelStatus(q.status)) return this.handleStatus(order, channel, q.status, q, false);
    if (unknownToChannel && q === undefined) {
      // the channel answers, and has no payment of this order at all (the pay call never reached it,
      // e.g. it was killed mid-call): nothing was taken, nothing to reverse — the order closes
      this.logger.warn({ orderId: order.id, channel }, 'the channel has no payment of this order; closed as reversed');
      return (await this.state.apply(order.tenantId, order.id, 'reverse', { channel, closeReason: 'reversed' })).order;
    }
    this.logger.error({ orderId: order.id, channel }, 'payment outcome still unknown after a reversal attempt; left in paying');
    return this.current(order);
  }

  private async current(order: OrderRecord): Promise<OrderRecord> {
    return (await inTenantTransaction(this.ds, order.tenantId, (em) => this.repo.findById(em, order.id))) ?? order;
  }

  private notifyUrl(channel: PaymentChannel): string | undefined {
    const base = this.config.QR_NOTIFY_BASE_URL.replace(/\/$/, '');
    return base ? `${base}/qr/notify/${channel}` : undefined;
  }
}
