import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, type Actor } from '@countypay/service-kit';
import { QrOrder } from '../orders/dto/qr-order.dto';
import { orderScope } from '../orders/order-scope';
import { CreateQrPosPaymentRequest } from './dto/pos.dto';
import { PosService } from './pos.service';

@Controller('qr/pos')
export class PosController {
  constructor(private readonly pos: PosService) {}

  @Post('payments')
  @HttpCode(200)
  @Authenticated({ actors: ['app', 'county'], scopes: ['qr:pay'] })
  @ApiOperation({
    operationId: 'createQrPosPayment',
    summary: "Charge the payer's code scanned at the till (customer-presented: the code the payer shows in a wallet app)",
    description:
      "The code's shape names the wallet (WeChat Pay, Alipay, UnionPay, the county bank app) and so the channel. The PBoC daily limit per payer " +
      '(by `verificationFactors`) is checked before any channel call. Answers when the payment is final: `succeeded`, `failed`, or `closed` ' +
      '(reversed) when the payer did not confirm in time. For a code the merchant shows (a dynamic order) use `POST /v1/qr/orders`.',
    tag: 'QR payments',
    response: QrOrder,
    errors: [
      'not_found',
      'payer_code_unrecognised',
      'channel_not_enabled',
      'merchant_not_active',
      'barcode_limit_exceeded',
      'duplicate_out_trade_no',
      'tenant_suspended',
    ],
  })
  pay(@Auth() actor: Actor, @Body() dto: CreateQrPosPaymentRequest): Promise<QrOrder> {
    return this.pos.pay(orderScope(actor), dto);
  }
}
