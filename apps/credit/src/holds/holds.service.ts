import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import {
  ApiError,
  CreditDrawdownCreatedV1,
  CreditDrawdownData,
  CreditDrawdownRefundData,
  CreditDrawdownRefundedV1,
  CreditDrawdownReversedV1,
} from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction } from '@countypay/persistence';
import { ruleError } from '../common/credit-errors';
import { formatAprPercent, scheduleAprPpm } from '../domain/apr';
import { checkDrawdown, schedule as scheduleOf } from '../domain/credit-rules';
import { planRefund } from '../domain/refund';
import { periodDates, scheduleTotals, type ScheduleLine } from '../domain/schedule';
import { holdTransition } from '../domain/state-machines';
import type { LineScope } from '../lines/lines.service';
import { LinesRepository, type LineRecord } from '../lines/lines.repository';
import { ProductsRepository } from '../products/products.repository';
import { termsOf } from '../products/products.service';
import { SettingsService } from '../settings/settings.service';
import type {
  CreditDrawdown,
  CreditDrawdownRefund,
  CreditHold,
  CreditQuote,
  CreditQuoteRequest,
  InternalHoldRequest,
  InternalQuoteRequest,
  PayWithCreditRequest,
  RefundDrawdownRequest,
} from './dto/holds.dto';
import { CashRefundsService } from './cash-refunds.service';
import { StatementLedger } from '../statements/statement-ledger';
import { LoansRepository, type HoldRecord, type InstallmentRecord, type LoanRecord, type RefundRecord } from './loans.repository';

export type HoldCaller = 'credit' | 'acquiring' | 'qr-payment';

/**
 * Paying with credit: an authorisation hold on the line when the payment is confirmed (available
 * credit moves to held in one conditional UPDATE of the locked line), converted to a drawdown — a
 * loan with its schedule — when the payment succeeds, released when it closes or fails. The APR
 * ceiling and the customer's region are checked at the hold and again at the drawdown.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly ds: DataSource,
    private readonly lines: LinesRepository,
    private readonly loans: LoansRepository,
    private readonly products: ProductsRepository,
    private readonly settings: SettingsService,
    private readonly relay: OutboxRelay,
    private readonly cash: CashRefundsService,
    private readonly statements: StatementLedger,
  ) {}

  /** The schedule and APR of a purchase, shown before the customer confirms (nothing is held). */
  quote(scope: LineScope, lineId: string, dto: CreditQuoteRequest): Promise<CreditQuote> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const line = await this.ownLine(em, scope, lineId, false);
      const { lines, date } = await this.check(em, line, BigInt(dto.amountFen), dto.installments);
      return quoteView(BigInt(dto.amountFen), dto.installments, lines, date);
    });
  }

  /** A partner's purchase paid wholly with credit: hold and drawdown at once (same outTradeNo → same payment). */
  async payWithCredit(scope: LineScope, lineId: string, dto: PayWithCreditRequest): Promise<CreditDrawdown> {
    const hold = await this.hold(
      scope.tenantId,
      {
        lineId,
        caller: 'credit',
        paymentRef: `${scope.appId}/${dto.outTradeNo}`,
        merchantId: dto.merchantId ?? null,
        amountFen: dto.amountFen,
        installments: dto.installments,
      },
      scope,
    );
    return this.capture(scope.tenantId, hold.id);
  }

  /** An authorisation hold (idempotent per caller and payment reference). */
  async hold(
    tenantId: string,
    r: { lineId: string; caller: HoldCaller; paymentRef: string; merchantId: string | null; amountFen: number; installments: number },
    scope?: LineScope,
  ): Promise<CreditHold> {
    const amount = BigInt(r.amountFen);
    return holdView(
      await inTenantTransaction(this.ds, tenantId, async (em) => {
        const existing = await this.loans.findHoldByRef(em, r.caller, r.paymentRef);
        if (existing) {
          if (existing.amountFen !== amount || existing.lineId !== r.lineId || existing.installments !== r.installments)
            throw new ApiError('conflict', `payment '${r.paymentRef}' already has a different credit hold`);
          return existing;
        }
        const line = scope ? await this.ownLine(em, scope, r.lineId, true) : await this.lines.findLine(em, r.lineId, { lock: true });
        if (!line) throw new ApiError('not_found', `no credit line ${r.lineId}`);
        await this.check(em, line, amount, r.installments);
        const shifted = await this.lines.shift(em, line.id, amount, 0n);
        if (!shifted) throw new ApiError('credit_insufficient', 'the amount exceeds the available credit');
        return this.loans.insertHold(em, {
          id: randomUUID(),
          tenantId,
          lineId: line.id,
          caller: r.caller,
          paymentRef: r.paymentRef,
          merchantId: r.merchantId,
          amountFen: amount,
          installments: r.installments,
        });
      }),
    );
  }

  internalHold(dto: InternalHoldRequest): Promise<CreditHold> {
    return this.hold(
      dto.tenantId,
      {
        lineId: dto.lineId,
        caller: dto.caller,
        paymentRef: dto.paymentRef,
        merchantId: dto.merchantId ?? null,
        amountFen: dto.amountFen,
        installments: dto.installments,
      },
      internalScope(dto),
    );
  }

  /** A payment service's quote: the line of the payer's app when it names one (another app's line is `not_found`). */
  internalQuote(dto: InternalQuoteRequest): Promise<CreditQuote> {
    return this.quote(internalScope(dto) ?? { tenantId: dto.tenantId, appId: '', seesAllApps: true }, dto.lineId, dto);
  }

  /** The payment succeeded: the hold becomes a drawdown (loan + schedule from the business date). */
  async capture(tenantId: string, holdId: string): Promise<CreditDrawdown> {
    const out = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const hold = await this.loans.findHold(em, holdId, { lock: true });
      if (!hold) throw new ApiError('not_found', `no credit hold ${holdId}`);
      if (hold.state === 'captured' && hold.loanId) return this.drawdownView(em, hold.loanId);
      const t = holdTransition(hold.state, 'capture');
      if (!t.ok) throw new ApiError('invalid_state_transition', t.message);
      const line = await this.lines.findLine(em, hold.lineId, { lock: true });
      if (!line) throw new Error(`line ${hold.lineId} vanished`);
      const product = await this.products.findById(em, line.productId);
      if (!product) throw new Error(`product ${line.productId} vanished`);
      const s = await this.settings.current(em, tenantId);
      // re-checked at the drawdown: the ceiling or the line may have changed since the hold (the held amount is the line's own)
      const lineForCheck = { ...line, heldFen: line.heldFen - hold.amountFen };
      const check = checkDrawdown(lineForCheck, termsOf(product), hold.amountFen, hold.installments, s.businessDate, tenantId.slice(1), s.aprCeilingBp);
      if (!check.ok) throw ruleError(check);
      const dates = periodDates(s.businessDate, hold.installments, product);
      const lines = check.schedule.map((l, i) => ({ ...l, statementDate: dates[i]!.statementDate }));
      const loan = await this.loans.insertLoan(
        em,
        {
          id: randomUUID(),
          tenantId,
          lineId: line.id,
          holdId: hold.id,
          productId: product.id,
          merchantId: hold.merchantId,
          principalFen: hold.amountFen,
          method: hold.installments === 1 ? 'single' : product.method,
          installments: hold.installments,
          annualRateBp: product.annualRateBp,
          monthlyFeeBp: product.monthlyFeeBp,
          aprPpm: scheduleAprPpm(hold.amountFen, check.schedule, s.businessDate, hold.installments === 1),
          drawdownDate: s.businessDate,
        },
        lines,
      );
      if (!(await this.lines.shift(em, line.id, -hold.amountFen, hold.amountFen))) throw new Error(`line ${line.id} refused the drawdown of its own hold`);
      if (!(await this.loans.moveHold(em, hold.id, 'held', 'captured', { loanId: loan.id })))
        throw new ApiError('conflict', `hold ${hold.id} changed meanwhile`);
      await addToOutbox(em, CreditDrawdownCreatedV1, drawdownData(loan, hold, line.appId), { tenantId });
      return this.drawdownView(em, loan.id);
    });
    this.relay.wake();
    return out;
  }

  /** The payment closed or failed: the held credit is available again (idempotent). */
  release(tenantId: string, holdId: string, reason: string): Promise<CreditHold> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const hold = await this.loans.findHold(em, holdId, { lock: true });
      if (!hold) throw new ApiError('not_found', `no credit hold ${holdId}`);
      if (hold.state === 'released') return holdView(hold);
      const t = holdTransition(hold.state, 'release');
      if (!t.ok) throw new ApiError('invalid_state_transition', t.message);
      await this.lines.findLine(em, hold.lineId, { lock: true });
      if (!(await this.lines.shift(em, hold.lineId, -hold.amountFen, 0n))) throw new Error(`line ${hold.lineId} refused the release of its own hold`);
      const moved = await this.loans.moveHold(em, hold.id, 'held', 'released', { reason });
      if (!moved) throw new ApiError('conflict', `hold ${hold.id} changed meanwhile`);
      return holdView(moved);
    });
  }

  /**
   * A full refund before the loan is billed reverses the drawdown: the installments are cancelled,
   * the drawn principal is available again, nothing is owed.
   */
  async reverse(tenantId: string, loanId: string): Promise<CreditDrawdown> {
    const out = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const loan = await this.loans.findLoan(em, loanId, { lock: true });
      if (!loan) throw new ApiError('not_found', `no drawdown ${loanId}`);
      if (loan.state === 'reversed') return this.drawdownView(em, loanId);
      const inst = await this.loans.installments(em, loanId);
      if (loan.state !== 'active' || inst.some((i) => i.state !== 'pending'))
        throw new ApiError('invalid_state_transition', 'the drawdown has been billed; a refund now credits the statement');
      const hold = await this.loans.findHold(em, loan.holdId);
      const line = await this.lines.findLine(em, loan.lineId, { lock: true });
      if (!line) throw new Error(`line ${loan.lineId} vanished`);
      if (!(await this.lines.shift(em, loan.lineId, 0n, -loan.outstandingPrincipalFen))) throw new Error(`line ${loan.lineId} refused the reversal`);
      await this.loans.cancelOpenInstallments(em, loanId);
      await this.loans.setLoanState(em, loanId, 'active', 'reversed', 0n);
      if (hold) await addToOutbox(em, CreditDrawdownReversedV1, drawdownData(loan, hold, line.appId), { tenantId });
      return this.drawdownView(em, loanId);
    });
    this.relay.wake();
    return out;
  }

  /**
   * A refund of a drawdown, full or partial, before or after billing (domain/refund): the billed
   * installments' principal first (it credits the statement), then the last ones', the interest on
   * the refunded principal returned pro rata; the line's drawn credit is restored by the principal.
   * A refund above the unpaid principal (the customer had already repaid it) returns the excess to
   * the customer's county account through core banking (CashRefundsService, ADR 0016); the whole
   * refund is at most what the drawdown lent less what earlier refunds gave back.
   * One transaction with its `credit.drawdown-refunded` event; the same refund number is the same
   * refund (a cash part not yet confirmed by the bank is sent again).
   */
  async refund(scope: LineScope, loanId: string, dto: RefundDrawdownRequest): Promise<CreditDrawdownRefund> {
    const out = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      // the line is locked before the loan, in the order repayments take them (line, then its loans' rows)
      const peek = await this.loans.findLoan(em, loanId);
      if (!peek) throw new ApiError('not_found', `no drawdown ${loanId}`);
      const line = await this.ownLine(em, scope, peek.lineId, true).catch(() => {
        throw new ApiError('not_found', `no drawdown ${loanId}`);
      });
      const loan = await this.loans.findLoan(em, loanId, { lock: true });
      if (!loan) throw new Error(`loan ${loanId} vanished`);
      const done = await this.loans.refundByNo(em, loanId, dto.outRefundNo);
      if (done) {
        if (done.principalFen + done.cashFen !== BigInt(dto.amountFen))
          throw new ApiError('conflict', `refund ${dto.outRefundNo} was made with another amount`, 'outRefundNo');
        return done;
      }
      if (loan.state === 'reversed') throw new ApiError('invalid_state_transition', 'the drawdown was reversed: nothing is left to refund');
      const amount = BigInt(dto.amountFen);
      const installments = await this.loans.installments(em, loanId);
      const unpaid = installments
        .filter((i) => i.state === 'pending' || i.state === 'billed' || i.state === 'overdue')
        .reduce((sum, i) => sum + (i.principalFen - i.paidPrincipalFen), 0n);
      const refundable = loan.principalFen - (await this.loans.refundedFen(em, loanId));
      if (amount > refundable) throw new ApiError('refund_exceeds_refundable', `at most ${refundable} fen of the drawdown is refundable`, 'amountFen');
      const principal = amount < unpaid ? amount : unpaid;
      let interestReturned = 0n;
      if (principal > 0n) {
        const plan = planRefund(installments, principal);
        if (!plan.ok) throw new ApiError(plan.code, plan.message, 'amountFen');
        for (const c of plan.cuts)
          if (!(await this.loans.cutInstallment(em, loanId, c.period, c.principalCutFen, c.interestCutFen)))
            throw new ApiError('conflict', `installment ${c.period} of drawdown ${loanId} changed meanwhile`);
        await this.loans.settleLoan(em, loanId, plan.principalFen);
        if (!(await this.lines.shift(em, line.id, 0n, -plan.principalFen))) throw new Error(`line ${line.id} refused the refund`);
        interestReturned = plan.interestReturnedFen;
      }
      const s = await this.settings.current(em, scope.tenantId);
      const refund = {
        id: randomUUID(),
        tenantId: scope.tenantId,
        loanId,
        lineId: line.id,
        outRefundNo: dto.outRefundNo,
        principalFen: principal,
        interestReturnedFen: interestReturned,
        businessDate: s.businessDate,
        cashFen: amount - principal,
      };
      if (!(await this.loans.insertRefund(em, refund))) throw new ApiError('conflict', `refund ${dto.outRefundNo} is being made`, 'outRefundNo');
      if (principal > 0n)
        await addToOutbox(
          em,
          CreditDrawdownRefundedV1,
          Object.assign(new CreditDrawdownRefundData(), {
            refundId: refund.id,
            loanId,
            lineId: line.id,
            partnerAppId: line.appId,
            ...(loan.merchantId ? { merchantId: loan.merchantId } : {}),
            principalFen: fenToJson(principal),
            interestReturnedFen: fenToJson(interestReturned),
            businessDate: s.businessDate,
            at: new Date().toISOString(),
          }),
          { tenantId: scope.tenantId },
        );
      await this.statements.onInstallmentsChanged(em, line, 'refund', s.businessDate);
      const stored = await this.loans.findRefund(em, refund.id);
      if (!stored) throw new Error(`refund ${refund.id} vanished`);
      return stored;
    });
    this.relay.wake();
    // the part the customer had already repaid goes back to their county account (idempotent per refund)
    const settled = out.cashState === 'pending' || out.cashState === 'failed' ? await this.cash.send(scope.tenantId, out.id) : out;
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => refundView(settled, await this.drawdownView(em, loanId)));
  }

  drawdown(scope: LineScope, loanId: string): Promise<CreditDrawdown> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const loan = await this.loans.findLoan(em, loanId);
      if (!loan) throw new ApiError('not_found', `no drawdown ${loanId}`);
      await this.ownLine(em, scope, loan.lineId, false).catch(() => {
        throw new ApiError('not_found', `no drawdown ${loanId}`);
      });
      return this.drawdownView(em, loanId);
    });
  }

  private async check(em: EntityManager, line: LineRecord, amount: bigint, n: number): Promise<{ lines: ScheduleLine[]; date: string }> {
    const product = await this.products.findById(em, line.productId);
    if (!product) throw new Error(`product ${line.productId} vanished`);
    const s = await this.settings.current(em, line.tenantId);
    const check = checkDrawdown(line, termsOf(product), amount, n, s.businessDate, line.tenantId.slice(1), s.aprCeilingBp);
    if (!check.ok) throw ruleError(check);
    return { lines: scheduleOf(termsOf(product), amount, n, s.businessDate), date: s.businessDate };
  }

  private async ownLine(em: EntityManager, scope: LineScope, id: string, lock: boolean): Promise<LineRecord> {
    const line = await this.lines.findLine(em, id, { lock });
    if (!line || (!scope.seesAllApps && line.appId !== scope.appId)) throw new ApiError('not_found', `no credit line ${id}`);
    return line;
  }

  private async drawdownView(em: EntityManager, loanId: string): Promise<CreditDrawdown> {
    const loan = await this.loans.findLoan(em, loanId);
    if (!loan) throw new Error(`loan ${loanId} vanished`);
    return loanView(loan, await this.loans.installments(em, loanId));
  }
}

function drawdownData(loan: LoanRecord, hold: HoldRecord, partnerAppId: string): CreditDrawdownData {
  return Object.assign(new CreditDrawdownData(), {
    loanId: loan.id,
    lineId: loan.lineId,
    partnerAppId,
    holdId: hold.id,
    caller: hold.caller,
    paymentRef: hold.paymentRef,
    ...(loan.merchantId ? { merchantId: loan.merchantId } : {}),
    principalFen: fenToJson(loan.principalFen),
    installments: loan.installments,
    aprPpm: Number(loan.aprPpm),
    businessDate: loan.drawdownDate,
    at: new Date().toISOString(),
  });
}

function refundView(r: RefundRecord, drawdown: CreditDrawdown): CreditDrawdownRefund {
  return {
    refundId: r.id,
    outRefundNo: r.outRefundNo,
    principalFen: fenToJson(r.principalFen),
    interestReturnedFen: fenToJson(r.interestReturnedFen),
    cashFen: fenToJson(r.cashFen),
    cashState: r.cashState,
    cashFailureReason: r.cashFailureReason,
    businessDate: r.businessDate,
    drawdown,
  };
}

function quoteView(principal: bigint, n: number, lines: ScheduleLine[], date: string): CreditQuote {
  const apr = scheduleAprPpm(principal, lines, date, n === 1);
  const t = scheduleTotals(lines);
  return {
    principalFen: fenToJson(principal),
    installments: n,
    aprPpm: Number(apr),
    aprPercent: `${formatAprPercent(apr)}%`,
    costFen: fenToJson(t.interestFen + t.feeFen),
    schedule: lines.map((l) => ({
      period: l.period,
      dueDate: l.dueDate,
      principalFen: fenToJson(l.principalFen),
      interestFen: fenToJson(l.interestFen),
      feeFen: fenToJson(l.feeFen),
      totalFen: fenToJson(l.totalFen),
    })),
  };
}

export function holdView(h: HoldRecord): CreditHold {
  return {
    id: h.id,
    lineId: h.lineId,
    paymentRef: h.paymentRef,
    amountFen: fenToJson(h.amountFen),
    installments: h.installments,
    state: h.state,
    loanId: h.loanId,
  };
}

export function loanView(loan: LoanRecord, inst: InstallmentRecord[]): CreditDrawdown {
  return {
    loanId: loan.id,
    lineId: loan.lineId,
    holdId: loan.holdId,
    principalFen: fenToJson(loan.principalFen),
    installments: loan.installments,
    state: loan.state,
    outstandingPrincipalFen: fenToJson(loan.outstandingPrincipalFen),
    loanClass: loan.loanClass,
    daysPastDue: loan.daysPastDue,
    aprPpm: Number(loan.aprPpm),
    aprPercent: `${formatAprPercent(loan.aprPpm)}%`,
    drawdownDate: loan.drawdownDate,
    schedule: inst.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principalFen: fenToJson(i.principalFen),
      interestFen: fenToJson(i.interestFen),
      feeFen: fenToJson(i.feeFen),
      totalFen: fenToJson(i.principalFen + i.interestFen + i.feeFen),
      penaltyFen: fenToJson(i.penaltyFen),
      paidFen: fenToJson(i.paidPrincipalFen + i.paidInterestFen + i.paidFeeFen + i.paidPenaltyFen),
      state: i.state,
    })),
  };
}

/** The scope of a payment service's call: the payer's app when it names one. */
function internalScope(dto: InternalQuoteRequest): LineScope | undefined {
  return dto.appId ? { tenantId: dto.tenantId, appId: dto.appId, seesAllApps: false } : undefined;
}
