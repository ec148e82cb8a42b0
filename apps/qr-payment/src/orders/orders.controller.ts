import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentActor, orderAppId, scopedTenant, type Actor } from '../common/actor';
import { CreateOrderDto, ListOrdersQuery, PayOrderDto } from './dto/orders.dto';
import { OrdersService, type OrderScope } from './orders.service';

const PARTNERS = ['app', 'county'] as const;
const READERS = ['app', 'county', 'province'] as const;

function scope(actor: Actor, allowed: ReadonlyArray<'app' | 'county' | 'province'>): OrderScope {
  return { tenantId: scopedTenant(actor, allowed), appId: orderAppId(actor), seesAllApps: actor.type !== 'app' };
}

@Controller('qr/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateOrderDto) {
    return this.orders.createDynamic(scope(actor, PARTNERS), dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListOrdersQuery) {
    return this.orders.list(scope(actor, READERS), q);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.get(scope(actor, READERS), id);
  }

  @Get(':id/qr.png')
  @Header('cache-control', 'no-store')
  async png(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const image = await this.orders.qrImage(scope(actor, READERS), id, 'png');
    res.type('image/png').send(image);
  }

  @Get(':id/qr.svg')
  @Header('cache-control', 'no-store')
  async svg(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const image = await this.orders.qrImage(scope(actor, READERS), id, 'svg');
    res.type('image/svg+xml').send(image);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.close(scope(actor, PARTNERS), id);
  }

  /** The payer's wallet pays the dynamic code it scanned (the tenant is the order's). */
  @Post(':id/pay')
  @HttpCode(200)
  pay(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PayOrderDto) {
    return this.orders.payDynamic(scopedTenant(actor, READERS), id, dto);
  }
}
