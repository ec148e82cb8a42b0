import { Controller, Get, Query } from '@nestjs/common';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { type Actor } from '../common/actor';
import { Actors, CurrentActor } from '../common/actors.guard';
import { PageQueryDto, type Page } from '../common/pagination';
import { AuditService, type AuditView } from './audit.service';

export class AuditQueryDto extends PageQueryDto {
  /** `tenant`, `operator`, `partner`, `app`, `merchant`, `store`, `terminal` */
  @IsOptional()
  @Matches(/^[a-z_]{1,40}$/)
  entity?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;
}

@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Province: every entry; county: its own tenant's. Newest first. */
  @Get()
  @Actors('province', 'county')
  list(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto): Promise<Page<AuditView>> {
    return this.audit.list(actor, q);
  }
}
