import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from '@countypay/contracts';
import { ChannelPipe, TenantIdPipe } from '../common/params.pipe';
import type { Channel } from '../domain/channels';
import { isStatementDate } from '../domain/statement';
import { StatementsService } from './statements.service';
import { PlatformRoute } from '@countypay/service-kit';

/** Daily statement files (对账单), as the channels publish them for reconciliation. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('statements')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Get(':channel/:tenantId/:date')
  @Header('content-type', 'text/csv; charset=utf-8')
  async get(
    @Param('channel', ChannelPipe) channel: Channel,
    @Param('tenantId', TenantIdPipe) tenantId: string,
    @Param('date') date: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!isStatementDate(date)) throw new ApiError('invalid_request', 'date must be a calendar day written YYYY-MM-DD', 'date');
    res.setHeader('content-disposition', `attachment; filename="${channel}-${tenantId}-${date}.csv"`);
    return this.statements.csv(channel, tenantId, date);
  }
}
