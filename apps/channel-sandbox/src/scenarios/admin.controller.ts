import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { NotificationDispatcher } from '../notifications/notification.dispatcher';
import type { DeliveryRecord } from '../notifications/notification.types';
import { ClearScenariosQueryDto, CreateScenarioDto, DeliveriesQueryDto } from './dto/scenario.dto';
import { ScenarioStore, type Scenario } from './scenario.store';
import { PlatformRoute } from '@countypay/service-kit';

/** Test control of the sandbox: behaviour overrides and the notification delivery log. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly scenarios: ScenarioStore,
    private readonly notifications: NotificationDispatcher,
  ) {}

  @Post('scenarios')
  @HttpCode(201)
  add(@Body() dto: CreateScenarioDto): Scenario & { scope: 'order' | 'next_call' } {
    const s: Scenario = {
      channel: dto.channel,
      behaviour: dto.behaviour,
      ...(dto.orderId ? { orderId: dto.orderId } : {}),
      ...(dto.tenantId ? { tenantId: dto.tenantId } : {}),
    };
    this.scenarios.add(s);
    return { ...s, scope: s.orderId ? 'order' : 'next_call' };
  }

  @Get('scenarios')
  list(): { data: Scenario[] } {
    return { data: this.scenarios.list() };
  }

  @Delete('scenarios')
  clear(@Query() q: ClearScenariosQueryDto): { cleared: number } {
    return { cleared: this.scenarios.clear(q.channel) };
  }

  @Get('notifications')
  deliveries(@Query() q: DeliveriesQueryDto): { data: DeliveryRecord[] } {
    return { data: this.notifications.deliveries(q) };
  }
}
