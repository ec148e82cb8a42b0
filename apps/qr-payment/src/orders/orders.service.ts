import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type PaymentChannel } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { renderQrPng, renderQrSvg } from '@countypay/emvco';
import { shanghaiBusinessDay } from '../domain/barcode-limits';
import { transition } from '../domain/order-state';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { assertEnabled, ReadModelService } from '../read-model/read-model.service';
import type { MerchantView } from '../read-model/read-model.repository';
import type { CreateOrderDto, ListOrdersQuery, PayOrderDto } from './dto/orders.dto';
import { decodeCursor, encodeCursor, orderView, type OrderView } from './order-view';
import { OrdersRepository, type OrderRecord } from './orders.repository';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';
import { dynamicOrderPayload } from './qr-payload';

/** Who is acting on orders: the tenant and, for partner apps, the app (orders are per app). */
export interface OrderScope {
  tenantId: string;
  /** '' for operators; a partner app sees and creates only its own orders */
  appId: string;
  /** operators (county, province) see every order of the tenant */
  seesAllApps: boolean;
}

/** Merchant-presented dynamic codes, and the query/list/close of every order. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly readModel: ReadModelService,
    private readonly state: PaymentStateService,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
  ) {}

  /**
   * A dynamic code for one order. The image is served at `qr.pngPath`/`qr.svgPath` (rendering a
   * PNG costs tens of milliseconds of CPU, so the hot path returns the payload and the URLs).
   */
  async createDynamic(scope: OrderScope, dto: CreateOrderDto): Promise<OrderView & { qr: { payload: string; pngPath: string; svgPath: string } }> {
    const now = new Date();
    const id = randomUUID();
    const { order, merchant } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const config = await this.readModel.tenantConfig(em);
      assertEnabled(config, 'qr');
      const m = await this.readModel.activeMerchant(em, dto.merchantId);
      if (dto.storeId) assertStore(m, dto.storeId);
      const inserted = await this.repo.insert(em, {
        id,
        tenantId: scope.tenantId,
        appId: scope.appId,
        outTradeNo: dto.outTradeNo,
        merchantId: m.merchantId,
        storeId: dto.storeId ?? null,
        kind: 'dynamic',
        amountFen: BigInt(dto.amountFen),
        state: 'created',
        description: dto.description ?? null,
        businessDay: shanghaiBusinessDay(now),
        expiresAt: new Date(now.getTime() + (dto.expiresInSeconds ?? this.config.QR_ORDER_EXPIRES_SECONDS) * 1000),
      });
      if (!inserted) throw duplicateOutTradeNo(dto.outTradeNo);
      return { order: inserted, merchant: m };
    });
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
    const payload = dynamicOrderPayload({ tenantId: scope.tenantId, merchant, storeId: order.storeId, orderId: order.id, amountFen: order.amountFen });
    return { ...orderView(order), qr: { payload, pngPath: `/qr/orders/${order.id}/qr.png`, svgPath: `/qr/orders/${order.id}/qr.svg` } };
  }

  async get(scope: OrderScope, id: string): Promise<OrderView> {
    return orderView(await this.load(scope, id));
  }

  async list(scope: OrderScope, q: ListOrdersQuery): Promise<{ data: OrderView[]; nextCursor: string | null }> {
    const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
    if (q.cursor !== undefined && !after) throw new ApiError('invalid_request', 'the cursor is not one this API returned', 'cursor');
    const limit = q.limit ?? 20;
    const rows = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.repo.list(em, {
        ...(scope.seesAllApps ? {} : { appId: scope.appId }),
        ...(q.outTradeNo !== undefined ? { outTradeNo: q.outTradeNo } : {}),
        ...(q.status !== undefined ? { state: q.status } : {}),
        ...(q.merchantId !== undefined ? { merchantId: q.merchantId } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    return { data: page.map(orderView), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  /** Closes an unpaid order; a payment in progress is reversed at the channel. */
  async close(scope: OrderScope, id: string): Promise<OrderView> {
    const order = await this.load(scope, id);
    if (order.state === 'paying' && order.channel) return orderView(await this.executor.reverse(order, order.channel));
    const r = await this.state.apply(scope.tenantId, id, 'close', { closeReason: 'closed_by_partner' });
    if (!r.applied) {
      const check = transition(r.order.state, 'close');
      throw new ApiError('invalid_state_transition', check.ok ? `order ${id} changed concurrently; retry` : check.message);
    }
    return orderView(r.order);
  }

  /** A wallet pays a dynamic code it scanned: through its channel, finished by the channel's answer or notification. */
  async payDynamic(tenantId: string, id: string, dto: PayOrderDto): Promise<OrderView> {
    const now = new Date();
    const started = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const config = await this.readModel.tenantConfig(em);
      assertEnabled(config, 'qr', dto.channel);
      const order = await this.repo.findById(em, id, { lock: true });
      if (!order || order.kind !== 'dynamic') throw new ApiError('not_found', `no dynamic payment order ${id}`);
      await this.readModel.activeMerchant(em, order.merchantId);
      if (order.state === 'created' && order.expiresAt && order.expiresAt <= now) {
        await this.state.applyIn(em, id, 'expire', { closeReason: 'expired' });
        return { expired: true as const, order };
      }
      const next = transition(order.state, 'start_payment');
      if (!next.ok) throw new ApiError('order_not_payable', `order ${id} is ${order.state}; only a created order can be paid`);
      const paying = await this.repo.changeState(em, id, order.state, next.state, { channel: dto.channel, payerId: dto.payerId });
      if (!paying) throw new ApiError('conflict', `order ${id} changed concurrently; retry`);
      return { expired: false as const, order: paying };
    });
    if (started.expired) {
      this.state.wake();
      throw new ApiError('order_expired', `order ${id} expired at ${started.order.expiresAt?.toISOString()}; create a new order`);
    }
    annotateActiveSpan({ 'payment.id': id, 'merchant.id': started.order.merchantId, 'tenant.id': tenantId });
    const channel: PaymentChannel = dto.channel;
    const done = await this.executor.execute(started.order, channel, {
      kind: 'qr_dynamic',
      payerId: dto.payerId,
      ...(started.order.description ? { description: started.order.description } : {}),
      waitForFinal: false,
    });
    return orderView(done);
  }

  async qrImage(scope: OrderScope, id: string, format: 'png' | 'svg'): Promise<Buffer | string> {
    const { order, merchant } = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const o = await this.repo.findById(em, id);
      if (!o || o.kind !== 'dynamic' || (!scope.seesAllApps && o.appId !== scope.appId)) throw new ApiError('not_found', `no dynamic payment order ${id}`);
      return { order: o, merchant: await this.readModel.merchant(em, o.merchantId) };
    });
    const payload = dynamicOrderPayload({ tenantId: scope.tenantId, merchant, storeId: order.storeId, orderId: order.id, amountFen: order.amountFen });
    return format === 'png' ? renderQrPng(payload) : renderQrSvg(payload);
  }

  private async load(scope: OrderScope, id: string): Promise<OrderRecord> {
    const o = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.repo.findById(em, id));
    if (!o || (!scope.seesAllApps && o.appId !== scope.appId)) throw new ApiError('not_found', `no payment order ${id}`);
    annotateActiveSpan({ 'payment.id': o.id, 'merchant.id': o.merchantId, 'tenant.id': scope.tenantId });
    return o;
  }
}

export function duplicateOutTradeNo(outTradeNo: string): ApiError {
  return new ApiError('duplicate_out_trade_no', `an order with outTradeNo '${outTradeNo}' already exists for this app; use a new number or query the existing order`, 'outTradeNo');
}

/** The store must belong to the merchant and be active. */
export function assertStore(m: MerchantView, storeId: string): void {
  const store = m.stores.find((s) => s.storeId === storeId);
  if (!store) throw new ApiError('not_found', `merchant ${m.merchantId} has no store ${storeId}`, 'storeId');
  if (store.status !== 'active') throw new ApiError('merchant_not_active', `store ${storeId} is ${store.status}`, 'storeId');
}
