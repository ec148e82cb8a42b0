import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type Fen } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { SettlementPayoutDto } from './payouts.dto';
import { PayoutScenarioStore } from './payout-scenarios';
import { SandboxPayoutsRepository, type SandboxPayoutRow } from './payouts.repository';

export type PayoutFailureReason = 'account_not_found' | 'account_closed' | 'account_frozen' | 'name_mismatch';

export interface SandboxPayoutView {
  instructionId: string;
  status: 'succeeded' | 'failed';
  failureReason: PayoutFailureReason | null;
  amountFen: Fen;
  at: string;
}

const view = (p: SandboxPayoutRow): SandboxPayoutView => ({
  instructionId: p.instructionId,
  status: p.status,
  failureReason: p.failureReason as PayoutFailureReason | null,
  amountFen: Number(p.amountFen),
  at: p.at.toISOString(),
});

/**
 * The county core banking's settlement payouts: made once per instruction id (a repeat answers
 * the first outcome; the same id with another account or amount is refused), failed with the
 * bank's reason for a missing, closed or frozen account or a holder-name mismatch, and queryable
 * by instruction id — the way a platform resolves a payout whose answer it never got.
 */
@Injectable()
export class SandboxPayoutsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SandboxPayoutsRepository,
    private readonly scenarios: PayoutScenarioStore,
  ) {}

  async pay(tenantId: string, dto: SettlementPayoutDto): Promise<SandboxPayoutView> {
    const amount = BigInt(dto.amountFen);
    const timeout = this.scenarios.takeTimeout(tenantId, dto.accountNo);
    if (timeout === 'timeout_before_processing') throw new ApiError('channel_timeout', 'the core banking system did not answer in time');
    const result = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const existing = await this.repo.find(em, dto.instructionId, { lock: true });
      if (existing) {
        if (existing.accountNo !== dto.accountNo || existing.amountFen !== amount)
          throw new ApiError('reference_mismatch', `instruction ${dto.instructionId} was already used with another account or amount`, 'instructionId');
        return existing;
      }
      const account = await this.repo.findAccount(em, dto.accountNo);
      const failureReason: PayoutFailureReason | null = !account
        ? 'account_not_found'
        : this.scenarios.isClosed(tenantId, dto.accountNo)
          ? 'account_closed'
          : account.status === 'frozen'
            ? 'account_frozen'
            : account.holderName !== dto.accountName
              ? 'name_mismatch'
              : null;
      const row = { instructionId: dto.instructionId, accountNo: dto.accountNo, accountName: dto.accountName, amountFen: amount, failureReason };
      if (!(await this.repo.insert(em, tenantId, { ...row, status: failureReason ? 'failed' : 'succeeded' })))
        throw new ApiError('conflict', `instruction ${dto.instructionId} is being processed`, 'instructionId');
      if (!failureReason) await this.repo.credit(em, tenantId, dto.accountNo, amount, dto.instructionId);
      const stored = await this.repo.find(em, dto.instructionId);
      if (!stored) throw new Error('payout vanished');
      return stored;
    });
    if (timeout === 'timeout_after_processing') throw new ApiError('channel_timeout', 'the core banking system did not answer in time');
    return view(result);
  }

  async query(tenantId: string, instructionId: string): Promise<SandboxPayoutView> {
    const p = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.find(em, instructionId));
    if (!p) throw new ApiError('payment_not_found', `no payout with instruction ${instructionId}`, 'instructionId');
    return view(p);
  }
}
