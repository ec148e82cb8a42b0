import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COUNTIES } from '@countypay/contracts';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
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
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ds: DataSource,
    private readonly batches: SettlementBatchesService,
    private readonly repo: SettlementBatchesRepository,
    private readonly config: SettlementConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SETTLEMENT_AUTO_CUTOFF !== 'true') return;
    this.timer = setInterval(() => void this.tick(), this.config.SETTLEMENT_CUTOFF_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.runDue(COUNTIES.map((c) => c.tenantId));
    } finally {
      this.running = false;
    }
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
