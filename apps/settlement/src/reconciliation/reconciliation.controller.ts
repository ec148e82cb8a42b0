import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { actorTenant, ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import {
  ListReconciliationCasesQuery,
  ListReconciliationRunsQuery,
  ProposeAdjustmentRequest,
  ReconciliationCase,
  ReconciliationCaseDetail,
  ReconciliationRun,
  ReconciliationSettings,
  ReconciliationSettingsRequest,
  RejectAdjustmentRequest,
  ResolveCaseRequest,
  RunReconciliationRequest,
} from './dto/reconciliation.dto';
import { ReconciliationService, type CaseActor } from './reconciliation.service';

function operator(actor: Actor): CaseActor {
  return { type: actor.type === 'province' ? 'province' : 'county', id: actor.id };
}

/**
 * Channel reconciliation (对账) and its cases (差错处理), for county operators (their own county
 * only: another county's case is a 404) and province operators (naming the county).
 */
@Controller('settlement/reconciliation')
export class ReconciliationController {
  constructor(private readonly recon: ReconciliationService) {}

  @Post('runs')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'runReconciliation',
    summary: "Reconcile a channel's statement of one date against the platform's records; discrepancies become cases",
    description:
      "Fetches and parses the channel's statement file, matches payments and refunds by the platform's order and refund numbers and the channel's " +
      'transaction id, consults the adjacent days before calling a movement one-sided, opens one case per discrepant movement and re-queries it at the channel. ' +
      'Idempotent: running a date again opens no second case for a movement and never doubles an adjustment.',
    tag: 'Reconciliation',
    response: ReconciliationRun,
    errors: ['statement_unavailable', 'statement_malformed'],
  })
  run(@Auth() actor: Actor, @Body() dto: RunReconciliationRequest): Promise<ReconciliationRun> {
    return this.recon.run(actorTenant(actor), dto.channel, dto.businessDate, operator(actor));
  }

  @Get('runs')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listReconciliationRuns',
    summary: "List the county's past reconciliation runs, newest first (one per channel and business date; a re-run counts in runCount)",
    tag: 'Reconciliation',
    response: { page: ReconciliationRun },
  })
  runs(@Auth() actor: Actor, @Query() q: ListReconciliationRunsQuery): Promise<Page<ReconciliationRun>> {
    return this.recon.runs(actorTenant(actor), q);
  }

  @Get('cases')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listReconciliationCases',
    summary: "List the county's reconciliation cases, newest first",
    tag: 'Reconciliation',
    response: { page: ReconciliationCase },
  })
  list(@Auth() actor: Actor, @Query() q: ListReconciliationCasesQuery): Promise<Page<ReconciliationCase>> {
    return this.recon.list(actorTenant(actor), q);
  }

  @Get('cases/:caseId')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getReconciliationCase',
    summary: 'Get a reconciliation case with its history',
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
  })
  get(@Auth() actor: Actor, @Param('caseId', uuidParam('reconciliation case')) caseId: string): Promise<ReconciliationCaseDetail> {
    return this.recon.detail(actorTenant(actor), caseId);
  }

  @Post('cases/:caseId/requery')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'requeryReconciliationCase',
    summary: "Query the channel again about a case's payment or refund; resolves the case when the channel now agrees with the platform",
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
    errors: ['invalid_state_transition', 'statement_unavailable'],
  })
  requery(@Auth() actor: Actor, @Param('caseId', uuidParam('reconciliation case')) caseId: string): Promise<ReconciliationCaseDetail> {
    return this.recon.requery(actorTenant(actor), caseId, operator(actor));
  }

  @Post('cases/:caseId/resolve')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'resolveReconciliationCase',
    summary: 'Close a case with a note (no posting)',
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
    errors: ['invalid_state_transition'],
  })
  resolve(
    @Auth() actor: Actor,
    @Param('caseId', uuidParam('reconciliation case')) caseId: string,
    @Body() dto: ResolveCaseRequest,
  ): Promise<ReconciliationCaseDetail> {
    return this.recon.resolve(actorTenant(actor), caseId, dto.note, operator(actor));
  }

  @Post('cases/:caseId/adjustment')
  @HttpCode(200)
  @Authenticated({ actors: ['county'] })
  @ApiOperation({
    operationId: 'proposeReconciliationAdjustment',
    summary: "Propose an adjustment of the merchant's payable for a case in review (maker); a second operator approves it",
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
    errors: ['invalid_state_transition'],
  })
  propose(
    @Auth() actor: Actor,
    @Param('caseId', uuidParam('reconciliation case')) caseId: string,
    @Body() dto: ProposeAdjustmentRequest,
  ): Promise<ReconciliationCaseDetail> {
    return this.recon.proposeAdjustment(actorTenant(actor), caseId, BigInt(dto.amountFen), dto.reason, operator(actor));
  }

  @Post('cases/:caseId/adjustment/approve')
  @HttpCode(200)
  @Authenticated({ actors: ['county'] })
  @ApiOperation({
    operationId: 'approveReconciliationAdjustment',
    summary: 'Approve the proposed adjustment as a second county operator (checker): it is posted to the ledger once and the case resolved',
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
    errors: ['approval_already_given', 'invalid_state_transition'],
  })
  approve(@Auth() actor: Actor, @Param('caseId', uuidParam('reconciliation case')) caseId: string): Promise<ReconciliationCaseDetail> {
    return this.recon.approveAdjustment(actorTenant(actor), caseId, operator(actor));
  }

  @Post('cases/:caseId/adjustment/reject')
  @HttpCode(200)
  @Authenticated({ actors: ['county'] })
  @ApiOperation({
    operationId: 'rejectReconciliationAdjustment',
    summary: 'Reject the proposed adjustment: the case goes back to review',
    tag: 'Reconciliation',
    response: ReconciliationCaseDetail,
    errors: ['invalid_state_transition'],
  })
  reject(
    @Auth() actor: Actor,
    @Param('caseId', uuidParam('reconciliation case')) caseId: string,
    @Body() dto: RejectAdjustmentRequest,
  ): Promise<ReconciliationCaseDetail> {
    return this.recon.rejectAdjustment(actorTenant(actor), caseId, dto.reason, operator(actor));
  }

  @Get('settings')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getReconciliationSettings',
    summary: "The county's reconciliation settings",
    tag: 'Reconciliation',
    response: ReconciliationSettings,
  })
  settings(@Auth() actor: Actor): Promise<ReconciliationSettings> {
    return this.recon.settings(actorTenant(actor));
  }

  @Put('settings')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'putReconciliationSettings',
    summary: 'Choose what a late channel success on an order closed locally becomes: an automatic refund or a make-up order',
    tag: 'Reconciliation',
    response: ReconciliationSettings,
  })
  putSettings(@Auth() actor: Actor, @Body() dto: ReconciliationSettingsRequest): Promise<ReconciliationSettings> {
    return this.recon.putSettings(actorTenant(actor), dto.lateSuccessAction, operator(actor));
  }
}
