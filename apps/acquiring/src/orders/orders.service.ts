import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceUrlsConfig } from '@countypay/config';
import { ApiError } from '@countypay/contracts';
import { annotateActiveSpan, type Logger } from '@countypay/observability';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { LOGGER, pageRequest } from '@countypay/service-kit';
import { AcquiringConfig } from '../config/acquiring.config';
import { AcquiringChannelClient, ChannelCallError, ChannelTimeoutError, type OnlineOrderAnswer } from '../channel/channel.client';
import { transition } from '../domain/order-state';
import { cashierActionOf, channelOfMethod, type OnlineMethod } from '../domain/payment-methods';
import type { AcquiringOrder, AcquiringPayment } from './dto/acquiring-order.dto';
import type { CreateAcquiringOrderRequest, ListAcquiringOrdersQuery } from './dto/orders.dto';
import { OrderIntake } from './order-intake';
import type { OrderScope } from './order-scope';
import { orderView } from './order-view';
import { OrdersRepository, type OrderRecord } from './orders.repository';
import { PaymentSyncService } from './payment-sync.service';

/** A payment by a wallet or UnionPay online (county credit goes through CreditPaymentService). */
export interface OnlinePayRequest {
  method: OnlineMethod;
  payerId?: string;
}

/** Online orders: create, query, list, close, and the payer's choice of method. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly intake: OrderIntake,
    private readonly sync: PaymentSyncService,
    private readonly channels: AcquiringChannelClient,
    private readonly config: AcquiringConfig,
    private readonly urls: ServiceUrlsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(scope: OrderScope, dto: CreateAcquiringOrderRequest): Promise<AcquiringOrder> {
    const expiresAt = new Date(Date.now() + (dto.expiresInSeconds ?? this.config.ACQ_ORDER_EXPIRES_SECONDS) * 1000);
    const order = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.intake.open(em, {
        tenantId: scope.tenantId,
        appId: scope.appId,
        outTradeNo: dto.outTradeNo,
        merchantId: dto.merchantId,
        amountFen: BigInt(dto.amountFen),
        subject: dto.subject,
        goods: dto.goods ? dto.goods.map((g) => ({ goodsId: g.goodsId, name: g.name, quantity: g.quantity, priceFen: g.priceFen })) : null,
        profitSharing: dto.profitSharing ?? false,
        notifyUrl: dto.notifyUrl ?? null,
        returnUrl: dto.returnUrl ?? null,
        expiresAt,
      }),
    );
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
    return orderView(order);
  }

  async get(scope: OrderScope, id: string): Promise<AcquiringOrder> {
    return orderView(await this.load(scope, id));
  }

  async getByOutTradeNo(scope: OrderScope, outTradeNo: string): Promise<AcquiringOrder> {
    if (scope.seesAllApps) {
      const page = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.list(em, { tenantId: scope.tenantId, outTradeNo }, { limit: 2 }));
      const [only, other] = page.data;
      if (!only) throw new ApiError('not_found', `no acquiring order with outTradeNo '${outTradeNo}'`, 'outTradeNo');
      if (other) throw new ApiError('invalid_request', `several apps use outTradeNo '${outTradeNo}'; list orders with outTradeNo to see them`, 'outTradeNo');
      return orderView(only);
    }
    const o = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.findByOutTradeNo(em, scope.tenantId, scope.appId, outTradeNo));
    if (!o) throw new ApiError('not_found', `no acquiring order with outTradeNo '${outTradeNo}'`, 'outTradeNo');
    return orderView(o);
  }

  async list(scope: OrderScope, q: ListAcquiringOrdersQuery): Promise<Page<AcquiringOrder>> {
    const page = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.repo.list(
        em,
        {
          tenantId: scope.tenantId,
          ...(scope.seesAllApps ? {} : { appId: scope.appId }),
          outTradeNo: q.outTradeNo,
          state: q.status,
          merchantId: q.merchantId,
          createdFrom: instant(q.createdFrom, 'createdFrom'),
          createdTo: instant(q.createdTo, 'createdTo'),
          minAmountFen: q.minAmountFen !== undefined ? BigInt(q.minAmountFen) : undefined,
          maxAmountFen: q.maxAmountFen !== undefined ? BigInt(q.maxAmountFen) : undefined,
        },
        pageRequest(q),
      ),
    );
    return { data: page.data.map(orderView), nextCursor: page.nextCursor };
  }

  /** Closes an unpaid order: a payment in progress is closed at the channel first (a channel that says paid wins). */
  async close(scope: OrderScope, id: string): Promise<AcquiringOrder> {
    const order = await this.load(scope, id);
    const allowed = transition(order.state, 'close');
    if (!allowed.ok) throw new ApiError('invalid_state_transition', allowed.message);
    const closed = await this.sync.closeOrder(order, 'close', 'closed_by_partner');
    if (closed.state !== 'closed') {
      const check = transition(closed.state, 'close');
      throw new ApiError('invalid_state_transition', check.ok ? `order ${id} changed concurrently; retry` : check.message);
    }
    return orderView(closed);
  }

  /**
   * The payer chose a method: the order moves to `paying` (the channel must be enabled for the
   * county), the channel's prepay order is created, and the cashier gets what it needs. Paying
   * never makes the order succeeded: the channel's notification or an active query does.
   */
  async pay(tenantId: string, id: string, dto: OnlinePayRequest, scope?: OrderScope): Promise<AcquiringPayment> {
    const channel = channelOfMethod(dto.method);
    const now = new Date();
    const current = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, id));
    if (!current || (scope && !scope.seesAllApps && current.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${id}`);
    if ((current.state === 'created' || current.state === 'paying') && current.expiresAt <= now) {
      await this.sync.closeOrder(current, 'expire', 'expired');
      throw new ApiError('order_expired', `order ${id} expired at ${current.expiresAt.toISOString()}; create a new order`);
    }
    // the payer switches to another channel: the old channel's order is closed first (a payment there wins)
    if (current.state === 'paying' && current.channel && current.channel !== channel) {
      const after = await this.sync.closeAtChannel(current);
      if (after.state !== 'paying') throw new ApiError('order_not_payable', `order ${id} is ${after.state}; only an unpaid open order can be paid`);
    }
    const started = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const order = await this.repo.findById(em, id, { lock: true });
      if (!order) throw new ApiError('not_found', `no acquiring order ${id}`);
      return this.intake.startPayment(em, order, dto.method, channel);
    });
    annotateActiveSpan({ 'payment.id': id, 'merchant.id': started.merchantId, 'tenant.id': tenantId });
    let answer: OnlineOrderAnswer;
    try {
      answer = await this.channels.createOnlineOrder(channel, {
        tenantId,
        orderId: id,
        merchantId: started.merchantId,
        amountFen: Number(started.amountFen),
        method: dto.method,
        description: started.subject,
        expiresAt: started.expiresAt.toISOString(),
        ...(dto.payerId ? { payerId: dto.payerId } : {}),
        ...(this.notifyUrl(channel) ? { notifyUrl: this.notifyUrl(channel) } : {}),
      });
    } catch (e) {
      // the order stays `paying`: the payer may retry; the sweeps query the channel and close it at expiry
      if (e instanceof ChannelTimeoutError) throw new ApiError('channel_timeout', `the ${channel} channel did not answer in time; try again`);
      if (e instanceof ChannelCallError) {
        this.logger.warn({ orderId: id, channel, status: e.status }, 'channel refused the online order');
        throw new ApiError('channel_error', `the ${channel} channel refused the payment (HTTP ${e.status})`);
      }
      throw e;
    }
    const after = await this.sync.report(tenantId, id, { channel, status: answer.status, channelTradeNo: answer.channelTradeNo, amountFen: started.amountFen });
    return {
      order: orderView(after),
      next: {
        action: cashierActionOf(dto.method),
        ...(answer.payParams ? { payParams: answer.payParams } : {}),
        ...(answer.redirectUrl ? { redirectUrl: answer.redirectUrl } : {}),
        ...(answer.qrPayload ? { qrPayload: answer.qrPayload } : {}),
      },
    };
  }

  /** The order as the public cashier sees it (no caller identity: the order id is the capability). */
  async forCashier(id: string, tenantId: string): Promise<OrderRecord | undefined> {
    return inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, id));
  }

  private notifyUrl(channel: string): string | undefined {
    let base = this.config.ACQ_NOTIFY_BASE_URL;
    if (!base) {
      try {
        base = this.urls.url('acquiring');
      } catch {
        return undefined; // no notifications: the sweeps query the channel
      }
    }
    return `${base.replace(/\/$/, '')}/acquiring/notify/${channel}`;
  }

  private async load(scope: OrderScope, id: string): Promise<OrderRecord> {
    const o = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.findById(em, id));
    if (!o || (!scope.seesAllApps && o.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${id}`);
    annotateActiveSpan({ 'payment.id': o.id, 'merchant.id': o.merchantId, 'tenant.id': scope.tenantId });
    return o;
  }
}

/** A validated ISO instant of a query as a Date (a calendar-impossible one, e.g. 02-31, is a 400 naming it). */
function instant(value: string | undefined, param: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== new Date(Date.parse(value)).toISOString().slice(0, 10))
    throw new ApiError('invalid_request', `${param} is not a valid instant`, param);
  return d;
}
