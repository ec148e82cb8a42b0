import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { GatewayConfig } from '../config/gateway.config';
import { PurgeRepository } from '../rate-limit/purge.repository';

/** Periodically deletes expired nonces, idempotency keys and rate-limit windows (every instance may run it; deletes are idempotent). */
@Injectable()
export class PurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: PurgeRepository,
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.repo
        .purgeExpired()
        .then((n) => {
          if (n.nonces + n.idempotencyKeys + n.windows > 0) this.logger.debug(n, 'purged expired gateway state');
        })
        .catch((err: unknown) => this.logger.warn({ err }, 'purging expired gateway state failed'));
    }, this.config.GATEWAY_PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
