import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { actorAppId, actorTenant, ApiOperation, Auth, Authenticated, uuidParam, type Actor } from '@countypay/service-kit';
import { LedgerEntry, MerchantBalance, TrialBalance } from './dto/ledger.responses.dto';
import { ListLedgerEntriesQuery } from './dto/list-ledger-entries.query.dto';
import { LedgerService, type Viewer } from './ledger.service';

/** A partner app sees only what its own payments posted; operators see the whole tenant. */
function viewerOf(actor: Actor): Viewer {
  const appId = actorAppId(actor);
  return appId ? { partnerAppId: appId } : {};
}

/**
 * The tenant's ledger, read-only (the gateway forwards `/v1/ledger/...` here with the actor headers).
 * County and province operators see the whole tenant; a partner app sees the entries of its own payments and the
 * balances of merchants it has taken payments for.
 */
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('merchants/:merchantId/balance')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['merchants:read'] })
  @ApiOperation({
    operationId: 'getMerchantBalance',
    summary: "Get a merchant's ledger balance: what the county bank owes it (its payments net of fees, less refunds), in fen",
    description:
      'A partner app sees the balance of a merchant it has taken at least one posted payment for; any other merchant, ' +
      'and a merchant without postings in the tenant, answers 404 not_found.',
    tag: 'Ledger',
    response: MerchantBalance,
  })
  balance(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<MerchantBalance> {
    return this.ledger.merchantBalance(actorTenant(actor), merchantId, viewerOf(actor));
  }

  @Get('entries')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['merchants:read'] })
  @ApiOperation({
    operationId: 'listLedgerEntries',
    summary: 'List the journal entries posted for payments and refunds, newest first, each with its postings',
    description: 'A partner app sees only the entries of its own payments and their refunds; operators see every entry of the tenant.',
    tag: 'Ledger',
    response: { page: LedgerEntry },
  })
  entries(@Auth() actor: Actor, @Query() q: ListLedgerEntriesQuery): Promise<Page<LedgerEntry>> {
    return this.ledger.entries(actorTenant(actor), q, viewerOf(actor));
  }

  @Get('trial-balance')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getTrialBalance',
    summary: "Get the tenant's trial balance: every ledger account's balance in its debit or credit column, and the column totals",
    tag: 'Ledger',
    response: TrialBalance,
  })
  trialBalance(@Auth() actor: Actor): Promise<TrialBalance> {
    return this.ledger.trialBalance(actorTenant(actor));
  }
}
