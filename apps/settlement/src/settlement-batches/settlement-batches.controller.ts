import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { actorTenant, ApiOperation, Auth, Authenticated, PageQuery, uuidParam, type Actor } from '@countypay/service-kit';
import {
  ListSettlementBatchesQuery,
  MerchantPayoutHold,
  ReasonRequest,
  RunCutoffRequest,
  SettlementBatch,
  SettlementBatchDetail,
  SettlementBatchItem,
} from './dto/settlement-batches.dto';
import { SettlementBatchesService, type BatchActor } from './settlement-batches.service';

function operator(actor: Actor): BatchActor {
  return { type: actor.type === 'province' ? 'province' : 'county', id: actor.id };
}

/**
 * Settlement batches, for county operators (their own county only: another county's batch is a
 * 404) and province operators (naming the county). The gateway forwards `/v1/settlement/...` here.
 */
@Controller('settlement')
export class SettlementBatchesController {
  constructor(private readonly batches: SettlementBatchesService) {}

  @Post('cutoffs')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'runSettlementCutoff',
    summary: 'Close a business date at the county cut-off and clear it into a settlement batch (pending approval)',
    description:
      "Clearing takes every ledger entry that occurred before the date's cut-off and is in no batch yet, computes each merchant's net " +
      '(payments − refunds − fees, plus what earlier batches held, carried or reserved), holds held merchants and stores the tie-out. ' +
      'Idempotent: running a date again returns its batch unchanged. A date whose cut-off has not passed answers 409 business_day_not_closed.',
    tag: 'Settlement',
    response: SettlementBatchDetail,
    errors: ['business_day_not_closed', 'invalid_state_transition'],
  })
  cutoff(@Auth() actor: Actor, @Body() dto: RunCutoffRequest): Promise<SettlementBatchDetail> {
    return this.batches.runCutoff(actorTenant(actor), dto.businessDate, operator(actor)).then((r) => r.batch);
  }

  @Get('batches')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listSettlementBatches',
    summary: "List the county's settlement batches, newest first",
    tag: 'Settlement',
    response: { page: SettlementBatch },
  })
  list(@Auth() actor: Actor, @Query() q: ListSettlementBatchesQuery): Promise<Page<SettlementBatch>> {
    return this.batches.list(actorTenant(actor), q);
  }

  @Get('batches/:batchId')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getSettlementBatch',
    summary: 'Get a settlement batch: its totals and tie-out, approvals and status history',
    tag: 'Settlement',
    response: SettlementBatchDetail,
  })
  get(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string): Promise<SettlementBatchDetail> {
    return this.batches.detail(actorTenant(actor), batchId);
  }

  @Get('batches/:batchId/items')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listSettlementBatchItems',
    summary: "List a settlement batch's merchant items (net, reserve, payout, held), by merchant id",
    tag: 'Settlement',
    response: { page: SettlementBatchItem },
  })
  items(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string, @Query() q: PageQuery): Promise<Page<SettlementBatchItem>> {
    return this.batches.items(actorTenant(actor), batchId, q);
  }

  @Post('batches/:batchId/approvals')
  @HttpCode(200)
  @Authenticated({ actors: ['county'] })
  @ApiOperation({
    operationId: 'approveSettlementBatch',
    summary: 'Approve a settlement batch as a county operator (above the county threshold, two different operators must approve)',
    tag: 'Settlement',
    response: SettlementBatchDetail,
    errors: ['approval_already_given', 'invalid_state_transition'],
  })
  approve(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string): Promise<SettlementBatchDetail> {
    return this.batches.approve(actorTenant(actor), batchId, operator(actor));
  }

  @Post('batches/:batchId/abort')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'abortSettlementBatch',
    summary: 'Abort a settlement batch before any payout is committed; its entries go to the next cut-off',
    tag: 'Settlement',
    response: SettlementBatchDetail,
    errors: ['invalid_state_transition'],
  })
  abort(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string, @Body() dto: ReasonRequest): Promise<SettlementBatchDetail> {
    return this.batches.abort(actorTenant(actor), batchId, dto.reason, operator(actor));
  }

  @Post('merchants/:merchantId/payout-hold')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'holdMerchantPayouts',
    summary: "Hold a merchant's payouts with a reason: its amounts stay payable and are brought forward until the hold is released",
    tag: 'Settlement',
    response: MerchantPayoutHold,
    errors: ['conflict'],
  })
  hold(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string, @Body() dto: ReasonRequest): Promise<MerchantPayoutHold> {
    return this.batches.hold(actorTenant(actor), merchantId, dto.reason, operator(actor));
  }

  @Post('merchants/:merchantId/payout-hold/release')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'releaseMerchantPayoutHold',
    summary: "Release a merchant's payout hold: its held amounts are paid by the next batch",
    tag: 'Settlement',
    response: MerchantPayoutHold,
  })
  release(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<MerchantPayoutHold> {
    return this.batches.release(actorTenant(actor), merchantId, operator(actor));
  }
}
