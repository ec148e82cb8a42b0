import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, type Fen } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { ChannelSandboxConfig } from '../config/channel-sandbox.config';
import { CoreBankingService } from '../core-banking/core-banking.service';
import { behaviourForAmount, payerHasConfirmed, planFor, type Behaviour, type PaymentPlan } from '../domain/behaviour';
import { newRefundNo, newTradeNo, type Channel } from '../domain/channels';
import { derivePayerId } from '../domain/payer';
import { nextStatus, type PaymentStatus } from '../domain/payment-state';
import { NotificationDispatcher, type ScheduledNotification } from '../notifications/notification.dispatcher';
import type { PaymentNotification } from '../notifications/notification.types';
import { ScenarioStore } from '../scenarios/scenario.store';
import type { CreatePaymentDto, CreateRefundDto } from './dto/payment.dto';
import { PaymentsRepository, type NewPayment, type PaymentKey, type PaymentRow, type RefundRow } from './payments.repository';

/** A payment call's order, and the plan it was taken with (none: a repeat, answered as it stands). */
interface Taken {
  row: PaymentRow;
  plan: PaymentPlan | undefined;
}

export interface PaymentAnswer {
  status: PaymentStatus;
  channelTradeNo: string;
  reason?: string;
  payerId: string;
  orderId: string;
  amountFen: Fen;
}

export interface PaymentView extends PaymentAnswer {
  refundedFen: Fen;
}

export interface RefundAnswer {
  status: 'succeeded' | 'failed';
  channelRefundNo: string;
  reason?: string;
  refundId: string;
  orderId: string;
  amountFen: Fen;
}

const answer = (p: PaymentRow): PaymentAnswer => ({
  status: p.status,
  channelTradeNo: p.channelTradeNo,
  ...(p.reason ? { reason: p.reason } : {}),
  payerId: p.payerId,
  orderId: p.orderId,
  amountFen: Number(p.amountFen),
});

const refundAnswer = (r: RefundRow): RefundAnswer => ({
  status: r.status === 'succeeded' ? 'succeeded' : 'failed',
  channelRefundNo: r.channelRefundNo,
  ...(r.reason ? { reason: r.reason } : {}),
  refundId: r.refundId,
  orderId: r.orderId,
  amountFen: Number(r.amountFen),
});

/**
 * A simulated payment channel (WeChat Pay, Alipay, UnionPay or a county bank): orders keyed by
 * (tenant, channel, order id), their outcome chosen by the behaviour (admin scenario or magic
 * amount), asynchronous notifications, 撤销/关单, refunds never beyond what was paid, and the
 * lines of the daily statement. A county-bank payment debits the payer's deposit account.
 */
@Injectable()
export class PaymentsService implements OnApplicationShutdown {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    private readonly ds: DataSource,
    private readonly repo: PaymentsRepository,
    private readonly core: CoreBankingService,
    private readonly scenarios: ScenarioStore,
    private readonly notifier: NotificationDispatcher,
    private readonly config: ChannelSandboxConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Takes a payment. A repeat of an order answers its current state (and never hangs). */
  async pay(channel: Channel, dto: CreatePaymentDto, decided?: Behaviour): Promise<PaymentAnswer> {
    const key: PaymentKey = { channel, orderId: dto.orderId };
    const tenantId = dto.tenantId;
    const outcome = channel === 'county_bank' ? await this.takeInTransaction(channel, dto, decided) : await this.takeInOne(channel, dto, decided);
    const plan = outcome.plan;
    if (!plan) return answer(outcome.row);
    if (outcome.row.status !== 'user_paying') this.notify(outcome.row);
    else if (plan.outcome.status === 'user_paying' && plan.outcome.settles) this.settleLater(tenantId, key);
    if (plan.hang) {
      await this.sleep(this.config.SANDBOX_TIMEOUT_MS);
      throw new ApiError('channel_timeout', `the ${channel} channel did not answer in time; query the order for its outcome`);
    }
    return answer(outcome.row);
  }

  /**
   * A wallet channel's new payment: ONE statement, its own transaction (`sandbox_take_payment`): the
   * order inserted in the outcome the channel decides, a success with its statement line (issue 14:
   * was begin + set_config, repeat check, insert, read, update, statement line, commit). A repeat finds
   * its order number taken, puts back the scenario it took and answers the current state.
   */
  private async takeInOne(channel: Channel, dto: CreatePaymentDto, decided?: Behaviour): Promise<Taken> {
    const tenantId = dto.tenantId;
    // `decided`: the channel's own refusal (a revoked quick-pay agreement) wins over scenarios and magic amounts
    const scenario = decided ? undefined : this.scenarios.takeUndoable(channel, tenantId, dto.orderId);
    const behaviour = decided ?? scenario?.behaviour ?? behaviourForAmount(BigInt(dto.amountFen));
    const plan = planFor(behaviour);
    const inserted = await this.repo.take(this.ds, this.newPayment(channel, dto, derivePayerId(channel, dto), behaviour), this.decidedNow(plan));
    if (inserted) return { row: inserted, plan };
    // a repeat consumes no scenario
    scenario?.undo();
    const existing = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, { channel, orderId: dto.orderId }));
    if (!existing) throw new Error(`order ${dto.orderId} vanished`);
    return { row: this.sameOrder(existing, dto), plan: undefined };
  }

  /** A county bank's new payment: one transaction — the payer's account, the order, the debit (which may refuse). */
  private async takeInTransaction(channel: Channel, dto: CreatePaymentDto, decided?: Behaviour): Promise<Taken> {
    const tenantId = dto.tenantId;
    const key: PaymentKey = { channel, orderId: dto.orderId };
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      // a repeat consumes no scenario: the one taken is put back
      const scenario = decided ? undefined : this.scenarios.takeUndoable(channel, tenantId, dto.orderId);
      const behaviour = decided ?? scenario?.behaviour ?? behaviourForAmount(BigInt(dto.amountFen));
      const plan = planFor(behaviour);
      const payerId = dto.payerId ?? (dto.payerCode ? await this.core.accountForPayerCode(em, dto.payerCode) : undefined) ?? derivePayerId(channel, dto);
      // the debit comes first (it may refuse): a payment to succeed is inserted waiting, then settled
      const now = plan.outcome.status === 'succeeded' ? { status: 'user_paying' as const, reason: null } : this.decidedNow(plan);
      const inserted = await this.repo.insert(em, this.newPayment(channel, dto, payerId, behaviour), now);
      if (!inserted) {
        scenario?.undo();
        const existing = await this.repo.find(em, key);
        if (!existing) throw new Error(`order ${dto.orderId} vanished`);
        return { row: this.sameOrder(existing, dto), plan: undefined };
      }
      if (plan.outcome.status === 'succeeded') return { row: (await this.settleRow(em, inserted)).row, plan };
      return { row: inserted, plan };
    });
  }

  private newPayment(channel: Channel, dto: CreatePaymentDto, payerId: string, behaviour: Behaviour): NewPayment {
    return {
      tenantId: dto.tenantId,
      channel,
      orderId: dto.orderId,
      channelTradeNo: newTradeNo(channel),
      merchantId: dto.merchantId,
      amountFen: BigInt(dto.amountFen),
      kind: dto.kind,
      payerCode: dto.payerCode,
      payerId,
      notifyUrl: dto.notifyUrl,
      description: dto.description,
      behaviour,
    };
  }

  /** The status a new payment is inserted in: the outcome the plan decides now (the state table's), else waiting for the payer. */
  private decidedNow(plan: PaymentPlan): { status: PaymentStatus; reason: string | null } {
    if (plan.outcome.status === 'failed') return { status: this.next('user_paying', 'fail'), reason: plan.outcome.reason };
    if (plan.outcome.status === 'succeeded') return { status: this.next('user_paying', 'succeed'), reason: null };
    return { status: 'user_paying', reason: null };
  }

  /** The order's current state; a status query is also how a waiting payer "confirms". */
  async query(channel: Channel, tenantId: string, orderId: string): Promise<PaymentView> {
    const key: PaymentKey = { channel, orderId };
    const { row, settled } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const counted = await this.repo.countQuery(em, key);
      if (!counted) return { row: undefined, settled: false };
      const plan = planFor(counted.behaviour);
      const due = payerHasConfirmed(counted.queryCount, Date.now() - counted.createdAt.getTime(), this.config.SANDBOX_USER_PAYING_MS);
      if (counted.status === 'user_paying' && plan.outcome.status === 'user_paying' && plan.outcome.settles && due) {
        const s = await this.settle(em, key);
        return { row: s.row, settled: s.changed };
      }
      return { row: counted, settled: false };
    });
    if (!row) throw new ApiError('payment_not_found', `no ${channel} order ${orderId}`, 'orderId');
    if (settled) this.notify(row);
    return { ...answer(row), refundedFen: Number(row.refundedFen) };
  }

  /** 撤销/冲正: cancels a payment still waiting for the payer or already succeeded (the money goes back). */
  async reverse(channel: Channel, tenantId: string, orderId: string): Promise<PaymentView> {
    const row = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.locked(em, { channel, orderId });
      const to = nextStatus(p.status, 'reverse');
      if (!to) throw new ApiError('invalid_state_transition', `a ${p.status} order cannot be reversed`, 'orderId');
      if (p.status === 'reversed') return p;
      if (p.status === 'succeeded') {
        const remaining = p.amountFen - p.refundedFen;
        if (channel === 'county_bank' && remaining > 0n)
          await this.core.creditBack(em, tenantId, p.payerId, remaining, `reversal:${p.channelTradeNo}`, 'reversal_credit');
        await this.repo.addStatementLine(em, tenantId, {
          channel,
          channelTradeNo: p.channelTradeNo,
          orderId,
          type: 'reversal',
          amountFen: remaining,
          status: 'reversed',
        });
      }
      return this.repo.setStatus(em, { channel, orderId }, to, p.reason);
    });
    return { ...answer(row), refundedFen: Number(row.refundedFen) };
  }

  /** 关单: ends an order nobody paid. */
  async close(channel: Channel, tenantId: string, orderId: string): Promise<PaymentView> {
    const row = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.locked(em, { channel, orderId });
      const to = nextStatus(p.status, 'close');
      if (!to)
        throw new ApiError(
          'invalid_state_transition',
          `a ${p.status} order cannot be closed${p.status === 'succeeded' ? '; reverse or refund it' : ''}`,
          'orderId',
        );
      return p.status === to ? p : this.repo.setStatus(em, { channel, orderId }, to, p.reason);
    });
    return { ...answer(row), refundedFen: Number(row.refundedFen) };
  }

  /** Refunds part or all of a succeeded payment, once per refund id, never beyond what was paid. */
  async refund(channel: Channel, dto: CreateRefundDto): Promise<RefundAnswer> {
    const tenantId = dto.tenantId;
    const key: PaymentKey = { channel, orderId: dto.orderId };
    const amount = BigInt(dto.amountFen);
    const row = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.locked(em, key);
      const inserted = await this.repo.insertRefund(em, tenantId, channel, {
        refundId: dto.refundId,
        orderId: dto.orderId,
        channelRefundNo: newRefundNo(channel),
        amountFen: amount,
      });
      if (!inserted) {
        const existing = await this.repo.findRefund(em, channel, dto.refundId);
        if (!existing || existing.orderId !== dto.orderId || existing.amountFen !== amount)
          throw new ApiError('reference_mismatch', `refund ${dto.refundId} was already requested with another order or amount`, 'refundId');
        return existing;
      }
      if (p.status !== 'succeeded') return this.repo.setRefundOutcome(em, channel, dto.refundId, 'failed', 'payment_not_succeeded');
      if (!(await this.repo.addRefunded(em, key, amount))) return this.repo.setRefundOutcome(em, channel, dto.refundId, 'failed', 'refund_exceeds_paid');
      if (channel === 'county_bank') await this.core.creditBack(em, tenantId, p.payerId, amount, `refund:${inserted.channelRefundNo}`, 'refund_credit');
      await this.repo.addStatementLine(em, tenantId, {
        channel,
        channelTradeNo: inserted.channelRefundNo,
        orderId: dto.orderId,
        type: 'refund',
        amountFen: amount,
        status: 'succeeded',
      });
      return this.repo.setRefundOutcome(em, channel, dto.refundId, 'succeeded', null);
    });
    return refundAnswer(row);
  }

  /** 退款查询: the channel's record of a refund (of an in-store or an online payment), 404 `payment_not_found` when it has none. */
  async queryRefund(channel: Channel, tenantId: string, refundId: string): Promise<RefundAnswer> {
    const r = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findRefund(em, channel, refundId));
    if (!r) throw new ApiError('payment_not_found', `no ${channel} refund ${refundId}`, 'refundId');
    return refundAnswer(r);
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  private sameOrder(existing: PaymentRow, dto: CreatePaymentDto): PaymentRow {
    if (existing.amountFen !== BigInt(dto.amountFen) || existing.merchantId !== dto.merchantId)
      throw new ApiError('channel_order_mismatch', `order ${dto.orderId} already exists with another amount or merchant`, 'orderId');
    return existing;
  }

  private async locked(em: EntityManager, key: PaymentKey): Promise<PaymentRow> {
    const p = await this.repo.find(em, key, { lock: true });
    if (!p) throw new ApiError('payment_not_found', `no ${key.channel} order ${key.orderId}`, 'orderId');
    return p;
  }

  /** The payer has paid: a county bank debits the deposit account first (which may refuse). */
  private async settle(em: EntityManager, key: PaymentKey): Promise<{ row: PaymentRow; changed: boolean }> {
    return this.settleRow(em, await this.locked(em, key));
  }

  /** `settle` of a row this transaction holds locked (read `for update`, or just inserted). */
  private async settleRow(em: EntityManager, p: PaymentRow): Promise<{ row: PaymentRow; changed: boolean }> {
    if (!nextStatus(p.status, 'succeed')) return { row: p, changed: false };
    if (p.channel === 'county_bank') {
      const debit = await this.core.debitForPayment(em, p.tenantId, p.payerId, p.amountFen, `payment:${p.channelTradeNo}`);
      if (!debit.ok) return { row: await this.finish(em, p, 'fail', debit.reason), changed: true };
    }
    const row = await this.finish(em, p, 'succeed', null);
    await this.repo.addStatementLine(em, p.tenantId, {
      channel: p.channel,
      channelTradeNo: p.channelTradeNo,
      orderId: p.orderId,
      type: 'payment',
      amountFen: p.amountFen,
      status: 'succeeded',
    });
    return { row, changed: true };
  }

  /** The state table's answer for a new payment decided at once (a bug when the table refuses it). */
  private next(from: PaymentStatus, action: 'succeed' | 'fail'): PaymentStatus {
    const to = nextStatus(from, action);
    if (!to) throw new Error(`a ${from} order cannot ${action}`);
    return to;
  }

  private async finish(em: EntityManager, p: PaymentRow, action: 'succeed' | 'fail', reason: string | null): Promise<PaymentRow> {
    const to = nextStatus(p.status, action);
    if (!to) throw new ApiError('invalid_state_transition', `a ${p.status} order cannot ${action}`, 'orderId');
    return this.repo.setStatus(em, p, to, reason);
  }

  /** A `user_paying_then_success` payer confirms by themselves after SANDBOX_USER_PAYING_MS. */
  private settleLater(tenantId: string, key: PaymentKey): void {
    const run = async (): Promise<void> => {
      await this.sleep(this.config.SANDBOX_USER_PAYING_MS);
      const { row, changed } = await inTenantTransaction(this.ds, tenantId, (em) => this.settle(em, key));
      if (changed) this.notify(row);
    };
    run().catch((err: unknown) => this.logger.warn({ err, orderId: key.orderId }, 'delayed settlement failed'));
  }

  /** Sends the order's final state to its notifyUrl, delivered as its behaviour says. */
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

  /** A delay that ends early when the app shuts down. */
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
