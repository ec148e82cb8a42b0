import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COUNTIES } from '@countypay/contracts';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { PollingLoop } from '@countypay/messaging';
import { LOGGER } from '@countypay/service-kit';
import { SettlementConfig } from '../config/settlement.config';
import { lastClosedBusinessDate } from '../domain/business-day';
import { SettlementBatchesRepository } from './settlement-batches.repository';
import { SettlementBatchesService } from './settlement-batches.service';

/**
 * The cut-off job: for each county, once its latest business date has closed and has no batch,
 * runs that date's cut-off as the `system` actor — the same idempotent use case operators run
 * through the API, so a job and an operator racing each other make one batch. Off unless
 * SETTLEMENT_AUTO_CUTOFF=true.
 */
@Injectable()
export class CutoffJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly batches: SettlementBatchesService,
    private readonly repo: SettlementBatchesRepository,
    private readonly config: SettlementConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // one round at a time, every poll; a failed round is logged and tried again at the next poll
    this.loop = new PollingLoop({
      round: async () => (await this.runDue(COUNTIES.map((c) => c.tenantId))).length,
      batchSize: Number.MAX_SAFE_INTEGER,
      pollMs: this.config.SETTLEMENT_CUTOFF_POLL_MS,
      maxBackoffMs: this.config.SETTLEMENT_CUTOFF_POLL_MS,
      onError: (err) => this.logger.error({ err }, 'cut-off job: a round failed'),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SETTLEMENT_AUTO_CUTOFF === 'true') this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Cuts off, for each tenant, its last closed business date when it has no batch yet; returns the batches made. */
  async runDue(tenantIds: readonly string[], now = new Date()): Promise<Array<{ tenantId: string; businessDate: string; batchId: string }>> {
    const made: Array<{ tenantId: string; businessDate: string; batchId: string }> = [];
    for (const tenantId of tenantIds) {
      try {
        const due = await inTenantTransaction(this.ds, tenantId, async (em) => {
          const date = lastClosedBusinessDate(now, (await this.batches.policy(em)).cutoffTime);
          const latest = await this.repo.latestBusinessDate(em);
          return latest !== undefined && latest >= date ? undefined : date;
        });
        if (!due) continue;
        const r = await this.batches.runCutoff(tenantId, due, { type: 'system', id: 'cutoff-job' }, now);
        if (r.created) made.push({ tenantId, businessDate: due, batchId: r.batch.id });
      } catch (e) {
        this.logger.error({ tenantId, err: e }, 'cut-off job failed for a tenant');
      }
    }
    return made;
  }
}
