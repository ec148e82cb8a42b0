import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { actorTenant, ApiOperation, Auth, Authenticated, type Actor } from '@countypay/service-kit';
import { DailyReport, DailyReportQuery, ProvinceReport } from './dto/reports.dto';
import { ReportsService } from './reports.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Daily settlement reports of a county (county operators: their own; the province naming the county). */
@Controller('settlement/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('daily')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getDailySettlementReport',
    summary: "A business date's settlement report: payments, refunds and fees by product and channel, payouts, and the same figures from the ledger",
    tag: 'Settlement',
    response: DailyReport,
  })
  daily(@Auth() actor: Actor, @Query() q: DailyReportQuery): Promise<DailyReport> {
    return this.reports.daily(actorTenant(actor), q.businessDate);
  }

  @Get('daily.csv')
  @Authenticated({ actors: ['county', 'province'] })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getDailySettlementReportCsv',
    summary: 'The daily settlement report as CSV (UTF-8, amounts in yuan)',
    tag: 'Settlement',
    response: { contentType: 'text/csv', description: 'the report, one row per product and channel, then the totals and payouts' },
  })
  async csv(@Auth() actor: Actor, @Query() q: DailyReportQuery, @Res() res: Response): Promise<void> {
    const body = await this.reports.dailyCsv(actorTenant(actor), q.businessDate);
    res.type('text/csv; charset=utf-8').attachment(`settlement-${q.businessDate}.csv`).send(body);
  }

  @Get('daily.xlsx')
  @Authenticated({ actors: ['county', 'province'] })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getDailySettlementReportXlsx',
    summary: 'The daily settlement report as an Excel workbook',
    tag: 'Settlement',
    response: { contentType: XLSX, description: 'the report as an XLSX workbook' },
  })
  async xlsx(@Auth() actor: Actor, @Query() q: DailyReportQuery, @Res() res: Response): Promise<void> {
    const body = await this.reports.dailyXlsx(actorTenant(actor), q.businessDate);
    res.type(XLSX).attachment(`settlement-${q.businessDate}.xlsx`).send(body);
  }

  @Get('province')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'getProvinceSettlementReport',
    summary: "The province roll-up of a business date: every county's payments, refunds, fees, net, payouts and open reconciliation cases, and the totals",
    tag: 'Settlement',
    response: ProvinceReport,
  })
  province(@Query() q: DailyReportQuery): Promise<ProvinceReport> {
    return this.reports.province(q.businessDate);
  }

  @Get('province.csv')
  @Authenticated({ actors: ['province'] })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getProvinceSettlementReportCsv',
    summary: 'The province roll-up as CSV (UTF-8, amounts in yuan)',
    tag: 'Settlement',
    response: { contentType: 'text/csv', description: 'one row per county, then the province totals' },
  })
  async provinceCsv(@Query() q: DailyReportQuery, @Res() res: Response): Promise<void> {
    const body = await this.reports.provinceCsv(q.businessDate);
    res.type('text/csv; charset=utf-8').attachment(`settlement-province-${q.businessDate}.csv`).send(body);
  }
}
