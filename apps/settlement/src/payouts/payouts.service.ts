import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, PayoutFailedV1, PayoutResultData, PayoutSucceededV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { FieldCipher } from '@countypay/security';
import { OnboardingReadModel } from '@countypay/read-models';
import { LOGGER, pageRequest, type PageQuery } from '@countypay/service-kit';
import { PII_KEY_ID, SettlementConfig } from '../config/settlement.config';
import { LedgerRepository } from '../ledger/ledger.repository';
import { postPayoutSucceeded } from '../ledger/payout-postings';
import type { SettlementBatchDetail } from '../settlement-batches/dto/settlement-batches.dto';
import { SettlementBatchesService, type BatchActor } from '../settlement-batches/settlement-batches.service';
import { BankTimeoutError, CoreBankingPayoutClient, type BankPayoutAnswer } from './core-banking-payout.client';
import type { MerchantPayoutAccount, SetPayoutAccountRequest, SettlementPayout } from './dto/payouts.dto';
import { PayoutsRepository, type PayoutAccountRecord, type PayoutRecord } from './payouts.repository';

const ctx = (column: string, merchantId: string): string => `merchant_payout_accounts.${column}:${merchantId}`;

/**
 * Merchant payouts of an approved batch through the county core banking. Each payout is stored
 * (with its instruction id) before it is sent, so a crash or a timeout never loses or doubles
 * it: an unanswered payout is resolved by querying its instruction id, and re-sent under the
 * same id only when the bank never saw it. A failure leaves the amount in the merchant's
 * payable (no posting) and visible with the bank's reason; a retry is a new attempt. Each
 * result, its ledger posting and its `payout.*` event are one transaction; the batch ends
 * settled, or partially failed until its retries succeed.
 */
@Injectable()
export class PayoutsService {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly repo: PayoutsRepository,
    private readonly ledger: LedgerRepository,
    private readonly batches: SettlementBatchesService,
    private readonly bank: CoreBankingPayoutClient,
    private readonly merchants: OnboardingReadModel,
    config: SettlementConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.cipher = new FieldCipher({ keys: [{ id: PII_KEY_ID, key: config.COUNTYPAY_PII_KEY }], activeKeyId: PII_KEY_ID });
  }

  async setAccount(tenantId: string, merchantId: string, dto: SetPayoutAccountRequest, actor: BatchActor): Promise<MerchantPayoutAccount> {
    const r = await inTenantTransaction(this.ds, tenantId, async (em) => {
      // a merchant of this county only (another county's merchant is a 404, never a row here)
      await this.merchants.merchant(em, merchantId);
      return this.repo.upsertAccount(em, tenantId, {
        merchantId,
        accountNoCiphertext: this.cipher.encrypt(dto.accountNo, ctx('account_no', merchantId)),
        accountNameCiphertext: this.cipher.encrypt(dto.accountName.trim(), ctx('account_name', merchantId)),
        accountNoLast4: dto.accountNo.slice(-4),
        updatedBy: actor.id,
      });
    });
    return { merchantId: r.merchantId, accountNoLast4: r.accountNoLast4, updatedBy: r.updatedBy, updatedAt: r.updatedAt.toISOString() };
  }

  /** approved → paying (from then on the batch cannot be aborted), then every payout is sent. */
  async start(tenantId: string, batchId: string, actor: BatchActor): Promise<SettlementBatchDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.batches.lockedBatch(em, batchId);
      await this.batches.transition(em, tenantId, batchId, b.status, 'start_paying', actor);
      await this.repo.createFirstAttempts(em, tenantId, batchId);
    });
    await this.sendAll(tenantId, batchId);
    return this.finish(tenantId, batchId, actor);
  }

  /** Resolves unanswered payouts by query and retries failed ones under a new attempt. */
  async retry(tenantId: string, batchId: string, actor: BatchActor): Promise<SettlementBatchDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.batches.lockedBatch(em, batchId);
      if (b.status !== 'paying' && b.status !== 'partially_failed')
        throw new ApiError('invalid_state_transition', `batch ${batchId} is ${b.status}: only a paying or partially failed batch has payouts to retry`);
      await this.repo.createRetryAttempts(em, tenantId, batchId);
    });
    await this.sendAll(tenantId, batchId);
    return this.finish(tenantId, batchId, actor);
  }

  async list(tenantId: string, batchId: string, q: PageQuery): Promise<Page<SettlementPayout>> {
    const page = await inTenantTransaction(this.ds, tenantId, async (em) => {
      await this.batches.lockedBatch(em, batchId); // 404 for another county's batch
      return this.repo.pagePayouts(em, batchId, pageRequest(q));
    });
    return { data: page.data.map(payoutView), nextCursor: page.nextCursor };
  }

  private async sendAll(tenantId: string, batchId: string): Promise<void> {
    const open = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findByStatus(em, batchId, ['pending', 'unknown']));
    for (const p of open) await this.send(tenantId, p);
  }

  /** One payout: an unknown one is queried first; a pending one (or one the bank never saw) is sent under its instruction id. */
  private async send(tenantId: string, p: PayoutRecord): Promise<void> {
    const account = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findAccount(em, p.merchantId));
    if (!account)
      return this.record(
        tenantId,
        p.id,
        { instructionId: p.instructionId, status: 'failed', failureReason: 'no_payout_account', amountFen: Number(p.amountFen) },
        null,
      );
    try {
      if (p.status === 'unknown') {
        const known = await this.bank.query(tenantId, p.instructionId);
        if (known) return this.record(tenantId, p.id, known, account);
      }
      await inTenantTransaction(this.ds, tenantId, (em) => this.repo.setStatus(em, p.id, { status: 'unknown', accountNoLast4: account.accountNoLast4 }));
      const { accountNo, accountName } = this.decrypt(account);
      const answer = await this.bank.pay(tenantId, { instructionId: p.instructionId, accountNo, accountName, amountFen: Number(p.amountFen) });
      await this.record(tenantId, p.id, answer, account);
    } catch (e) {
      if (!(e instanceof BankTimeoutError)) throw e;
      this.logger.warn({ tenantId, payoutId: p.id, instructionId: p.instructionId }, 'payout unanswered: querying the bank');
      const known = await this.bank.query(tenantId, p.instructionId).catch(() => undefined);
      if (known) await this.record(tenantId, p.id, known, account);
      // else it stays unknown: the next retry queries it again, and re-sends it under the same instruction id if the bank never saw it
    }
  }

  /** The bank's answer, the ledger posting of a success and the `payout.*` event, in one transaction (once: a settled payout is left alone). */
  private async record(tenantId: string, payoutId: string, answer: BankPayoutAnswer, account: PayoutAccountRecord | null): Promise<void> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.repo.findPayout(em, payoutId, { lock: true });
      if (!p || p.status === 'succeeded' || p.status === 'failed') return;
      const at = new Date();
      let ledgerEntryId: string | undefined;
      if (answer.status === 'succeeded')
        ledgerEntryId = await postPayoutSucceeded(em, this.ledger, {
          tenantId,
          payoutId: p.id,
          instructionId: p.instructionId,
          merchantId: p.merchantId,
          amountFen: p.amountFen,
          at,
        });
      await this.repo.setStatus(em, p.id, {
        status: answer.status,
        failureReason: answer.status === 'failed' ? (answer.failureReason ?? 'unknown') : null,
        ledgerEntryId: ledgerEntryId ?? null,
        accountNoLast4: account?.accountNoLast4 ?? null,
      });
      await this.emit(em, tenantId, p, answer, at);
    });
  }

  private async emit(em: EntityManager, tenantId: string, p: PayoutRecord, answer: BankPayoutAnswer, at: Date): Promise<void> {
    const partnerAppId = await this.repo.merchantPartnerApp(em, tenantId, p.merchantId);
    const data = Object.assign(new PayoutResultData(), {
      payoutId: p.id,
      batchId: p.batchId,
      merchantId: p.merchantId,
      instructionId: p.instructionId,
      attempt: p.attempt,
      amountFen: fenToJson(p.amountFen),
      status: answer.status,
      ...(answer.status === 'failed' ? { failureReason: answer.failureReason ?? 'unknown' } : {}),
      ...(partnerAppId ? { partnerAppId } : {}),
      at: at.toISOString(),
    });
    await addToOutbox(em, answer.status === 'succeeded' ? PayoutSucceededV1 : PayoutFailedV1, data, { tenantId, occurredAt: at });
    this.relay.wake();
  }

  /** paying → settled when every merchant's payout succeeded, → partially_failed when one failed; unknown ones keep it paying. */
  private async finish(tenantId: string, batchId: string, actor: BatchActor): Promise<SettlementBatchDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.batches.lockedBatch(em, batchId);
      const c = await this.repo.counts(em, batchId);
      if (c.pending > 0 || c.unknown > 0) return;
      if (b.status === 'paying') await this.batches.transition(em, tenantId, batchId, 'paying', c.failed > 0 ? 'complete_with_failures' : 'complete', actor);
      else if (b.status === 'partially_failed' && c.failed === 0)
        await this.batches.transition(em, tenantId, batchId, 'partially_failed', 'retry_succeeded', actor);
    });
    return this.batches.detail(tenantId, batchId);
  }

  private decrypt(a: PayoutAccountRecord): { accountNo: string; accountName: string } {
    return {
      accountNo: this.cipher.decrypt(a.accountNoCiphertext, ctx('account_no', a.merchantId)),
      accountName: this.cipher.decrypt(a.accountNameCiphertext, ctx('account_name', a.merchantId)),
    };
  }
}

function payoutView(p: PayoutRecord): SettlementPayout {
  return {
    id: p.id,
    batchId: p.batchId,
    merchantId: p.merchantId,
    attempt: p.attempt,
    instructionId: p.instructionId,
    amountFen: Number(p.amountFen),
    accountNoLast4: p.accountNoLast4,
    status: p.status,
    failureReason: p.failureReason,
    ledgerEntryId: p.ledgerEntryId,
    currency: 'CNY',
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
