import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inScope, type TransactionScope } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, type Actor } from '@countypay/service-kit';
import { beijingDay, beijingToday, foldCountyStats } from './payment-stats';
import { PaymentStats, PaymentStatsQuery } from './payment-stats.dto';
import { PaymentStatsRepository } from './payment-stats.repository';

/** The ops console's overview: a day's QR payments per county, computed here (not in the browser). */
@Controller('qr/stats')
export class PaymentStatsController {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: PaymentStatsRepository,
  ) {}

  @Get('daily')
  @Authenticated({ actors: ['county', 'province'], scopes: ['qr:pay'] })
  @ApiOperation({
    operationId: 'getQrDailyStats',
    summary: "A day's QR payments per county: volume, amount, success rate, latency, and the same by hour (Beijing time)",
    description:
      'A county operator gets its own county only. A province operator gets every county with payments that day, or the one it names with X-CP-Tenant-Id. ' +
      'Latency is the time from order to paid of the succeeded orders.',
    tag: 'Operations',
    response: PaymentStats,
    errors: ['invalid_request'],
  })
  async daily(@Auth() actor: Actor, @Query() q: PaymentStatsQuery): Promise<PaymentStats> {
    const date = q.date ?? beijingToday();
    let day: { from: Date; to: Date };
    try {
      day = beijingDay(date);
    } catch {
      throw new ApiError('invalid_request', 'date must be a calendar day, YYYY-MM-DD', 'date');
    }
    // a county operator (and a province operator naming a county) reads under that county's RLS; the province alone under its own scope
    const scope: TransactionScope = actor.type === 'province' && !actor.tenantId ? 'province' : { tenantId: actor.tenantId! };
    const counties = await inScope(this.ds, scope, async (em) =>
      foldCountyStats(await this.repo.hourly(em, day.from, day.to), await this.repo.p95(em, day.from, day.to)),
    );
    return { date, counties };
  }
}
