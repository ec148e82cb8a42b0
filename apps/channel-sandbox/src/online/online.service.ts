import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type Fen } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { ChannelSandboxConfig } from '../config/channel-sandbox.config';
import { behaviourForAmount, planFor, type DeclineReason } from '../domain/behaviour';
import { newTradeNo, type Channel } from '../domain/channels';
import { derivePayerId } from '../domain/payer';
import { nextStatus, type PaymentStatus } from '../domain/payment-state';
import { NotificationDispatcher, type ScheduledNotification } from '../notifications/notification.dispatcher';
import type { PaymentNotification } from '../notifications/notification.types';
import { PaymentsRepository, type PaymentRow } from '../payments/payments.repository';
import { PaymentsService, type RefundAnswer } from '../payments/payments.service';
import { ScenarioStore } from '../scenarios/scenario.store';
import type { CreateOnlineOrderDto, OnlineRefundDto } from './dto/online.dto';
import { channelOfOnlineMethod, instructionFor, type OnlineInstruction, type OnlineMethod } from './online-methods';

export interface PayerOutcome {
  status: PaymentStatus;
  channelTradeNo: string;
  orderId: string;
  amountFen: Fen;
  reason?: string;
}

export interface OnlineOrderAnswer extends OnlineInstruction {
  status: PaymentStatus;
  channelTradeNo: string;
  orderId: string;
  amountFen: Fen;
  method: OnlineMethod;
}

/**
 * Online payments of the simulated wallets and UnionPay: a prepay order waits for the payer
 * (`user_paying`) until the simulated payer pays or declines on the channel's page; the outcome
 * goes to the order's notifyUrl, signed, delivered as the amount's behaviour says (once, twice,
 * a stale one after, or late). Queries, closes and refunds are the channel's ordinary API
 * (`/channels/:channel/payments/…`), on the same orders.
 */
@Injectable()
export class OnlineService implements OnApplicationShutdown {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    private readonly ds: DataSource,
    private readonly repo: PaymentsRepository,
    private readonly payments: PaymentsService,
    private readonly scenarios: ScenarioStore,
    private readonly notifier: NotificationDispatcher,
    private readonly config: ChannelSandboxConfig,
  ) {}

  async createOrder(channel: Channel, dto: CreateOnlineOrderDto, checkoutBase: string): Promise<OnlineOrderAnswer> {
    if (channelOfOnlineMethod(dto.method) !== channel) throw new ApiError('invalid_request', `${dto.method} is not a ${channel} method`, 'method');
    const behaviour = this.takeOrderScenario(channel, dto.tenantId, dto.orderId) ?? behaviourForAmount(BigInt(dto.amountFen));
    const row = await inTenantTransaction(this.ds, dto.tenantId, async (em) => {
      const existing = await this.repo.find(em, { channel, orderId: dto.orderId });
      if (existing) {
        if (existing.amountFen !== BigInt(dto.amountFen) || existing.merchantId !== dto.merchantId)
          throw new ApiError('channel_order_mismatch', `order ${dto.orderId} already exists with another amount or merchant`, 'orderId');
        return existing;
      }
      const inserted = await this.repo.insert(em, {
        tenantId: dto.tenantId,
        channel,
        orderId: dto.orderId,
        channelTradeNo: newTradeNo(channel),
        merchantId: dto.merchantId,
        amountFen: BigInt(dto.amountFen),
        kind: 'online',
        payerId: derivePayerId(channel, { orderId: dto.orderId, ...(dto.payerId ? { payerId: dto.payerId } : {}) }),
        ...(dto.notifyUrl ? { notifyUrl: dto.notifyUrl } : {}),
        ...(dto.description ? { description: dto.description } : {}),
        behaviour,
      });
      return inserted ?? (await this.repo.find(em, { channel, orderId: dto.orderId }));
    });
    if (!row) throw new Error(`order ${dto.orderId} vanished`);
    if (planFor(row.behaviour).hang) {
      await this.sleep(this.config.SANDBOX_TIMEOUT_MS);
      throw new ApiError('channel_timeout', `the ${channel} channel did not answer in time; query the order`);
    }
    return {
      status: row.status,
      channelTradeNo: row.channelTradeNo,
      orderId: row.orderId,
      amountFen: Number(row.amountFen),
      method: dto.method,
      ...instructionFor(dto.method, { orderId: row.orderId, tenantId: row.tenantId, channelTradeNo: row.channelTradeNo, checkoutBase }),
    };
  }

  /**
   * The simulated payer on the channel's page: pays (a magic decline amount still declines) or
   * declines. The channel's order is final afterwards and its notification is sent.
   */
  async payerAction(
    channel: Channel,
    tenantId: string,
    orderId: string,
    action: 'pay' | 'decline',
    reason?: DeclineReason,
    notify = true,
  ): Promise<PayerOutcome> {
    const row = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.repo.find(em, { channel, orderId }, { lock: true });
      if (!p) throw new ApiError('payment_not_found', `no ${channel} order ${orderId}`, 'orderId');
      const plan = planFor(p.behaviour);
      const decline = action === 'decline' ? (reason ?? 'insufficient_funds') : plan.outcome.status === 'failed' ? plan.outcome.reason : undefined;
      const to = nextStatus(p.status, decline ? 'fail' : 'succeed');
      if (!to) throw new ApiError('invalid_state_transition', `a ${p.status} order cannot be paid or declined`, 'orderId');
      const updated = await this.repo.setStatus(em, { channel, orderId }, to, decline ?? null);
      if (to === 'succeeded')
        await this.repo.addStatementLine(em, tenantId, {
          channel,
          channelTradeNo: p.channelTradeNo,
          orderId,
          type: 'payment',
          amountFen: p.amountFen,
          status: 'succeeded',
        });
      return updated;
    });
    if (notify) this.notify(row);
    return { status: row.status, channelTradeNo: row.channelTradeNo, orderId, amountFen: Number(row.amountFen), ...(row.reason ? { reason: row.reason } : {}) };
  }

  /**
   * A payer who had the channel's page open pays although the platform closed the order at the
   * channel just before (the channel's close lost the race): the sandbox marks the closed order
   * paid and notifies — what the platform must turn into an exception and a refund. With `notify`
   * false the notification is lost: the success is on the channel's statement and in its query
   * answer only (what reconciliation must find).
   */
  async payAfterClose(channel: Channel, tenantId: string, orderId: string, notify = true): Promise<PayerOutcome> {
    const row = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.repo.find(em, { channel, orderId }, { lock: true });
      if (!p) throw new ApiError('payment_not_found', `no ${channel} order ${orderId}`, 'orderId');
      if (p.status !== 'closed' && p.status !== 'user_paying') throw new ApiError('invalid_state_transition', `a ${p.status} order cannot be paid`, 'orderId');
      const opened = p.status === 'closed' ? await this.repo.setStatus(em, { channel, orderId }, 'user_paying', null) : p;
      const paid = await this.repo.setStatus(em, { channel, orderId }, 'succeeded', null);
      await this.repo.addStatementLine(em, tenantId, {
        channel,
        channelTradeNo: opened.channelTradeNo,
        orderId,
        type: 'payment',
        amountFen: p.amountFen,
        status: 'succeeded',
      });
      return paid;
    });
    if (notify) this.notify(row);
    return { status: row.status, channelTradeNo: row.channelTradeNo, orderId, amountFen: Number(row.amountFen), ...(row.reason ? { reason: row.reason } : {}) };
  }

  /** A refund through the channel's refund API; a `timeout` scenario set for the order makes the answer hang (the refund itself goes through). */
  async refund(channel: Channel, dto: OnlineRefundDto): Promise<RefundAnswer> {
    const hang = this.takeOrderScenario(channel, dto.tenantId, dto.orderId) === 'timeout';
    const answer = await this.payments.refund(channel, dto);
    if (hang) {
      await this.sleep(this.config.SANDBOX_TIMEOUT_MS);
      throw new ApiError('channel_timeout', `the ${channel} channel did not answer the refund in time; query it`);
    }
    return answer;
  }

  /** 退款查询. */
  queryRefund(channel: Channel, tenantId: string, refundId: string): Promise<RefundAnswer> {
    return this.payments.queryRefund(channel, tenantId, refundId);
  }

  async find(channel: Channel, tenantId: string, orderId: string): Promise<PaymentRow | undefined> {
    return inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, { channel, orderId }));
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  /** Only a scenario set for this very order (a channel-wide one belongs to the channel's next payment). */
  private takeOrderScenario(channel: Channel, tenantId: string, orderId: string) {
    const mine = this.scenarios.list().some((s) => s.channel === channel && s.orderId === orderId && (!s.tenantId || s.tenantId === tenantId));
    return mine ? this.scenarios.take(channel, tenantId, orderId) : undefined;
  }

  private notify(p: PaymentRow): void {
    if (!p.notifyUrl) return;
    const body = (status: PaymentStatus, at: Date): PaymentNotification => ({
      channel: p.channel,
      tenantId: p.tenantId,
      orderId: p.orderId,
      channelTradeNo: p.channelTradeNo,
      status,
      amountFen: Number(p.amountFen),
      payerId: p.payerId,
      ...(p.reason && status === p.status ? { reason: p.reason } : {}),
      at: at.toISOString(),
      notifyId: randomUUID(),
    });
    const final = body(p.status, p.updatedAt);
    let items: ScheduledNotification[];
    switch (planFor(p.behaviour).notify) {
      case 'twice':
        items = [
          { body: final, delayMs: 0 },
          { body: final, delayMs: 0 },
        ];
        break;
      case 'stale_after':
        items = [
          { body: final, delayMs: 0 },
          { body: body('user_paying', p.createdAt), delayMs: 0 },
        ];
        break;
      case 'late':
        items = [{ body: final, delayMs: this.config.SANDBOX_LATE_NOTIFY_MS }];
        break;
      default:
        items = [{ body: final, delayMs: 0 }];
    }
    this.notifier.dispatch(p.notifyUrl, items);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
      };
      this.timers.add(entry);
    });
  }
}
