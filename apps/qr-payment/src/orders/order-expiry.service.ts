import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@countypay/observability';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { OrdersRepository } from './orders.repository';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';

/**
 * Closes dynamic orders nobody paid before their expiry (`PaymentClosedV1`, reason `expired`),
 * and settles QR payments left `paying` for longer than an order's validity, and payer-code payments
 * left `paying` past their confirmation deadline (query, else reverse).
 * Finds them across tenants in the province scope, closes each in its tenant's transaction
 * through the state machine (a payment that started meanwhile is left alone).
 */
@Injectable()
export class OrderExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: OrdersRepository,
    private readonly state: PaymentStateService,
    private readonly executor: PaymentExecutor,
    private readonly config: QrPaymentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'order expiry sweep failed')),
      this.config.QR_EXPIRY_SWEEP_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns how many orders it closed. */
  async sweep(now = new Date(), batch = 200): Promise<number> {
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
      const staleBefore = new Date(now.getTime() - this.config.QR_ORDER_EXPIRES_SECONDS * 1000);
      // payer-code payments past their confirmation deadline (and two channel timeouts): the process
      // that polled them died (kill -9, a restart) or their reversal went unanswered (channel down)
      const posBefore = new Date(now.getTime() - this.config.QR_POS_CONFIRM_DEADLINE_MS - 2 * this.config.QR_CHANNEL_TIMEOUT_MS);
      const stale = await inProvinceTransaction(this.ds, async (em) => [
        ...(await this.repo.findStalePaying(em, staleBefore, batch)),
        ...(await this.repo.findStalePayerCode(em, posBefore, batch)),
      ]);
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
