import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@countypay/observability';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { CreditConfig } from '../config/credit.config';
import { addDays } from '../domain/business-date';
import { SettingsRepository } from '../settings/settings.repository';
import { SettingsService } from '../settings/settings.service';
import { DailyJobsService } from './daily-jobs.service';

/**
 * With the calendar clock (`CREDIT_CLOCK_MODE=system`), runs every tenant's daily jobs for each
 * business date that has not completed yet — today, and the dates missed while the service was
 * down (catch-up). The jobs are idempotent per date, so several instances or a rerun are safe.
 * With the manual clock (tests, sandbox) the clock route runs them as it advances.
 */
@Injectable()
export class DailyJobsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ds: DataSource,
    private readonly config: CreditConfig,
    private readonly settingsRepo: SettingsRepository,
    private readonly settings: SettingsService,
    private readonly jobs: DailyJobsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.CREDIT_CLOCK_MODE !== 'system') return;
    this.timer = setInterval(() => void this.tick(), this.config.CREDIT_JOBS_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over every tenant (exposed for tests). */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let ran = 0;
    try {
      const tenants = await inProvinceTransaction(this.ds, (em) => this.settingsRepo.all(em));
      for (const t of tenants) {
        const { today, last } = await inTenantTransaction(this.ds, t.tenantId, async (em) => ({
          today: (await this.settings.current(em, t.tenantId)).businessDate,
          last: await this.settingsRepo.lastCompletedDate(em),
        }));
        // catch up from the day after the last completed date (at most 400 days back)
        let date = last ? addDays(last, 1) : today;
        if (date < addDays(today, -400)) date = addDays(today, -400);
        for (; date <= today; date = addDays(date, 1)) {
          await this.jobs.runDay(t.tenantId, date);
          ran++;
        }
      }
    } catch (err) {
      this.logger.error({ err }, 'credit daily jobs failed; retried at the next tick');
    } finally {
      this.running = false;
    }
    return ran;
  }
}
