import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, InternalRoute, PageQuery, RequestId, tenantParam, type Actor } from '@countypay/service-kit';
import { Tenant, UpdateTenantConfigRequest, type TenantStatus } from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

@Controller()
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get('admin/tenants')
  @Authenticated({ actors: ['province', 'county'] })
  @ApiOperation({
    operationId: 'listTenants',
    summary: 'List the counties (tenants) by tenant id: all 99 for a province operator, its own for a county operator',
    tag: 'Tenants',
    response: { page: Tenant },
  })
  list(@Auth() actor: Actor, @Query() q: PageQuery): Promise<Page<Tenant>> {
    return this.tenants.list(actor, q);
  }

  @Get('admin/tenants/:tenantId')
  @Authenticated({ actors: ['province', 'county'] })
  @ApiOperation({
    operationId: 'getTenant',
    summary: 'Get a county (tenant) with its effective configuration; a county operator sees only its own',
    tag: 'Tenants',
    response: Tenant,
  })
  get(@Auth() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string): Promise<Tenant> {
    return this.tenants.get(actor, tenantId);
  }

  @Patch('admin/tenants/:tenantId/config')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'updateTenantConfig',
    summary: "Change a county's configuration: the top-level fields given replace the current ones whole, the others stay",
    description:
      'Products and channels enabled, fee plan, barcode-payment limits, settlement cycle and cut-off, settlement accounts. The result is announced to every service (onboarding.tenant-updated).',
    tag: 'Tenants',
    response: Tenant,
  })
  updateConfig(
    @Auth() actor: Actor,
    @Param('tenantId', tenantParam()) tenantId: string,
    @Body() dto: UpdateTenantConfigRequest,
    @RequestId() requestId?: string,
  ): Promise<Tenant> {
    return this.tenants.updateConfig(actor, tenantId, dto, requestId);
  }

  @Post('admin/tenants/:tenantId/suspend')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'suspendTenant',
    summary: "Suspend a county: its partners' apps and its operators can no longer change anything in it",
    tag: 'Tenants',
    response: Tenant,
    errors: ['invalid_state_transition'],
  })
  suspend(@Auth() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string, @RequestId() requestId?: string): Promise<Tenant> {
    return this.tenants.setStatus(actor, tenantId, 'suspend', requestId);
  }

  @Post('admin/tenants/:tenantId/resume')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({ operationId: 'resumeTenant', summary: 'Resume a suspended county', tag: 'Tenants', response: Tenant, errors: ['invalid_state_transition'] })
  resume(@Auth() actor: Actor, @Param('tenantId', tenantParam()) tenantId: string, @RequestId() requestId?: string): Promise<Tenant> {
    return this.tenants.setStatus(actor, tenantId, 'resume', requestId);
  }

  /** The gateway asks whether a county is open for business. */
  @Get('internal/tenants/:tenantId/status')
  @InternalRoute({ callers: ['gateway'] })
  status(@Param('tenantId', tenantParam()) tenantId: string): Promise<TenantStatus> {
    return this.tenants.status(tenantId);
  }
}
