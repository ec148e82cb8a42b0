import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, PublicRoute, tenantParam, uuidParam } from '@countypay/service-kit';
import { CashierPayment, CashierPayRequest, CashierQuery, CashierView } from './cashier.dto';
import { cashierPage } from './cashier-page';
import { CashierService } from './cashier.service';

const TAG = 'Online acquiring';

/** The hosted cashier (收银台): public, opened by the payer from the order's `cashierPath`. */
@Controller('acquiring/cashier')
export class CashierController {
  constructor(private readonly cashier: CashierService) {}

  @Get(':tenantCode/:orderId')
  @PublicRoute()
  @ApiOperation({
    operationId: 'getAcquiringCashier',
    summary: "The hosted cashier page of an order (HTML for a browser, else JSON): merchant, amount, time left, the county's enabled methods, the result",
    description: 'Public: the payer opens it from `cashierPath`. Chinese by default, `?lang=en` for English. Never shows card data.',
    tag: TAG,
    response: CashierView,
    errors: ['not_found', 'tenant_suspended'],
  })
  async view(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Query() q: CashierQuery,
    @Headers('user-agent') ua: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const v = await this.cashier.view(tenantId, orderId, ua);
    res.setHeader('cache-control', 'no-store');
    if (accept?.includes('text/html'))
      res.type('text/html; charset=utf-8').send(cashierPage(v, q.lang ?? 'zh', `/v1/acquiring/cashier/${tenantId}/${orderId}`));
    else res.json(v);
  }

  @Post(':tenantCode/:orderId/pay')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'payAcquiringCashier',
    summary: 'The payer chose a method at the hosted cashier: where to go next (redirect URL, QR payload or JSAPI parameters)',
    tag: TAG,
    response: CashierPayment,
    errors: ['not_found', 'channel_not_enabled', 'order_not_payable', 'order_expired', 'channel_timeout', 'channel_error'],
  })
  pay(
    @Param('tenantCode', tenantParam()) tenantId: string,
    @Param('orderId', uuidParam('order')) orderId: string,
    @Body() dto: CashierPayRequest,
  ): Promise<CashierPayment> {
    return this.cashier.pay(tenantId, orderId, dto.method);
  }
}
