import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { PollingLoop } from '@countypay/messaging';
import type { Logger } from '@countypay/observability';
import { inProvinceTransaction, inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { AcquiringChannelClient, ChannelCallError, ChannelTimeoutError } from '../channel/channel.client';
import { AcquiringConfig } from '../config/acquiring.config';
import type { OrderScope } from '../orders/order-scope';
import type { CardAgreement } from './dto/quickpay.dto';
import { QuickpayRepository, type AgreementRecord } from './quickpay.repository';
import { agreementView } from './quickpay.service';

const BATCH = 100;

/**
 * 解约: unbinding revokes the agreement at the county bank, and the agreement is `revoked` here only
 * once the bank confirmed it. The payer's request makes it `unbinding` at once (paying is refused
 * from then on), then asks the bank to revoke (idempotent); a call that timed out is resolved by
 * querying the agreement at the bank; whatever is still unconfirmed stays `unbinding` and this
 * service's job retries it every ACQ_SWEEP_MS. A bank that never signed the agreement (404) has
 * nothing to revoke. The bank itself refuses payments on a revoked agreement, so a stale row here
 * could not pay either.
 */
@Injectable()
export class AgreementRevocationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PollingLoop;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: QuickpayRepository,
    private readonly channels: AcquiringChannelClient,
    private readonly config: AcquiringConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new PollingLoop({
      round: () => this.retryUnconfirmed(),
      batchSize: BATCH,
      pollMs: this.config.ACQ_SWEEP_MS,
      maxBackoffMs: this.config.ACQ_SWEEP_MS,
      onError: (err) => this.logger.warn({ err }, 'agreement revocation job: a round failed; the next poll retries'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** The payer unbinds: `unbinding` now, `revoked` once the bank confirms (at once when it answers). */
  async unbind(scope: OrderScope, agreementId: string): Promise<CardAgreement> {
    const a = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const found = await this.repo.findAgreement(em, agreementId, { lock: true });
      if (!found || (!scope.seesAllApps && found.appId !== scope.appId)) throw new ApiError('not_found', `no card agreement ${agreementId}`);
      if (found.status === 'revoked' || found.status === 'unbinding') return found;
      const marked = await this.repo.setAgreementStatus(em, found.id, found.status, 'unbinding');
      if (!marked) throw new ApiError('conflict', `agreement ${agreementId} changed concurrently`);
      return marked;
    });
    if (a.status === 'revoked') return agreementView(a);
    return agreementView(await this.revokeAtBank(a));
  }

  /** One round of the job: agreements still `unbinding` a channel timeout after their last attempt. */
  async retryUnconfirmed(now = new Date()): Promise<number> {
    const due = await inProvinceTransaction(this.ds, (em) => this.repo.findUnbinding(em, new Date(now.getTime() - this.config.ACQ_CHANNEL_TIMEOUT_MS), BATCH));
    for (const ref of due) {
      try {
        const a = await inTenantTransaction(this.ds, ref.tenantId, async (em) => {
          const found = await this.repo.findAgreement(em, ref.id, { lock: true });
          if (found?.status === 'unbinding') await this.repo.touch(em, found.id);
          return found;
        });
        if (a?.status === 'unbinding') await this.revokeAtBank(a);
      } catch (err) {
        this.logger.warn({ err, agreementId: ref.id }, 'could not revoke an agreement at the county bank; the next round retries');
      }
    }
    return due.length;
  }

  /** Asks the bank to revoke; on a timeout asks the bank what it holds. The agreement afterwards. */
  private async revokeAtBank(a: AgreementRecord): Promise<AgreementRecord> {
    let confirmed: boolean;
    try {
      const answer = await this.channels.revokeAgreement(a.tenantId, a.id);
      confirmed = !answer || answer.status === 'revoked';
    } catch (e) {
      if (e instanceof ChannelTimeoutError) confirmed = await this.revokedPerQuery(a);
      else if (e instanceof ChannelCallError) {
        this.logger.warn({ agreementId: a.id, status: e.status }, 'the county bank refused to revoke an agreement; the job retries');
        confirmed = false;
      } else throw e;
    }
    if (!confirmed) return a;
    return inTenantTransaction(
      this.ds,
      a.tenantId,
      async (em) => (await this.repo.setAgreementStatus(em, a.id, 'unbinding', 'revoked')) ?? (await this.repo.findAgreement(em, a.id)) ?? a,
    );
  }

  private async revokedPerQuery(a: AgreementRecord): Promise<boolean> {
    try {
      const held = await this.channels.queryAgreement(a.tenantId, a.id);
      return !held || held.status === 'revoked';
    } catch (e) {
      if (e instanceof ChannelTimeoutError || e instanceof ChannelCallError) return false;
      throw e;
    }
  }
}
