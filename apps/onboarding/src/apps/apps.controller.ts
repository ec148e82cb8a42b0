import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { AppUpdatedData } from '@countypay/contracts';
import type { Page } from '@countypay/persistence';
import { ApiOperation, appIdParam, Auth, Authenticated, InternalRoute, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { AppsService } from './apps.service';
import { App, AppWithNewCredential, CreateAppRequest, CreatedApp, ListAppsQuery, RotateAppCredentialRequest, UpdateAppRequest } from './dto/app.dto';

@Controller()
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post('admin/partners/:partnerId/apps')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'createApp',
    summary: "Register an app of a partner in one county, with its signing credential; the answer carries the app's secrets, shown this once",
    tag: 'Partner apps',
    response: CreatedApp,
    errors: ['not_found', 'partner_suspended', 'invalid_public_key'],
  })
  create(
    @Auth() actor: Actor,
    @Param('partnerId', uuidParam('partner')) partnerId: string,
    @Body() dto: CreateAppRequest,
    @RequestId() requestId?: string,
  ): Promise<CreatedApp> {
    return this.apps.create(actor, partnerId, dto, requestId);
  }

  @Get('admin/apps')
  @Authenticated({ actors: ['province', 'county'] })
  @ApiOperation({
    operationId: 'listApps',
    summary: "List partner apps, newest first: every county's for a province operator, its own county's for a county operator",
    tag: 'Partner apps',
    response: { page: App },
  })
  list(@Auth() actor: Actor, @Query() q: ListAppsQuery): Promise<Page<App>> {
    return this.apps.list(actor, q);
  }

  @Get('admin/apps/:appId')
  @Authenticated({ actors: ['province', 'county'] })
  @ApiOperation({
    operationId: 'getApp',
    summary: 'Get a partner app with its live credentials (secrets are never shown again)',
    tag: 'Partner apps',
    response: App,
  })
  get(@Auth() actor: Actor, @Param('appId', appIdParam()) appId: string): Promise<App> {
    return this.apps.get(actor, appId);
  }

  @Patch('admin/apps/:appId')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'updateApp',
    summary: "Change a partner app's name, scopes, webhook URLs or IP allowlist (the fields given replace the current ones)",
    tag: 'Partner apps',
    response: App,
  })
  update(@Auth() actor: Actor, @Param('appId', appIdParam()) appId: string, @Body() dto: UpdateAppRequest, @RequestId() requestId?: string): Promise<App> {
    return this.apps.update(actor, appId, dto, requestId);
  }

  @Post('admin/apps/:appId/suspend')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'suspendApp',
    summary: 'Suspend a partner app: its requests are refused until it is resumed',
    tag: 'Partner apps',
    response: App,
    errors: ['invalid_state_transition'],
  })
  suspend(@Auth() actor: Actor, @Param('appId', appIdParam()) appId: string, @RequestId() requestId?: string): Promise<App> {
    return this.apps.setStatus(actor, appId, 'suspend', requestId);
  }

  @Post('admin/apps/:appId/resume')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'resumeApp',
    summary: 'Resume a suspended partner app',
    tag: 'Partner apps',
    response: App,
    errors: ['invalid_state_transition'],
  })
  resume(@Auth() actor: Actor, @Param('appId', appIdParam()) appId: string, @RequestId() requestId?: string): Promise<App> {
    return this.apps.setStatus(actor, appId, 'resume', requestId);
  }

  @Post('admin/apps/:appId/credentials')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'rotateAppCredential',
    summary: "Rotate a partner app's signing credential: the new one is active at once, the old one keeps working for a grace period",
    description: 'The grace period is CREDENTIAL_ROTATION_GRACE_SECONDS (one day by default). An HMAC-SHA256 app gets its new secret in this answer only.',
    tag: 'Partner apps',
    response: AppWithNewCredential,
    errors: ['invalid_public_key'],
  })
  rotate(
    @Auth() actor: Actor,
    @Param('appId', appIdParam()) appId: string,
    @Body() dto: RotateAppCredentialRequest,
    @RequestId() requestId?: string,
  ): Promise<AppWithNewCredential> {
    return this.apps.rotate(actor, appId, dto, requestId);
  }

  /** The gateway's fallback for an app it has not seen an event of: the app as AppUpdatedV1 carries it (secrets encrypted), plus `tenantId`. */
  @Get('internal/apps/:appId')
  @InternalRoute({ callers: ['gateway'] })
  internal(@Param('appId', appIdParam()) appId: string): Promise<AppUpdatedData & { tenantId: string }> {
    return this.apps.internalState(appId);
  }
}
