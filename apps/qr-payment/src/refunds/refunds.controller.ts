import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CurrentActor, orderAppId, scopedTenant, type Actor } from '../common/actor';
import { CreateRefundDto } from './dto/refunds.dto';
import { RefundsService } from './refunds.service';

@Controller('qr/orders/:id/refunds')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateRefundDto) {
    return this.refunds.create({ tenantId: scopedTenant(actor, ['app', 'county']), appId: orderAppId(actor), seesAllApps: actor.type !== 'app' }, id, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.refunds.list({ tenantId: scopedTenant(actor, ['app', 'county', 'province']), appId: orderAppId(actor), seesAllApps: actor.type !== 'app' }, id);
  }
}
