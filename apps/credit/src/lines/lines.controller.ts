import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, actorAppId, actorTenant, uuidParam, type Actor } from '@countypay/service-kit';
import {
  ApproveApplicationRequest,
  ConsentRequest,
  CreateCreditApplicationRequest,
  CreditApplication,
  CreditLine,
  LineStateRequest,
  RejectApplicationRequest,
} from './dto/lines.dto';
import { LinesService, type LineScope } from './lines.service';

export function lineScope(actor: Actor): LineScope {
  return { tenantId: actorTenant(actor), appId: actorAppId(actor), seesAllApps: actor.type !== 'app' };
}

@Controller('credit')
export class LinesController {
  constructor(private readonly lines: LinesService) {}

  @Post('applications')
  @Authenticated({ actors: ['app'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'createCreditApplication',
    summary: "Apply for a credit line for your customer; a consent code is sent by SMS to the customer's bank-reserved mobile",
    tag: 'Credit',
    response: CreditApplication,
    errors: ['limit_above_unsecured_cap', 'credit_line_exists'],
  })
  apply(@Auth() actor: Actor, @Body() dto: CreateCreditApplicationRequest): Promise<CreditApplication> {
    return this.lines.apply(lineScope(actor), dto);
  }

  @Post('applications/:id/consent')
  @HttpCode(200)
  @Authenticated({ actors: ['app'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'consentCreditApplication',
    summary: 'Submit the SMS code the customer received: the application goes to the county bank for a decision',
    tag: 'Credit',
    response: CreditApplication,
    errors: ['consent_code_invalid', 'consent_expired', 'invalid_state_transition'],
  })
  consent(@Auth() actor: Actor, @Param('id', uuidParam('credit application')) id: string, @Body() dto: ConsentRequest): Promise<CreditApplication> {
    return this.lines.consent(lineScope(actor), id, dto);
  }

  @Get('applications/:id')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({ operationId: 'getCreditApplication', summary: 'A credit line application', tag: 'Credit', response: CreditApplication })
  getApplication(@Auth() actor: Actor, @Param('id', uuidParam('credit application')) id: string): Promise<CreditApplication> {
    return this.lines.getApplication(lineScope(actor), id);
  }

  @Post('applications/:id/approve')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'approveCreditApplication',
    summary: "Approve an application with a limit and expiry (the customer's region and the unsecured cap are checked; audited)",
    tag: 'Credit',
    response: CreditApplication,
    errors: ['out_of_region', 'limit_above_unsecured_cap', 'credit_line_exists', 'invalid_state_transition'],
  })
  approve(@Auth() actor: Actor, @Param('id', uuidParam('credit application')) id: string, @Body() dto: ApproveApplicationRequest): Promise<CreditApplication> {
    return this.lines.approve(actor, actorTenant(actor), id, dto);
  }

  @Post('applications/:id/reject')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'rejectCreditApplication',
    summary: 'Reject an application with a reason (audited)',
    tag: 'Credit',
    response: CreditApplication,
    errors: ['invalid_state_transition'],
  })
  reject(@Auth() actor: Actor, @Param('id', uuidParam('credit application')) id: string, @Body() dto: RejectApplicationRequest): Promise<CreditApplication> {
    return this.lines.reject(actor, actorTenant(actor), id, dto);
  }

  @Get('lines/:id')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({ operationId: 'getCreditLine', summary: 'A credit line: limit, held, drawn and available credit', tag: 'Credit', response: CreditLine })
  getLine(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string): Promise<CreditLine> {
    return this.lines.getLine(lineScope(actor), id);
  }

  @Post('lines/:id/state')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'changeCreditLineState',
    summary: 'Freeze, unfreeze or close a credit line with a reason (audited)',
    tag: 'Credit',
    response: CreditLine,
    errors: ['invalid_state_transition'],
  })
  changeState(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Body() dto: LineStateRequest): Promise<CreditLine> {
    return this.lines.changeLine(actor, actorTenant(actor), id, dto);
  }
}
