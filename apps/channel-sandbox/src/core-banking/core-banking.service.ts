import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, type Fen } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { DeclineReason } from '../domain/behaviour';
import { CoreBankingRepository, type AccountRow, type AccountStatus, type EntryKind } from './core-banking.repository';
import type { OpenAccountDto, PayoutDto } from './dto/core-banking.dto';

export interface AccountView {
  accountNo: string;
  holderName: string;
  balanceFen: Fen;
  status: AccountStatus;
  createdAt: string;
  updatedAt: string;
}

export interface PayoutView {
  status: 'succeeded';
  reference: string;
  accountNo: string;
  amountFen: Fen;
  balanceFen: Fen;
}

export type DebitOutcome = { ok: true } | { ok: false; reason: DeclineReason | 'account_not_found' };

const view = (a: AccountRow): AccountView => ({
  accountNo: a.accountNo,
  holderName: a.holderName,
  balanceFen: Number(a.balanceFen),
  status: a.status,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

/** A county's core banking system: deposit accounts, debits for payments, credits for refunds and payouts. */
@Injectable()
export class CoreBankingService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: CoreBankingRepository,
  ) {}

  async open(tenantId: string, dto: OpenAccountDto): Promise<AccountView> {
    const accountNo = dto.accountNo ?? `6${Array.from({ length: 11 }, () => randomInt(10)).join('')}`;
    const row = await inTenantTransaction(this.ds, tenantId, (em) =>
      this.repo.insertAccount(em, tenantId, { accountNo, holderName: dto.holderName, balanceFen: BigInt(dto.balanceFen), status: dto.status ?? 'normal' }),
    );
    if (!row) throw new ApiError('account_exists', `account ${accountNo} already exists`, 'accountNo');
    return view(row);
  }

  async get(
    tenantId: string,
    accountNo: string,
  ): Promise<AccountView & { entries: Array<{ reference: string; kind: EntryKind; amountFen: Fen; at: string }> }> {
    const found = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const a = await this.repo.findAccount(em, accountNo);
      return a && { a, entries: await this.repo.entries(em, accountNo, 50) };
    });
    if (!found) throw new ApiError('account_not_found', `no account ${accountNo}`, 'accountNo');
    return {
      ...view(found.a),
      entries: found.entries.map((e) => ({ reference: e.reference, kind: e.kind, amountFen: Number(e.amountFen), at: e.at.toISOString() })),
    };
  }

  /** Credits an account (merchant settlement), once per reference. */
  async payout(tenantId: string, dto: PayoutDto): Promise<PayoutView> {
    const amount = BigInt(dto.amountFen);
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const reference = `payout:${dto.reference}`;
      const inserted = await this.repo
        .insertEntry(em, tenantId, { accountNo: dto.accountNo, reference, kind: 'payout_credit', amountFen: amount })
        .catch((e: unknown) => {
          if (e instanceof Error && /foreign key/i.test(e.message)) throw new ApiError('account_not_found', `no account ${dto.accountNo}`, 'accountNo');
          throw e;
        });
      if (!inserted) {
        const existing = await this.repo.findEntry(em, reference);
        if (!existing || existing.accountNo !== dto.accountNo || existing.amountFen !== amount)
          throw new ApiError('reference_mismatch', `payout ${dto.reference} was already made with another account or amount`, 'reference');
        const a = await this.repo.findAccount(em, dto.accountNo);
        return { status: 'succeeded', reference: dto.reference, accountNo: dto.accountNo, amountFen: dto.amountFen, balanceFen: Number(a?.balanceFen ?? 0n) };
      }
      const balance = await this.repo.credit(em, dto.accountNo, amount);
      if (balance === undefined) throw new ApiError('account_not_found', `no account ${dto.accountNo}`, 'accountNo');
      return { status: 'succeeded', reference: dto.reference, accountNo: dto.accountNo, amountFen: dto.amountFen, balanceFen: Number(balance) };
    });
  }

  /** The deposit account a county-bank payer code pays from: the account number ends the code. */
  accountForPayerCode(em: EntityManager, payerCode: string): Promise<string | undefined> {
    return this.repo.findAccountEndingCode(em, payerCode);
  }

  /** Debits the payer's account for a payment, inside the payment's transaction. */
  async debitForPayment(em: EntityManager, tenantId: string, accountNo: string, amount: bigint, reference: string): Promise<DebitOutcome> {
    const balance = await this.repo.debit(em, accountNo, amount);
    if (balance === undefined) {
      const a = await this.repo.findAccount(em, accountNo);
      if (!a) return { ok: false, reason: 'account_not_found' };
      return { ok: false, reason: a.status === 'frozen' ? 'card_frozen' : 'insufficient_funds' };
    }
    await this.repo.insertEntry(em, tenantId, { accountNo, reference, kind: 'payment_debit', amountFen: amount });
    return { ok: true };
  }

  /** Gives money back to the payer's account (refund or reversal), inside the caller's transaction. */
  async creditBack(
    em: EntityManager,
    tenantId: string,
    accountNo: string,
    amount: bigint,
    reference: string,
    kind: 'refund_credit' | 'reversal_credit',
  ): Promise<void> {
    const inserted = await this.repo.insertEntry(em, tenantId, { accountNo, reference, kind, amountFen: amount });
    if (inserted) await this.repo.credit(em, accountNo, amount);
  }
}
