import { ModuleRef } from '@nestjs/core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, IdParam, uuidParam, type Actor } from '@countypay/service-kit';
import { AcquiringOrder, AcquiringPayment } from './dto/acquiring-order.dto';
import { CreateAcquiringOrderRequest, ListAcquiringOrdersQuery, OUT_NO_PATTERN, PayAcquiringOrderRequest } from './dto/orders.dto';
import { orderScope } from './order-scope';
import { CreditPaymentService } from '../credit/credit-payment.service';
import { OrdersService } from './orders.service';

const TAG = 'Online acquiring';
/** partners and county operators act on orders; the province reads them (naming the county) */
const ACTS = { actors: ['app', 'county'], scopes: ['acquiring:pay'] } as const;
const READS = { actors: ['app', 'county', 'province'], scopes: ['acquiring:pay'] } as const;

@Controller('acquiring/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Post()
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'createAcquiringOrder',
    summary: 'Create an online order (统一下单): the payer picks the payment method at the cashier',
    description:
      'The order waits in `created` until the payer chooses a method (`POST /v1/acquiring/orders/{id}/pay`, or the hosted cashier at `cashierPath`) and closes by itself at `expiresAt` (default 30 minutes, 1 minute to 15 days). ' +
      'Only the channel (its notification, or a query) makes an order `succeeded`; you are told by the `payment.succeeded` webhook.',
    tag: TAG,
    response: AcquiringOrder,
    errors: ['not_found', 'merchant_not_active', 'channel_not_enabled', 'duplicate_out_trade_no', 'tenant_suspended'],
  })
  create(@Auth() actor: Actor, @Body() dto: CreateAcquiringOrderRequest): Promise<AcquiringOrder> {
    return this.orders.create(orderScope(actor), dto);
  }

  @Get()
  @Authenticated(READS)
  @ApiOperation({
    operationId: 'listAcquiringOrders',
    summary: 'List online orders, newest first, filtered by status, merchant, creation time or amount',
    description: 'A partner app sees its own orders; county and province operators every order of the county.',
    tag: TAG,
    response: { page: AcquiringOrder },
    errors: ['invalid_request'],
  })
  list(@Auth() actor: Actor, @Query() q: ListAcquiringOrdersQuery): Promise<Page<AcquiringOrder>> {
    return this.orders.list(orderScope(actor), q);
  }

  @Get('by-out-trade-no/:outTradeNo')
  @Authenticated(READS)
  @ApiOperation({ operationId: 'getAcquiringOrderByOutTradeNo', summary: 'Get an online order by your order number', tag: TAG, response: AcquiringOrder })
  getByOutTradeNo(
    @Auth() actor: Actor,
    @Param('outTradeNo', new IdParam('acquiring order', OUT_NO_PATTERN, 'MALL20261129-000123')) outTradeNo: string,
  ): Promise<AcquiringOrder> {
    return this.orders.getByOutTradeNo(orderScope(actor), outTradeNo);
  }

  @Get(':id')
  @Authenticated(READS)
  @ApiOperation({ operationId: 'getAcquiringOrder', summary: 'Get an online order and its payment and refund status', tag: TAG, response: AcquiringOrder })
  get(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<AcquiringOrder> {
    return this.orders.get(orderScope(actor), id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'closeAcquiringOrder',
    summary: 'Close an unpaid online order (关单); a payment in progress is closed at the channel first',
    description: 'If the channel answers that the payer has just paid, the order becomes `succeeded` and the close is refused (`invalid_state_transition`).',
    tag: TAG,
    response: AcquiringOrder,
    errors: ['invalid_state_transition', 'channel_timeout'],
  })
  close(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<AcquiringOrder> {
    return this.orders.close(orderScope(actor), id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'payAcquiringOrder',
    summary: 'Start paying an online order with a method: answers what the cashier needs (pay parameters, redirect URL or QR payload)',
    description:
      'The order moves to `paying`; the payer finishes at the wallet or UnionPay, whose notification (or a query) makes it `succeeded` or `failed`. ' +
      'Calling again with another method switches the payment (the previous channel order is closed first). ' +
      "county_credit: the hold on the customer's credit line is placed and drawn at once; the answer is the result (`next.action` none).",
    tag: TAG,
    response: AcquiringPayment,
    errors: [
      'channel_not_enabled',
      'merchant_not_active',
      'order_not_payable',
      'order_expired',
      'conflict',
      'tenant_suspended',
      'channel_timeout',
      'channel_error',
      'credit_insufficient',
      'credit_line_not_active',
      'credit_line_expired',
      'out_of_region',
      'installments_not_allowed',
      'apr_above_ceiling',
    ],
  })
  pay(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string, @Body() dto: PayAcquiringOrderRequest): Promise<AcquiringPayment> {
    const scope = orderScope(actor);
    const method = dto.method;
    if (method === 'county_credit')
      // the credit feature sits above orders (it uses quick pay's SMS codes): resolved at the call, not imported
      return this.moduleRef.get(CreditPaymentService, { strict: false }).payS2S(scope, id, dto.creditLineId ?? '', dto.installments ?? 1);
    return this.orders.pay(scope.tenantId, id, { method, ...(dto.payerId ? { payerId: dto.payerId } : {}) }, scope);
  }
}
