import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { orderScope } from '../orders/order-scope';
import { AcquiringRefund, CreateAcquiringRefundRequest } from './dto/refunds.dto';
import { RefundsService } from './refunds.service';

const TAG = 'Online acquiring';

@Controller('acquiring')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post('orders/:id/refunds')
  @Authenticated({ actors: ['app', 'county'], scopes: ['acquiring:pay', 'refunds:write'] })
  @ApiOperation({
    operationId: 'createAcquiringRefund',
    summary: 'Refund part or all of a paid online order (several refunds allowed, at most 50, within 365 days)',
    description:
      'Answers 201 with the refund (200 when `outRefundNo` repeats an earlier one of the same amount). The refunds of an order never add up to more than was paid. ' +
      'A refund whose channel call timed out is resolved by querying the channel, never left pending while the channel answers.',
    tag: TAG,
    response: AcquiringRefund,
    errors: ['order_not_refundable', 'refund_exceeds_refundable', 'refund_count_exceeded', 'refund_window_expired', 'refund_amount_invalid', 'conflict'],
  })
  async create(
    @Auth() actor: Actor,
    @Param('id', uuidParam('acquiring order')) id: string,
    @Body() dto: CreateAcquiringRefundRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcquiringRefund> {
    const { refund, created } = await this.refunds.create(orderScope(actor), id, dto);
    res.status(created ? 201 : 200);
    return refund;
  }

  @Get('orders/:id/refunds')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['acquiring:pay', 'refunds:write'] })
  @ApiOperation({ operationId: 'listAcquiringRefunds', summary: "An online order's refunds, oldest first", tag: TAG, response: { array: AcquiringRefund } })
  list(@Auth() actor: Actor, @Param('id', uuidParam('acquiring order')) id: string): Promise<{ data: AcquiringRefund[] }> {
    return this.refunds.list(orderScope(actor), id);
  }

  @Get('refunds/:refundId')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['acquiring:pay', 'refunds:write'] })
  @ApiOperation({
    operationId: 'getAcquiringRefund',
    summary: 'Query a refund (退款查询); a pending one is resolved with the channel first',
    tag: TAG,
    response: AcquiringRefund,
  })
  get(@Auth() actor: Actor, @Param('refundId', uuidParam('refund')) refundId: string): Promise<AcquiringRefund> {
    return this.refunds.get(orderScope(actor), refundId);
  }
}
