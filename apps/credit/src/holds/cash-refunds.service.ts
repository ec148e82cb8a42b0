import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CreditCashRefundData, CreditCashRefundedV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import { ChannelTimeoutError } from '@countypay/payment-intake';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { CreditPii } from '../common/pii';
import { LinesRepository } from '../lines/lines.repository';
import { SettingsService } from '../settings/settings.service';
import { CoreBankingClient } from '../sms/core-banking.client';
import { LoansRepository, type RefundRecord } from './loans.repository';

/**
 * Cash refunds (ADR 0016): the part of a refund the customer had already repaid is credited to the
 * customer's county account by core banking — one instruction per refund (reference
 * `refund-<id>`: a repeat is never credited twice). A timeout is resolved by querying the bank;
 * a refusal (account closed or frozen) is kept on the refund with the bank's reason, and sent
 * again when the refund is repeated. Confirmed: `credit.cash-refunded` in the same transaction.
 */
@Injectable()
export class CashRefundsService {
  constructor(
    private readonly ds: DataSource,
    private readonly loans: LoansRepository,
    private readonly lines: LinesRepository,
    private readonly settings: SettingsService,
    private readonly core: CoreBankingClient,
    private readonly pii: CreditPii,
    private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Sends (or sends again) the cash part of a refund; answers the refund as it stands after the bank's answer. */
  async send(tenantId: string, refundId: string): Promise<RefundRecord> {
    const start = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const r = await this.loans.findRefund(em, refundId, { lock: true });
      if (!r) throw new Error(`refund ${refundId} vanished`);
      if (r.cashState !== 'pending' && r.cashState !== 'failed') return { refund: r, account: undefined };
      const line = await this.lines.findLine(em, r.lineId);
      if (!line) throw new Error(`line ${r.lineId} vanished`);
      const attempt = (await this.loans.settleCash(em, r.id, 'pending', null)) ?? r;
      return { refund: attempt, account: this.pii.openAccount(tenantId, line.repaymentAccountCipher) };
    });
    const { refund, account } = start;
    if (!account) return refund;
    const reference = `refund-${refund.id}`;
    let outcome: { status: 'succeeded' } | { status: 'failed'; reason: string } | undefined;
    try {
      outcome = await this.core.refundCredit(tenantId, account, fenToJson(refund.cashFen), reference);
    } catch (e) {
      if (!(e instanceof ChannelTimeoutError)) {
        this.logger.warn({ refundId: refund.id, err: e }, 'cash refund not accepted by core banking; left pending');
        return refund;
      }
      // the outcome is unknown: ask the bank whether it made the credit
      const credited = await this.core.refundCredited(tenantId, reference).catch(() => undefined);
      if (credited === undefined) {
        this.logger.warn({ refundId: refund.id }, 'cash refund outcome unknown; left pending');
        return refund;
      }
      outcome = credited ? { status: 'succeeded' } : undefined;
      if (!outcome) return refund; // never made: still pending, sent again on the next attempt
    }
    const settled = await inTenantTransaction(this.ds, tenantId, async (em) => {
      if (outcome.status === 'failed') return (await this.loans.settleCash(em, refund.id, 'failed', outcome.reason)) ?? refund;
      const done = await this.loans.settleCash(em, refund.id, 'succeeded', null);
      if (!done) return (await this.loans.findRefund(em, refund.id)) ?? refund;
      const line = await this.lines.findLine(em, done.lineId);
      const loan = await this.loans.findLoan(em, done.loanId);
      const s = await this.settings.current(em, tenantId);
      await addToOutbox(
        em,
        CreditCashRefundedV1,
        Object.assign(new CreditCashRefundData(), {
          refundId: done.id,
          loanId: done.loanId,
          lineId: done.lineId,
          ...(line ? { partnerAppId: line.appId } : {}),
          ...(loan?.merchantId ? { merchantId: loan.merchantId } : {}),
          outRefundNo: done.outRefundNo,
          cashFen: fenToJson(done.cashFen),
          businessDate: s.businessDate,
          at: new Date().toISOString(),
        }),
        { tenantId },
      );
      return done;
    });
    this.relay.wake();
    return settled;
  }
}
