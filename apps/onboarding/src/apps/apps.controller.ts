import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { type Actor } from '../common/actor';
import { Actors, CurrentActor, RequestId } from '../common/actors.guard';
import { type Page } from '../common/pagination';
import { appIdParam, uuidParam } from '../common/params';
import type { AppUpdatedData } from '@countypay/contracts';
import { AppsService, type AppView, type CreatedApp, type RotatedCredential } from './apps.service';
import { AppListQueryDto, CreateAppDto, RotateCredentialDto, UpdateAppDto } from './dto/app.dto';

@Controller()
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  /** Registers an app of a partner under one tenant; the secrets are in this answer only. */
  @Post('admin/partners/:partnerId/apps')
  @Actors('province')
  create(
    @CurrentActor() actor: Actor,
    @Param('partnerId', uuidParam('partner')) partnerId: string,
    @Body() dto: CreateAppDto,
    @RequestId() requestId?: string,
  ): Promise<CreatedApp> {
    return this.apps.create(actor, partnerId, dto, requestId);
  }

  /** Province: all (filter `tenantId`, `partnerId`); county: its tenant's. */
  @Get('admin/apps')
  @Actors('province', 'county')
  list(@CurrentActor() actor: Actor, @Query() q: AppListQueryDto): Promise<Page<AppView>> {
    return this.apps.list(actor, q);
  }

  @Get('admin/apps/:appId')
  @Actors('province', 'county')
  get(@CurrentActor() actor: Actor, @Param('appId', appIdParam()) appId: string): Promise<AppView> {
    return this.apps.get(actor, appId);
  }

  @Patch('admin/apps/:appId')
  @Actors('province')
  update(@CurrentActor() actor: Actor, @Param('appId', appIdParam()) appId: string, @Body() dto: UpdateAppDto, @RequestId() requestId?: string): Promise<AppView> {
    return this.apps.update(actor, appId, dto, requestId);
  }

  @Post('admin/apps/:appId/suspend')
  @HttpCode(200)
  @Actors('province')
  suspend(@CurrentActor() actor: Actor, @Param('appId', appIdParam()) appId: string, @RequestId() requestId?: string): Promise<AppView> {
    return this.apps.setStatus(actor, appId, 'suspend', requestId);
  }

  @Post('admin/apps/:appId/resume')
  @HttpCode(200)
  @Actors('province')
  resume(@CurrentActor() actor: Actor, @Param('appId', appIdParam()) appId: string, @RequestId() requestId?: string): Promise<AppView> {
    return this.apps.setStatus(actor, appId, 'resume', requestId);
  }

  /** Rotation: body `{ alg?, publicKey? }` (alg defaults to the current one); an HMAC secret is in this answer only. */
  @Post('admin/apps/:appId/credentials')
  @Actors('province')
  rotate(@CurrentActor() actor: Actor, @Param('appId', appIdParam()) appId: string, @Body() dto: RotateCredentialDto, @RequestId() requestId?: string): Promise<RotatedCredential> {
    return this.apps.rotate(actor, appId, dto, requestId);
  }

  /** Gateway only: the app as AppUpdatedV1 carries it (secrets encrypted with the credential key), plus `tenantId`. */
  @Get('internal/apps/:appId')
  internal(@Param('appId', appIdParam()) appId: string): Promise<AppUpdatedData & { tenantId: string }> {
    return this.apps.internalState(appId);
  }
}
