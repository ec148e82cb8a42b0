import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COUNTIES, RECONCILED_CHANNELS, type PaymentChannel } from '@countypay/contracts';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { PollingLoop } from '@countypay/messaging';
import { LOGGER } from '@countypay/service-kit';
import { SettlementConfig } from '../config/settlement.config';
import { addDays } from '../domain/business-day';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationService, shanghaiDate } from './reconciliation.service';

/**
 * The daily reconciliation job: for each county and channel, once a day (Asia/Shanghai) has ended
 * and has no run yet, reconciles that day's statement as the `system` actor — the same idempotent
 * use case operators run through the API, so a job and an operator racing each other open no
 * second case. A channel that has no statement yet is tried again at the next poll. Off unless
 * SETTLEMENT_AUTO_RECONCILE=true.
 */
@Injectable()
export class ReconciliationJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly recon: ReconciliationService,
    private readonly repo: ReconciliationRepository,
    private readonly config: SettlementConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // one round at a time, every poll; a failed round is logged and tried again at the next poll
    this.loop = new PollingLoop({
      round: async () => (await this.runDue(COUNTIES.map((c) => c.tenantId))).length,
      batchSize: Number.MAX_SAFE_INTEGER,
      pollMs: this.config.SETTLEMENT_RECONCILE_POLL_MS,
      maxBackoffMs: this.config.SETTLEMENT_RECONCILE_POLL_MS,
      onError: (err) => this.logger.error({ err }, 'reconciliation job: a round failed'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SETTLEMENT_AUTO_RECONCILE === 'true') this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Reconciles yesterday (Shanghai) for each tenant and channel without a run of it; returns the runs made. */
  async runDue(
    tenantIds: readonly string[],
    channels: readonly PaymentChannel[] = RECONCILED_CHANNELS,
    now = new Date(),
  ): Promise<Array<{ tenantId: string; channel: PaymentChannel; businessDate: string; runId: string }>> {
    const date = addDays(shanghaiDate(now), -1);
    const made: Array<{ tenantId: string; channel: PaymentChannel; businessDate: string; runId: string }> = [];
    for (const tenantId of tenantIds)
      for (const channel of channels) {
        try {
          const done = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findRun(em, channel, date));
          if (done) continue;
          const run = await this.recon.run(tenantId, channel, date, { type: 'system', id: 'reconciliation-job' });
          made.push({ tenantId, channel, businessDate: date, runId: run.id });
        } catch (e) {
          this.logger.warn(
            { tenantId, channel, businessDate: date, error: e instanceof Error ? e.message : String(e) },
            'reconciliation job: not reconciled this time',
          );
        }
      }
    return made;
  }
}
