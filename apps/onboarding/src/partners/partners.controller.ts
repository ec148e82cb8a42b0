import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, PageQuery, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { CreatePartnerRequest, Partner } from './dto/partner.dto';
import { PartnersService } from './partners.service';

@Controller('admin/partners')
@Authenticated({ actors: ['province'] })
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  @ApiOperation({
    operationId: 'createPartner',
    summary: 'Register a partner: a company whose apps will call the open API',
    tag: 'Partners',
    response: Partner,
  })
  create(@Auth() actor: Actor, @Body() dto: CreatePartnerRequest, @RequestId() requestId?: string): Promise<Partner> {
    return this.partners.create(actor, dto, requestId);
  }

  @Get()
  @ApiOperation({ operationId: 'listPartners', summary: 'List partners, newest first', tag: 'Partners', response: { page: Partner } })
  list(@Query() q: PageQuery): Promise<Page<Partner>> {
    return this.partners.list(q);
  }

  @Get(':partnerId')
  @ApiOperation({ operationId: 'getPartner', summary: 'Get a partner', tag: 'Partners', response: Partner })
  get(@Param('partnerId', uuidParam('partner')) partnerId: string): Promise<Partner> {
    return this.partners.get(partnerId);
  }

  @Post(':partnerId/suspend')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'suspendPartner',
    summary: 'Suspend a partner: none of its apps can call the API until it is resumed',
    tag: 'Partners',
    response: Partner,
    errors: ['invalid_state_transition'],
  })
  suspend(@Auth() actor: Actor, @Param('partnerId', uuidParam('partner')) partnerId: string, @RequestId() requestId?: string): Promise<Partner> {
    return this.partners.setStatus(actor, partnerId, 'suspend', requestId);
  }

  @Post(':partnerId/resume')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resumePartner',
    summary: 'Resume a suspended partner: its active apps can call the API again',
    tag: 'Partners',
    response: Partner,
    errors: ['invalid_state_transition'],
  })
  resume(@Auth() actor: Actor, @Param('partnerId', uuidParam('partner')) partnerId: string, @RequestId() requestId?: string): Promise<Partner> {
    return this.partners.setStatus(actor, partnerId, 'resume', requestId);
  }
}
