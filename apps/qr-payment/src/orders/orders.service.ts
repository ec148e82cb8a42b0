import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type PaymentChannel } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { actorTenant, pageRequest, type Actor } from '@countypay/service-kit';
import { renderQrPng, renderQrSvg } from '@countypay/emvco';
import { transition } from '../domain/order-state';
import { placeOfPayment } from '../domain/store-terminal';
import { QrPaymentConfig } from '../config/qr-payment.config';
import type { CreateQrOrderRequest, ListQrOrdersQuery, PayQrOrderRequest, QrCreditTermsRequest } from './dto/orders.dto';
import type { CreatedQrOrder, QrCreditQuote, QrOrder } from './dto/qr-order.dto';
import { CreditPaymentService } from './credit-payment.service';
import { OrderIntake } from './order-intake';
import type { OrderScope } from './order-scope';
import { orderView } from './order-view';
import { OrdersRepository, type CreditTerms, type OrderRecord } from './orders.repository';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';
import { dynamicOrderPayload } from './qr-payload';

/** Merchant-presented dynamic codes, and the query/list/close of every order. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly intake: OrderIntake,
    private readonly readModel: OnboardingReadModel,
    private readonly state: PaymentStateService,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
    private readonly credit: CreditPaymentService,
  ) {}

  /**
   * A dynamic code for one order. The image is served at `qr.pngPath`/`qr.svgPath` (rendering a
   * PNG costs tens of milliseconds of CPU, so the hot path returns the payload and the URLs).
   */
  async createDynamic(scope: OrderScope, dto: CreateQrOrderRequest): Promise<CreatedQrOrder> {
    const expiresAt = new Date(Date.now() + (dto.expiresInSeconds ?? this.config.QR_ORDER_EXPIRES_SECONDS) * 1000);
    const { order, merchant } = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.intake.open(em, {
        tenantId: scope.tenantId,
        appId: scope.appId,
        outTradeNo: dto.outTradeNo,
        merchantId: dto.merchantId,
        place: (m) => placeOfPayment(m, { storeId: dto.storeId }),
        kind: 'dynamic',
        amountFen: BigInt(dto.amountFen),
        description: dto.description ?? null,
        expiresAt,
        startPayment: false,
      }),
    );
    annotateActiveSpan({ 'payment.id': order.id, 'merchant.id': order.merchantId, 'tenant.id': scope.tenantId });
    const payload = dynamicOrderPayload({ tenantId: scope.tenantId, merchant, storeId: order.storeId, orderId: order.id, amountFen: order.amountFen });
    return { ...orderView(order), qr: { payload, pngPath: `/qr/orders/${order.id}/qr.png`, svgPath: `/qr/orders/${order.id}/qr.svg` } };
  }

  async get(scope: OrderScope, id: string): Promise<QrOrder> {
    return orderView(await this.load(scope, id));
  }

  /** The tenant's orders newest first (a partner app: its own). */
  async list(scope: OrderScope, q: ListQrOrdersQuery): Promise<Page<QrOrder>> {
    const page = await inTenantTransaction(this.ds, scope.tenantId, (em) =>
      this.repo.list(
        em,
        {
          tenantId: scope.tenantId,
          ...(scope.seesAllApps ? {} : { appId: scope.appId }),
          outTradeNo: q.outTradeNo,
          state: q.status,
          merchantId: q.merchantId,
          channelTradeNo: q.channelTradeNo,
          refundId: q.refundId,
          minAmountFen: q.minAmountFen === undefined ? undefined : BigInt(q.minAmountFen),
          maxAmountFen: q.maxAmountFen === undefined ? undefined : BigInt(q.maxAmountFen),
          createdFrom: q.createdFrom === undefined ? undefined : new Date(q.createdFrom),
          createdTo: q.createdTo === undefined ? undefined : new Date(q.createdTo),
        },
        pageRequest(q),
      ),
    );
    return { data: page.data.map(orderView), nextCursor: page.nextCursor };
  }

  /** Closes an unpaid order; a payment in progress is reversed at the channel. */
  async close(scope: OrderScope, id: string): Promise<QrOrder> {
    const order = await this.load(scope, id);
    if (order.state === 'paying' && order.channel) return orderView(await this.executor.reverse(order, order.channel));
    const r = await this.state.apply(scope.tenantId, id, 'close', { closeReason: 'closed_by_partner' });
    if (!r.applied) {
      const check = transition(r.order.state, 'close');
      throw new ApiError('invalid_state_transition', check.ok ? `order ${id} changed concurrently; retry` : check.message);
    }
    return orderView(r.order);
  }

  /**
   * The schedule and APR of paying a created dynamic order with the payer's county credit line (the
   * county bank's own app shows them before the payer confirms; nothing is held).
   */
  async creditQuote(actor: Actor, id: string, dto: QrCreditTermsRequest): Promise<QrCreditQuote> {
    const terms = creditTermsOf(actor, dto);
    const tenantId = actorTenant(actor);
    const order = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, id));
    if (!order || order.kind !== 'dynamic') throw new ApiError('not_found', `no dynamic payment order ${id}`);
    if (order.state !== 'created') throw new ApiError('order_not_payable', `order ${id} is ${order.state}; only a created order can be paid`);
    return { orderId: order.id, ...(await this.credit.quote(tenantId, terms, order.amountFen)) };
  }

  /**
   * A wallet pays a dynamic code it scanned: through its channel, finished by the channel's answer
   * or notification; or the county bank's own app pays it with the payer's credit line (held,
   * drawn, finished at once — CreditPaymentService).
   */
  async payDynamic(actor: Actor, id: string, dto: PayQrOrderRequest): Promise<QrOrder> {
    const tenantId = actorTenant(actor);
    const credit =
      dto.channel === 'county_credit' ? creditTermsOf(actor, { creditLineId: dto.creditLineId ?? '', installments: dto.installments ?? 0 }) : undefined;
    if (dto.channel !== 'county_credit' && (dto.creditLineId !== undefined || dto.installments !== undefined)) {
      // an order this caller cannot see is a 404 whatever the body says (another county's order never answers 400)
      const seen = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, id));
      if (!seen || seen.kind !== 'dynamic') throw new ApiError('not_found', `no dynamic payment order ${id}`);
      throw new ApiError(
        'invalid_request',
        'creditLineId and installments are for channel county_credit only',
        dto.creditLineId !== undefined ? 'creditLineId' : 'installments',
      );
    }
    if (credit) {
      // refused before the order moves (not the payer's line, out of region, APR above the ceiling, not enough credit…): the order stays payable
      const peek = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findById(em, id));
      if (peek?.kind === 'dynamic' && peek.state === 'created') await this.credit.quote(tenantId, credit, peek.amountFen);
    }
    const payerId = credit ? credit.lineId : (dto.payerId ?? '');
    const now = new Date();
    const started = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const order = await this.repo.findById(em, id, { lock: true });
      if (!order || order.kind !== 'dynamic') throw new ApiError('not_found', `no dynamic payment order ${id}`);
      if (order.state === 'created' && order.expiresAt && order.expiresAt <= now) {
        await this.state.applyIn(em, id, 'expire', { closeReason: 'expired' });
        return { expired: true as const, order };
      }
      return { expired: false as const, order: await this.intake.startPayment(em, order, dto.channel, payerId, credit) };
    });
    if (started.expired) {
      this.state.wake();
      throw new ApiError('order_expired', `order ${id} expired at ${started.order.expiresAt?.toISOString()}; create a new order`);
    }
    annotateActiveSpan({ 'payment.id': id, 'merchant.id': started.order.merchantId, 'tenant.id': tenantId });
    if (credit) return orderView(await this.credit.pay(started.order));
    const channel: PaymentChannel = dto.channel;
    const done = await this.executor.execute(started.order, channel, {
      kind: 'qr_dynamic',
      payerId,
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

/**
 * County credit is paid from the county bank's own app: an app granted `credit:pay` (the province
 * grants it to the county bank's apps) paying with one of its own lines — credit checks the line is
 * the app's (`not_found` otherwise).
 */
function creditTermsOf(actor: Actor, t: { creditLineId: string; installments: number }): CreditTerms {
  if (actor.type !== 'app') throw new ApiError('forbidden_actor', "county credit is paid from the county bank's own app, not by an operator");
  if (!actor.scopes.includes('credit:pay')) throw new ApiError('missing_scope', 'paying with county credit needs the app scope credit:pay', 'credit:pay');
  return { lineId: t.creditLineId, installments: t.installments, appId: actor.appId };
}
