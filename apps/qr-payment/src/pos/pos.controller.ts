import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentActor, orderAppId, scopedTenant, type Actor } from '../common/actor';
import { PosPaymentDto } from './dto/pos.dto';
import { PosService } from './pos.service';

@Controller('qr/pos')
export class PosController {
  constructor(private readonly pos: PosService) {}

  /** The cashier scanned the payer's code: pay now (answers when the payment is final). */
  @Post('payments')
  @HttpCode(200)
  pay(@CurrentActor() actor: Actor, @Body() dto: PosPaymentDto) {
    return this.pos.pay({ tenantId: scopedTenant(actor, ['app', 'county']), appId: orderAppId(actor), seesAllApps: actor.type !== 'app' }, dto);
  }
}
