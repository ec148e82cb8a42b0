import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { actorTenant, ApiOperation, Auth, Authenticated, PageQuery, uuidParam, type Actor } from '@countypay/service-kit';
import { SettlementBatchDetail } from '../settlement-batches/dto/settlement-batches.dto';
import type { BatchActor } from '../settlement-batches/settlement-batches.service';
import { MerchantPayoutAccount, SetPayoutAccountRequest, SettlementPayout } from './dto/payouts.dto';
import { PayoutsService } from './payouts.service';

function operator(actor: Actor): BatchActor {
  return { type: actor.type === 'province' ? 'province' : 'county', id: actor.id };
}

/** Merchant payouts of settlement batches, for county operators (their own county) and the province. */
@Controller('settlement')
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @Post('merchants/:merchantId/payout-account')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'setMerchantPayoutAccount',
    summary: "Set the account a merchant's payouts are made to (stored encrypted, shown by its last four digits)",
    tag: 'Settlement',
    response: MerchantPayoutAccount,
  })
  setAccount(
    @Auth() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Body() dto: SetPayoutAccountRequest,
  ): Promise<MerchantPayoutAccount> {
    return this.payouts.setAccount(actorTenant(actor), merchantId, dto, operator(actor));
  }

  @Post('batches/:batchId/payouts')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'startSettlementPayouts',
    summary: 'Pay an approved batch: each merchant payout goes to the county core banking; the batch ends settled or partially failed',
    description:
      'Only an approved batch can be paid (a batch above the threshold with one approval answers 409). A payout the bank does not ' +
      'answer is resolved by querying its instruction id; a failed payout leaves its amount payable in the ledger.',
    tag: 'Settlement',
    response: SettlementBatchDetail,
    errors: ['invalid_state_transition'],
  })
  start(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string): Promise<SettlementBatchDetail> {
    return this.payouts.start(actorTenant(actor), batchId, operator(actor));
  }

  @Post('batches/:batchId/payouts/retry')
  @HttpCode(200)
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'retrySettlementPayouts',
    summary: "Resolve a batch's unanswered payouts by query and retry its failed ones (a new attempt each)",
    tag: 'Settlement',
    response: SettlementBatchDetail,
    errors: ['invalid_state_transition'],
  })
  retry(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string): Promise<SettlementBatchDetail> {
    return this.payouts.retry(actorTenant(actor), batchId, operator(actor));
  }

  @Get('batches/:batchId/payouts')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listSettlementPayouts',
    summary: "List a batch's payouts and their attempts, in the order they were created",
    tag: 'Settlement',
    response: { page: SettlementPayout },
  })
  list(@Auth() actor: Actor, @Param('batchId', uuidParam('settlement batch')) batchId: string, @Query() q: PageQuery): Promise<Page<SettlementPayout>> {
    return this.payouts.list(actorTenant(actor), batchId, q);
  }
}
