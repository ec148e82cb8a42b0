import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PollingLoop } from '@countypay/messaging';
import type { Logger } from '@countypay/observability';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { MIN_EXPIRES_IN_SECONDS } from './dto/orders.dto';
import { OrdersRepository } from './orders.repository';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';

/** Orders one sweep reads of each kind. */
const SWEEP_BATCH = 200;

/**
 * Closes dynamic orders nobody paid before their expiry (`PaymentClosedV1`, reason `expired`),
 * and settles QR payments left `paying` for longer than an order's validity, and payer-code payments
 * left `paying` past their confirmation deadline (query, else reverse).
 * Finds them across tenants in the province scope, closes each in its tenant's transaction
 * through the state machine (a payment that started meanwhile is left alone).
 *
 * When it sweeps (issue 14, idle cost): after each sweep it reads when the next order falls due
 * (`nextSweepDue`) and sweeps again then — never sooner than `QR_EXPIRY_SWEEP_MS` after the last
 * sweep (as before: the granularity under load), never later than {@link OrderExpiryService.longestPauseMs}
 * after that read. That ceiling is the shortest deadline any order can get (an order's shortest
 * validity, a QR payment's stale time, a payer-code payment's confirmation deadline plus two channel
 * timeouts): an order created or paid after the read, by this instance or another, falls due no
 * sooner than the ceiling after it, so the next sweep sees it in time — nothing has to wake the
 * sweep, and an idle service sweeps every 50 s (the defaults) instead of every 5 s. A failed sweep is
 * tried again after `QR_EXPIRY_SWEEP_MS`.
 */
@Injectable()
export class OrderExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;
  private running = false;
  /** when the next sweep is due (ms since the epoch), set by each sweep; 0: after QR_EXPIRY_SWEEP_MS */
  private nextAt = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly state: PaymentStateService,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new PollingLoop({
      round: () => this.sweep(),
      // a full batch: more may be due, the next sweep starts at once
      batchSize: SWEEP_BATCH,
      pollMs: () => this.nextPauseMs,
      // a failed sweep (the database away): again after QR_EXPIRY_SWEEP_MS
      maxBackoffMs: config.QR_EXPIRY_SWEEP_MS,
      onError: (err) => this.logger.warn({ err }, 'order expiry sweep failed'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** How long a QR payment may stay `paying` before the sweep settles it (an order's validity). */
  private get staleQrMs(): number {
    return this.config.QR_ORDER_EXPIRES_SECONDS * 1000;
  }

  /** How long a payer-code payment may stay `paying` before the sweep settles it (its deadline and two channel timeouts). */
  private get stalePayerCodeMs(): number {
    return this.config.QR_POS_CONFIRM_DEADLINE_MS + 2 * this.config.QR_CHANNEL_TIMEOUT_MS;
  }

  /**
   * The longest pause between two sweeps: the shortest time from an order's creation or payment
   * start to its deadline (see the class comment), at least `QR_EXPIRY_SWEEP_MS`.
   */
  get longestPauseMs(): number {
    return Math.max(this.config.QR_EXPIRY_SWEEP_MS, Math.min(MIN_EXPIRES_IN_SECONDS * 1000, this.staleQrMs, this.stalePayerCodeMs));
  }

  /**
   * The pause before the next sweep, as the last sweep found the orders: until the earliest open
   * one falls due or {@link longestPauseMs} after that sweep's read, whichever comes first — and at
   * least `QR_EXPIRY_SWEEP_MS`.
   */
  get nextPauseMs(): number {
    return Math.max(this.config.QR_EXPIRY_SWEEP_MS, this.nextAt - Date.now());
  }

  /** One pass; returns how many orders it closed. */
  async sweep(now = new Date(), batch = SWEEP_BATCH): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const expired = await inProvinceTransaction(this.ds, (em) => this.repo.findExpired(em, now, batch));
      let closed = 0;
      for (const o of expired) {
        const r = await this.state.apply(o.tenantId, o.id, 'expire', { closeReason: 'expired' });
        if (r.applied) closed++;
      }
      // QR payments the payer never confirmed (and no notification finished): settle or reverse
      const staleBefore = new Date(now.getTime() - this.staleQrMs);
      // payer-code payments past their confirmation deadline (and two channel timeouts): the process
      // that polled them died (kill -9, a restart) or their reversal went unanswered (channel down)
      const posBefore = new Date(now.getTime() - this.stalePayerCodeMs);
      // and, in the same transaction, when the next order falls due: the orders found here are due
      // now (the next sweep comes after QR_EXPIRY_SWEEP_MS, as before); the ones closed above are gone
      const readAt = Date.now();
      const { stale, due } = await inProvinceTransaction(this.ds, async (em) => ({
        stale: [...(await this.repo.findStalePaying(em, staleBefore, batch)), ...(await this.repo.findStalePayerCode(em, posBefore, batch))],
        due: await this.repo.nextSweepDue(em, this.staleQrMs, this.stalePayerCodeMs),
      }));
      this.nextAt = Math.min(readAt + this.longestPauseMs, due?.getTime() ?? Infinity);
      for (const s of stale) {
        const order = await inTenantTransaction(this.ds, s.tenantId, (em) => this.repo.findById(em, s.id));
        if (order && (await this.executor.settleStale(order)).state !== 'paying') closed++;
      }
      if (closed > 0) this.logger.info({ closed }, 'expired payment orders closed or settled');
      return closed;
    } finally {
      this.running = false;
    }
  }
}
