import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { type Actor } from '../common/actor';
import { Actors, CurrentActor, RequestId } from '../common/actors.guard';
import { PageQueryDto, type Page } from '../common/pagination';
import { tenantParam } from '../common/params';
import { TenantsService, type TenantView } from './tenants.service';

@Controller()
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  /** Province: all 99; a county operator: its own. */
  @Get('admin/tenants')
  @Actors('province', 'county')
  list(@CurrentActor() actor: Actor, @Query() q: PageQueryDto): Promise<Page<TenantView>> {
    return this.tenants.list(actor, q);
  }

  @Get('admin/tenants/:tenantId')
  @Actors('province', 'county')
  get(@CurrentActor() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string): Promise<TenantView> {
    return this.tenants.get(actor, tenantId);
  }

  /** Body: a full or partial TenantConfig (or `{ "config": {…} }`); top-level fields replace. */
  @Patch('admin/tenants/:tenantId/config')
  @Actors('province')
  patchConfig(
    @CurrentActor() actor: Actor,
    @Param('tenantId', tenantParam()) tenantId: string,
    @Body() body: Record<string, unknown>,
    @RequestId() requestId?: string,
  ): Promise<TenantView> {
    const keys = Object.keys(body ?? {});
    const patch = keys.length === 1 && keys[0] === 'config' && typeof body.config === 'object' && body.config !== null ? body.config : body;
    return this.tenants.patchConfig(actor, tenantId, patch, requestId);
  }

  @Post('admin/tenants/:tenantId/suspend')
  @HttpCode(200)
  @Actors('province')
  suspend(@CurrentActor() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string, @RequestId() requestId?: string): Promise<TenantView> {
    return this.tenants.setStatus(actor, tenantId, 'suspend', requestId);
  }

  @Post('admin/tenants/:tenantId/resume')
  @HttpCode(200)
  @Actors('province')
  resume(@CurrentActor() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string, @RequestId() requestId?: string): Promise<TenantView> {
    return this.tenants.setStatus(actor, tenantId, 'resume', requestId);
  }

  /** Gateway only. */
  @Get('internal/tenants/:tenantId/status')
  status(@Param('tenantId', tenantParam()) tenantId: string): Promise<{ tenantId: string; status: 'active' | 'suspended'; version: number }> {
    return this.tenants.status(tenantId);
  }
}
