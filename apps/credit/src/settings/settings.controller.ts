import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, actorTenant, type Actor } from '@countypay/service-kit';
import { DailyJobsService } from '../jobs/daily-jobs.service';
import { AdvanceClockRequest, CreditSettings, UpdateCreditSettingsRequest } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@Controller('credit')
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly jobs: DailyJobsService,
  ) {}

  @Get('settings')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({ operationId: 'getCreditSettings', summary: "The county's credit settings and business date", tag: 'Credit', response: CreditSettings })
  get(@Auth() actor: Actor): Promise<CreditSettings> {
    return this.settings.get(actorTenant(actor));
  }

  @Put('settings')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'updateCreditSettings',
    summary: "Change the county's APR ceiling, unsecured cap or freeze threshold (audited)",
    tag: 'Credit',
    response: CreditSettings,
  })
  update(@Auth() actor: Actor, @Body() dto: UpdateCreditSettingsRequest): Promise<CreditSettings> {
    return this.settings.update(actor, actorTenant(actor), dto);
  }

  @Post('clock/advance')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'advanceCreditClock',
    summary: "Advance the county's credit business date and run the daily jobs of each date (test and sandbox profiles only)",
    tag: 'Credit',
    response: CreditSettings,
    errors: ['conflict'],
  })
  advance(@Auth() actor: Actor, @Body() dto: AdvanceClockRequest): Promise<CreditSettings> {
    const tenantId = actorTenant(actor);
    return this.settings.advance(tenantId, dto.days, async (date) => {
      await this.jobs.runDay(tenantId, date);
    });
  }
}
