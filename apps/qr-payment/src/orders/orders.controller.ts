import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { CreateQrOrderRequest, ListQrOrdersQuery, PayQrOrderRequest, QrCreditTermsRequest } from './dto/orders.dto';
import { CreatedQrOrder, QrCreditQuote, QrOrder } from './dto/qr-order.dto';
import { orderScope } from './order-scope';
import { OrdersService } from './orders.service';

const TAG = 'QR payments';
/** what credit may refuse a county credit payment for */
const CREDIT_ERRORS = [
  'credit_insufficient',
  'credit_line_not_active',
  'credit_line_expired',
  'out_of_region',
  'installments_not_allowed',
  'apr_above_ceiling',
] as const;
/** partners and county operators act on orders; the province reads them (naming the county) */
const ACTS = { actors: ['app', 'county'], scopes: ['qr:pay'] } as const;
const READS = { actors: ['app', 'county', 'province'], scopes: ['qr:pay'] } as const;

@Controller('qr/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'createQrOrder',
    summary: 'Create a dynamic QR order: a merchant-presented code for one amount, for the payer to scan with a wallet app',
    description:
      'Answers the order with its EMVCo payload (`qr.payload`, point of initiation 12) and the paths of its PNG and SVG images. ' +
      'The order waits in `created` until a wallet pays it or it expires (`expiresInSeconds`). ' +
      'This route is for merchant-presented codes only: to charge a code the payer shows (a payer code scanned at the till) use `POST /v1/qr/pos/payments`; a `payerCode` field here is refused as `unknown_field`.',
    tag: TAG,
    response: CreatedQrOrder,
    errors: ['not_found', 'merchant_not_active', 'channel_not_enabled', 'duplicate_out_trade_no', 'tenant_suspended'],
  })
  create(@Auth() actor: Actor, @Body() dto: CreateQrOrderRequest): Promise<CreatedQrOrder> {
    return this.orders.createDynamic(orderScope(actor), dto);
  }

  @Get()
  @Authenticated(READS)
  @ApiOperation({
    operationId: 'listQrOrders',
    summary: 'List QR orders, newest first, optionally only one order number, status or merchant',
    description: 'A partner app sees its own orders; county and province operators every order of the county.',
    tag: TAG,
    response: { page: QrOrder },
    errors: ['invalid_request'],
  })
  list(@Auth() actor: Actor, @Query() q: ListQrOrdersQuery): Promise<Page<QrOrder>> {
    return this.orders.list(orderScope(actor), q);
  }

  @Get(':id')
  @Authenticated(READS)
  @ApiOperation({ operationId: 'getQrOrder', summary: 'Get a QR order and its payment status', tag: TAG, response: QrOrder })
  get(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string): Promise<QrOrder> {
    return this.orders.get(orderScope(actor), id);
  }

  @Get(':id/qr.png')
  @Authenticated(READS)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getQrOrderPng',
    summary: "The PNG image of a dynamic order's code, to show to the payer",
    tag: TAG,
    response: { contentType: 'image/png', description: 'the QR code of the EMVCo payload' },
  })
  async png(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string, @Res() res: Response): Promise<void> {
    const image = await this.orders.qrImage(orderScope(actor), id, 'png');
    res.type('image/png').send(image);
  }

  @Get(':id/qr.svg')
  @Authenticated(READS)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getQrOrderSvg',
    summary: "The SVG image of a dynamic order's code, to show to the payer",
    tag: TAG,
    response: { contentType: 'image/svg+xml', description: 'the QR code of the EMVCo payload' },
  })
  async svg(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string, @Res() res: Response): Promise<void> {
    const image = await this.orders.qrImage(orderScope(actor), id, 'svg');
    res.type('image/svg+xml').send(image);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Authenticated(ACTS)
  @ApiOperation({
    operationId: 'closeQrOrder',
    summary: 'Close an unpaid QR order; a payment still in progress is reversed at the channel',
    tag: TAG,
    response: QrOrder,
    errors: ['invalid_state_transition'],
  })
  close(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string): Promise<QrOrder> {
    return this.orders.close(orderScope(actor), id);
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Authenticated(READS)
  @ApiOperation({
    operationId: 'payQrOrder',
    summary: "Pay a dynamic QR order from the payer's wallet (the wallet's backend, after the payer scanned the code)",
    description:
      "Starts the payment through the wallet's channel and answers the order: `succeeded` or `failed` when the channel answers at once, `paying` while the payer still confirms in the wallet (the channel's notification finishes it).",
    tag: TAG,
    response: QrOrder,
    errors: [
      'channel_not_enabled',
      'merchant_not_active',
      'order_not_payable',
      'order_expired',
      'conflict',
      'tenant_suspended',
      'missing_scope',
      'forbidden_actor',
      ...CREDIT_ERRORS,
    ],
  })
  pay(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string, @Body() dto: PayQrOrderRequest): Promise<QrOrder> {
    return this.orders.payDynamic(actor, id, dto);
  }

  @Post(':id/credit-quote')
  @HttpCode(200)
  @Authenticated({ actors: ['app'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'quoteQrOrderCredit',
    summary: "The repayment schedule and APR of paying a QR order with the payer's county credit line, to show before the payer confirms",
    description:
      "For the county bank's own app, after the payer scanned a dynamic code: the order's amount on the payer's line (one of your app's lines) in `installments`; nothing is held. Then `POST /v1/qr/orders/{id}/pay` with channel `county_credit` and the same line and installments.",
    tag: TAG,
    response: QrCreditQuote,
    errors: ['order_not_payable', 'missing_scope', ...CREDIT_ERRORS],
  })
  creditQuote(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string, @Body() dto: QrCreditTermsRequest): Promise<QrCreditQuote> {
    return this.orders.creditQuote(actor, id, dto);
  }
}
