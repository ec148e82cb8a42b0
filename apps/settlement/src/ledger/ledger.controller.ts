import { Controller, Get, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { requireTenantId } from '@countypay/tenancy';
import { Actor, ActorGuard, AllowActors, type RequestActor } from '../http/actor.guard';
import { ListEntriesQueryDto } from './dto/list-entries.query.dto';
import { LedgerService, type EntryView, type MerchantBalanceView, type TrialBalanceView } from './ledger.service';

const merchantIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new ApiError('invalid_request', 'merchantId must be a UUID', 'merchantId') });

/**
 * The tenant's ledger, read-only (the gateway forwards `/v1/ledger/...` here with the tenant and actor headers).
 * County and province operators see the whole tenant; a partner app sees the entries of its own payments and the
 * balances of merchants it has taken payments for.
 */
@Controller('ledger')
@UseGuards(ActorGuard)
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('merchants/:merchantId/balance')
  @AllowActors('app', 'county', 'province')
  balance(@Param('merchantId', merchantIdPipe) merchantId: string, @Actor() actor: RequestActor): Promise<MerchantBalanceView> {
    return this.ledger.merchantBalance(requireTenantId(), merchantId, { partnerAppId: actor.appId });
  }

  @Get('entries')
  @AllowActors('app', 'county', 'province')
  entries(@Query() q: ListEntriesQueryDto, @Actor() actor: RequestActor): Promise<{ data: EntryView[]; nextCursor: string | null }> {
    return this.ledger.entries(requireTenantId(), q, { partnerAppId: actor.appId });
  }

  @Get('trial-balance')
  @AllowActors('county', 'province')
  trialBalance(): Promise<TrialBalanceView> {
    return this.ledger.trialBalance(requireTenantId());
  }
}
