import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, actorTenant, uuidParam, type Actor } from '@countypay/service-kit';
import { EscrowPositionRow, ListEscrowPositionsQuery, MerchantEscrowSummary } from './dto/escrow-positions.dto';
import { EscrowPositionsService } from './escrow-positions.service';

const TAG = 'Profit sharing';
/** county operators see their county; the province any county it names */
const OPERATORS = { actors: ['county', 'province'] } as const;

/** Operators' read routes of profit sharing: escrow positions per merchant (the ops console's pages). */
@Controller('acquiring/profit-sharing')
export class EscrowPositionsController {
  constructor(private readonly positions: EscrowPositionsService) {}

  @Get('escrows')
  @Authenticated(OPERATORS)
  @ApiOperation({
    operationId: 'listEscrowPositions',
    summary: 'List the escrow of shared paid orders (held, split, released, reversed, refunded), newest paid first',
    description: "County and province operators. With `merchantId`, that merchant's orders only (another county's merchant is a 404).",
    tag: TAG,
    response: { page: EscrowPositionRow },
    errors: ['invalid_request', 'not_found'],
  })
  list(@Auth() actor: Actor, @Query() q: ListEscrowPositionsQuery): Promise<Page<EscrowPositionRow>> {
    return this.positions.list(actorTenant(actor), q);
  }

  @Get('merchants/:merchantId/escrow')
  @Authenticated(OPERATORS)
  @ApiOperation({
    operationId: 'getMerchantEscrowSummary',
    summary: "A merchant's escrow over its shared paid orders: held, split, released, reversed and refunded",
    description: "County and province operators; another county's merchant is a 404.",
    tag: TAG,
    response: MerchantEscrowSummary,
  })
  summary(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<MerchantEscrowSummary> {
    return this.positions.merchantSummary(actorTenant(actor), merchantId);
  }
}
