import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from '@countypay/contracts';
import { ChannelPipe, TenantIdPipe } from '../common/params.pipe';
import type { Channel } from '../domain/channels';
import { isStatementDate } from '../domain/statement';
import { StatementInjections, type StatementInjection } from '../domain/statement-injection';
import { CreateStatementInjectionDto, StatementDayQueryDto } from './dto/statement-injection.dto';
import { StatementsService } from './statements.service';
import { PlatformRoute } from '@countypay/service-kit';

function checkDate(date: string): void {
  if (!isStatementDate(date)) throw new ApiError('invalid_request', 'date must be a calendar day written YYYY-MM-DD', 'date');
}

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
    checkDate(date);
    res.setHeader('content-disposition', `attachment; filename="${channel}-${tenantId}-${date}.csv"`);
    return this.statements.csv(channel, tenantId, date);
  }

  /** The statement in the channel's own format (WeChat CSV, Alipay GBK CSV in a zip, UnionPay fixed width, core banking text). */
  @Get(':channel/:tenantId/:date/file')
  async file(
    @Param('channel', ChannelPipe) channel: Channel,
    @Param('tenantId', TenantIdPipe) tenantId: string,
    @Param('date') date: string,
    @Res() res: Response,
  ): Promise<void> {
    checkDate(date);
    const f = await this.statements.file(channel, tenantId, date);
    res.setHeader('content-type', f.contentType);
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
    res.status(200).end(f.body);
  }
}

function injectionView(i: StatementInjection): Record<string, unknown> {
  return Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v]));
}

/** Test control: discrepancies to put into a tenant's statement of one channel and day. */
// a simulated external system (channel, county core banking, their admin API): never part of the public API
@PlatformRoute('the platform and its tests (simulated external system)')
@Controller('admin/statement-injections')
export class StatementInjectionsController {
  constructor(private readonly injections: StatementInjections) {}

  @Post()
  @HttpCode(201)
  add(@Body() dto: CreateStatementInjectionDto): Record<string, unknown> {
    checkDate(dto.date);
    const target = { type: dto.type, orderId: dto.orderId, ...(dto.refundId ? { refundId: dto.refundId } : {}) };
    let i: StatementInjection;
    switch (dto.kind) {
      case 'drop_row':
        i = { kind: 'drop_row', ...target };
        break;
      case 'change_amount':
        i = { kind: 'change_amount', ...target, amountFen: BigInt(dto.amountFen!) };
        break;
      case 'change_status':
        i = { kind: 'change_status', ...target, status: dto.status! };
        break;
      case 'add_row':
        i = {
          kind: 'add_row',
          ...target,
          amountFen: BigInt(dto.amountFen!),
          status: dto.status!,
          ...(dto.channelTradeNo ? { channelTradeNo: dto.channelTradeNo } : {}),
        };
        break;
    }
    return injectionView(this.injections.add(dto.tenantId, dto.channel, dto.date, i));
  }

  @Get()
  list(@Query() q: StatementDayQueryDto): { data: Array<Record<string, unknown>> } {
    return { data: this.injections.list(q.tenantId, q.channel, q.date).map(injectionView) };
  }

  @Delete()
  clear(@Query() q: StatementDayQueryDto): { cleared: number } {
    return { cleared: this.injections.clear(q.tenantId, q.channel, q.date) };
  }
}
