import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@countypay/observability';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { AcquiringConfig } from '../config/acquiring.config';
import { OrdersRepository } from '../orders/orders.repository';
import { PaymentSyncService } from '../orders/payment-sync.service';
import { RefundExecutor } from '../refunds/refund-executor.service';
import { RefundsRepository } from '../refunds/refunds.repository';
import { DEFAULT_MAX_HOLD_DAYS, holdExpired } from '../domain/split-rules';
import { Escrow } from '../sharing/escrow';
import { SharingRepository } from '../sharing/sharing.repository';
import { SplitsService } from '../sharing/splits.service';

export interface SweepResult {
  expired: number;
  requeried: number;
  refundsResolved: number;
  escrowsReleased: number;
  splitsProcessed: number;
}

/**
 * The jobs of online acquiring, every ACQ_SWEEP_MS (a minute by default), across counties in the
 * province scope, each order then handled in its own county's transaction:
 *
 * - orders past their expiry are closed — a payment in progress is closed at the channel first,
 *   and one the channel says was paid is applied instead (`payment.closed`, reason `expired`);
 * - payments still `paying` ACQ_REQUERY_AFTER_MS after they started are queried at the channel (补单);
 * - refunds still `pending` (a channel call that timed out) are resolved by querying the channel;
 * - splits still `processing` (the process died between decision and processing) are processed;
 * - the escrow of a shared order is released to its merchant once the county's maximum hold
 *   (`profitSharing.maxHoldDays`, default 30 days after payment; ACQ_SHARING_MAX_HOLD_SECONDS
 *   overrides it) has passed (`split.released`, reason `hold_expired`).
 */
@Injectable()
export class AcquiringSweepsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly sync: PaymentSyncService,
    private readonly refundExecutor: RefundExecutor,
    private readonly sharing: SharingRepository,
    private readonly escrow: Escrow,
    private readonly splits: SplitsService,
    private readonly config: AcquiringConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'acquiring sweep failed')), this.config.ACQ_SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass of every job. */
  async sweep(now = new Date(), batch = 200): Promise<SweepResult> {
    const result: SweepResult = { expired: 0, requeried: 0, refundsResolved: 0, escrowsReleased: 0, splitsProcessed: 0 };
    if (this.running) return result;
    this.running = true;
    try {
      const expired = await inProvinceTransaction(this.ds, (em) => this.orders.findExpired(em, now, batch));
      for (const ref of expired) {
        try {
          const order = await inTenantTransaction(this.ds, ref.tenantId, (em) => this.orders.findById(em, ref.id));
          if (order && (await this.sync.closeOrder(order, 'expire', 'expired')).state !== order.state) result.expired++;
        } catch (err) {
          this.logger.warn({ err, orderId: ref.id }, 'could not close an expired order; next sweep retries');
        }
      }
      const stale = await inProvinceTransaction(this.ds, (em) =>
        this.orders.findStalePaying(em, new Date(now.getTime() - this.config.ACQ_REQUERY_AFTER_MS), now, batch),
      );
      for (const ref of stale) {
        try {
          const order = await inTenantTransaction(this.ds, ref.tenantId, (em) => this.orders.findById(em, ref.id));
          if (order && (await this.sync.requery(order)).state !== 'paying') result.requeried++;
        } catch (err) {
          this.logger.warn({ err, orderId: ref.id }, 'could not query a paying order; next sweep retries');
        }
      }
      const pending = await inProvinceTransaction(this.ds, (em) =>
        this.refunds.findStalePending(em, new Date(now.getTime() - this.config.ACQ_CHANNEL_TIMEOUT_MS), batch),
      );
      for (const ref of pending) {
        try {
          if ((await this.refundExecutor.resolve(ref.tenantId, ref.id)).state !== 'pending') result.refundsResolved++;
        } catch (err) {
          this.logger.warn({ err, refundId: ref.id }, 'could not resolve a pending refund; next sweep retries');
        }
      }
      const processing = await inProvinceTransaction(this.ds, (em) =>
        this.sharing.findStaleProcessing(em, new Date(now.getTime() - this.config.ACQ_CHANNEL_TIMEOUT_MS), batch),
      );
      for (const ref of processing) {
        try {
          if ((await this.splits.process(ref.tenantId, ref.id)).state !== 'processing') result.splitsProcessed++;
        } catch (err) {
          this.logger.warn({ err, splitId: ref.id }, 'could not process a split; next sweep retries');
        }
      }
      result.escrowsReleased = await this.releaseHeld(now, batch);
      if (result.expired + result.requeried + result.refundsResolved + result.escrowsReleased + result.splitsProcessed > 0)
        this.logger.info({ ...result }, 'acquiring sweep');
      return result;
    } finally {
      this.running = false;
    }
  }

  /** Escrows past the hold: candidates across counties by the shortest possible hold, each then decided by its county's rule. */
  private async releaseHeld(now: Date, batch: number): Promise<number> {
    const override = this.config.ACQ_SHARING_MAX_HOLD_SECONDS * 1000;
    const shortest = override > 0 ? override : 86_400_000; // maxHoldDays is at least 1
    const held = await inProvinceTransaction(this.ds, (em) => this.sharing.findHeld(em, new Date(now.getTime() - shortest), batch));
    let released = 0;
    for (const ref of held) {
      try {
        const done = await inTenantTransaction(this.ds, ref.tenantId, async (em) => {
          const o = await this.sharing.findEscrow(em, ref.id, { lock: true });
          if (!o?.paidAt || o.sharingFinishedAt) return false;
          const holdMs = override > 0 ? override : ((await this.escrow.rules(em)).maxHoldDays ?? DEFAULT_MAX_HOLD_DAYS) * 86_400_000;
          if (!holdExpired(o.paidAt, now, holdMs)) return false;
          const after = await this.escrow.release(em, o.id, 'hold_expired');
          return Boolean(after?.sharingFinishedAt);
        });
        if (done) {
          released++;
          this.splits.wake();
        }
      } catch (err) {
        this.logger.warn({ err, orderId: ref.id }, 'could not release a held escrow; next sweep retries');
      }
    }
    return released;
  }
}
