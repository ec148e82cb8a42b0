import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type Actor } from '../common/actor';
import { Actors, CurrentActor, RequestId } from '../common/actors.guard';
import { PageQueryDto, type Page } from '../common/pagination';
import { uuidParam } from '../common/params';
import { CreatePartnerDto } from './dto/partner.dto';
import { PartnersService, type PartnerView } from './partners.service';

@Controller('admin/partners')
@Actors('province')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePartnerDto, @RequestId() requestId?: string): Promise<PartnerView> {
    return this.partners.create(actor, dto, requestId);
  }

  @Get()
  list(@Query() q: PageQueryDto): Promise<Page<PartnerView>> {
    return this.partners.list(q);
  }

  @Get(':partnerId')
  get(@Param('partnerId', uuidParam('partner')) partnerId: string): Promise<PartnerView> {
    return this.partners.get(partnerId);
  }

  @Post(':partnerId/suspend')
  @HttpCode(200)
  suspend(@CurrentActor() actor: Actor, @Param('partnerId', uuidParam('partner')) partnerId: string, @RequestId() requestId?: string): Promise<PartnerView> {
    return this.partners.setStatus(actor, partnerId, 'suspend', requestId);
  }

  @Post(':partnerId/resume')
  @HttpCode(200)
  resume(@CurrentActor() actor: Actor, @Param('partnerId', uuidParam('partner')) partnerId: string, @RequestId() requestId?: string): Promise<PartnerView> {
    return this.partners.setStatus(actor, partnerId, 'resume', requestId);
  }
}
