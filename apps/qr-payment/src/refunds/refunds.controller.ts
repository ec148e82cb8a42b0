import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { orderScope } from '../orders/order-scope';
import { CreateQrRefundRequest, QrRefund } from './dto/refunds.dto';
import { RefundsService } from './refunds.service';

@Controller('qr/orders/:id/refunds')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post()
  @Authenticated({ actors: ['app', 'county'], scopes: ['refunds:write'] })
  @ApiOperation({
    operationId: 'createQrRefund',
    summary: 'Refund a paid QR order, in full or in part (several refunds may follow each other)',
    description:
      'The same `outRefundNo` is the same refund: repeating it with the same amount answers that refund. Never more than paid minus refunded minus pending. ' +
      'Answers `succeeded` or `failed` when the channel answers at once, `pending` while its outcome is unknown.',
    tag: 'Refunds',
    response: QrRefund,
    errors: ['order_not_refundable', 'refund_exceeds_refundable', 'refund_amount_invalid', 'conflict'],
  })
  create(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string, @Body() dto: CreateQrRefundRequest): Promise<QrRefund> {
    return this.refunds.create(orderScope(actor), id, dto);
  }

  @Get()
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['qr:pay', 'refunds:write'] })
  @ApiOperation({ operationId: 'listQrRefunds', summary: 'List the refunds of a QR order, oldest first', tag: 'Refunds', response: { array: QrRefund } })
  list(@Auth() actor: Actor, @Param('id', uuidParam('payment order')) id: string): Promise<{ data: QrRefund[] }> {
    return this.refunds.list(orderScope(actor), id);
  }
}
