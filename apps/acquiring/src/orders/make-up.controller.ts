import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Matches } from 'class-validator';
import { InternalRoute, uuidParam } from '@countypay/service-kit';
import { PaymentSyncService } from './payment-sync.service';

export class InternalMakeUpRequest {
  @Matches(/^t\d{6}$/)
  tenantId!: string;
}

/** What settlement learns of a make-up: the order's state afterwards (no personal data). */
export interface InternalMakeUpAnswer {
  orderId: string;
  state: string;
  madeUp: boolean;
  channelTradeNo: string | null;
}

/**
 * 补单 by settlement's reconciliation (ADR 0011, amended): settlement asks the order's owner to
 * accept a late success; this service queries the channel itself and moves the order. Signed
 * service-to-service call, the house style for a command to another service (as credit's holds).
 */
@Controller('acquiring/internal/orders')
export class MakeUpController {
  constructor(private readonly sync: PaymentSyncService) {}

  @Post(':id/make-up')
  @HttpCode(200)
  @InternalRoute({ callers: ['settlement'] })
  async makeUp(@Param('id', uuidParam('acquiring order')) id: string, @Body() dto: InternalMakeUpRequest): Promise<InternalMakeUpAnswer> {
    const o = await this.sync.makeUp(dto.tenantId, id);
    return { orderId: o.id, state: o.state, madeUp: o.madeUpAt !== null, channelTradeNo: o.channelTradeNo };
  }
}
