import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { ApiError, CreditRepaymentData, CreditRepaymentFailedV1, CreditRepaymentReceivedV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction } from '@countypay/persistence';
import { CreditPii } from '../common/pii';
import { allocate, type Outstanding } from '../domain/allocation';
import { daysBetween } from '../domain/business-date';
import { earlyRepaymentInterestFen } from '../domain/credit-rules';
import { minBig } from '../domain/arithmetic';
import { LoansRepository, type InstallmentRecord, type RepaymentRecord } from '../holds/loans.repository';
import type { LineScope } from '../lines/lines.service';
import { LinesRepository, type LineRecord } from '../lines/lines.repository';
import { SettingsService } from '../settings/settings.service';
import { StatementLedger } from '../statements/statement-ledger';
import { CoreBankingClient } from '../sms/core-banking.client';
import type { CreateRepaymentRequest, CreditRepayment } from './repayments.dto';

export type RepaymentKind = 'manual' | 'payoff' | 'auto_debit';

/** Automatic debits are attempted on the due date and retried one and three days later. */
export const AUTO_DEBIT_ATTEMPT_DAYS = [0, 1, 3] as const;

const owed = (i: InstallmentRecord): bigint =>
  i.principalFen - i.paidPrincipalFen + i.interestFen - i.paidInterestFen + i.feeFen - i.paidFeeFen + i.penaltyFen - i.paidPenaltyFen;

/**
 * Repayment (还款): the customer's repayment account is debited in core banking (once per
 * reference), then the amount is allocated fees → penalty → interest → principal, oldest first
 * (domain/allocation), the installments, loans and line are updated and the event is written — one
 * transaction. A payoff (提前还款) owes interest only to the repayment date.
 */
@Injectable()
export class RepaymentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly lines: LinesRepository,
    private readonly loans: LoansRepository,
    private readonly settings: SettingsService,
    private readonly core: CoreBankingClient,
    private readonly pii: CreditPii,
    private readonly relay: OutboxRelay,
    private readonly statements: StatementLedger,
  ) {}

  async repay(scope: LineScope, lineId: string, dto: CreateRepaymentRequest): Promise<CreditRepayment> {
    const kind: RepaymentKind = dto.mode === 'payoff' ? 'payoff' : 'manual';
    const reference = `${kind}:${dto.outRepaymentNo}`;
    const plan = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const line = await this.lines.findLine(em, lineId);
      if (!line || (!scope.seesAllApps && line.appId !== scope.appId)) throw new ApiError('not_found', `no credit line ${lineId}`);
      const done = await this.loans.repaymentByReference(em, lineId, reference);
      if (done) return { line, done };
      const s = await this.settings.current(em, scope.tenantId);
      const due = kind === 'payoff' ? await this.payoffAmount(em, line.id, s.businessDate) : await this.dueAmount(em, line.id, s.businessDate);
      if (due === 0n) throw new ApiError('repayment_exceeds_due', 'nothing is owed on this line now');
      const amount = kind === 'payoff' ? due : BigInt(dto.amountFen ?? 0);
      if (amount <= 0n) throw new ApiError('invalid_request', 'amountFen is required for a repayment of what is due', 'amountFen');
      if (amount > due) throw new ApiError('repayment_exceeds_due', `at most ${due} fen is due now`, 'amountFen');
      return { line, amount, date: s.businessDate };
    });
    if ('done' in plan && plan.done) return repaymentView(plan.done);
    const { line, amount, date } = plan as { line: LineRecord; amount: bigint; date: string };
    const debit = await this.core.debit(
      scope.tenantId,
      this.pii.openAccount(scope.tenantId, line.repaymentAccountCipher),
      fenToJson(amount),
      `${line.id}:${reference}`,
    );
    if (debit.status !== 'succeeded') throw new ApiError('repayment_declined', `the repayment account was not debited: ${debit.reason}`);
    const applied = await inTenantTransaction(this.ds, scope.tenantId, (em) => this.apply(em, line, amount, kind, reference, date));
    this.relay.wake();
    return repaymentView(applied);
  }

  /**
   * The automatic debit of a business date: every line owing something due is debited for all of it
   * on the due date, and again one and three days later while it stays unpaid. Each (line, date) is
   * attempted once; a declined debit is recorded and announced (credit.repayment-failed).
   */
  async autoDebit(tenantId: string, date: string): Promise<{ attempted: number; succeeded: number }> {
    const candidates = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const out: { line: LineRecord; amount: bigint }[] = [];
      for (const c of await this.lines.linesWithDue(em, date)) {
        if (!(AUTO_DEBIT_ATTEMPT_DAYS as readonly number[]).includes(daysBetween(c.oldestDue, date))) continue;
        if (await this.lines.debitAttempted(em, c.lineId, date)) continue;
        const line = await this.lines.findLine(em, c.lineId);
        const amount = await this.dueAmount(em, c.lineId, date);
        if (line && amount > 0n) out.push({ line, amount });
      }
      return out;
    });
    let succeeded = 0;
    for (const { line, amount } of candidates) {
      const reference = `auto_debit:${date}`;
      const debit = await this.core.debit(tenantId, this.pii.openAccount(tenantId, line.repaymentAccountCipher), fenToJson(amount), `${line.id}:${reference}`);
      await inTenantTransaction(this.ds, tenantId, async (em) => {
        if (!(await this.lines.recordDebitAttempt(em, tenantId, line.id, date, amount, debit.status, debit.status === 'declined' ? debit.reason : null)))
          return;
        if (debit.status === 'succeeded') {
          await this.apply(em, line, amount, 'auto_debit', reference, date);
          succeeded++;
        } else {
          await addToOutbox(
            em,
            CreditRepaymentFailedV1,
            Object.assign(new CreditRepaymentData(), {
              lineId: line.id,
              partnerAppId: line.appId,
              kind: 'auto_debit' as const,
              amountFen: fenToJson(amount),
              reason: debit.reason,
              businessDate: date,
              at: new Date().toISOString(),
            }),
            { tenantId },
          );
        }
      });
    }
    if (candidates.length > 0) this.relay.wake();
    return { attempted: candidates.length, succeeded };
  }

  /** What is due on `date`: every billed or overdue installment due on or before it, unpaid parts. */
  private async dueAmount(em: EntityManager, lineId: string, date: string): Promise<bigint> {
    return (await this.loans.openInstallmentsOfLine(em, lineId, 'due', date)).reduce((s, i) => s + owed(i), 0n);
  }

  /** Everything owed if paid off on `date`: billed amounts, plus the future principal with interest only to `date`. */
  private async payoffAmount(em: EntityManager, lineId: string, date: string): Promise<bigint> {
    const open = await this.loans.openInstallmentsOfLine(em, lineId, 'all', date);
    let total = 0n;
    for (const [loanId, inst] of groupBy(open)) {
      const pending = inst.filter((i) => i.state === 'pending');
      total += inst.filter((i) => i.state !== 'pending').reduce((s, i) => s + owed(i), 0n);
      if (pending.length > 0) total += pending.reduce((s, i) => s + i.principalFen, 0n) + (await this.accruedInterest(em, loanId, inst, date));
    }
    return total;
  }

  /** Interest on the not-yet-billed principal from the last due date (or the drawdown) to `date`, never more than the period's scheduled interest. */
  private async accruedInterest(em: EntityManager, loanId: string, inst: InstallmentRecord[], date: string): Promise<bigint> {
    const loan = await this.loans.findLoan(em, loanId);
    if (!loan) throw new Error(`loan ${loanId} vanished`);
    const all = await this.loans.installments(em, loanId);
    const pending = inst.filter((i) => i.state === 'pending');
    const first = pending[0]!;
    const previousDue = all.filter((i) => i.period < first.period).at(-1)?.dueDate;
    const from = previousDue && previousDue < date ? previousDue : loan.drawdownDate;
    const principal = pending.reduce((s, i) => s + i.principalFen, 0n);
    return minBig(first.interestFen, earlyRepaymentInterestFen(principal, loan.annualRateBp, from, date));
  }

  /** Allocates a debited amount to the line's installments and records it (in the caller's transaction). */
  private async apply(em: EntityManager, line: LineRecord, amount: bigint, kind: RepaymentKind, reference: string, date: string): Promise<RepaymentRecord> {
    const existing = await this.loans.repaymentByReference(em, line.id, reference);
    if (existing) return existing;
    await this.lines.findLine(em, line.id, { lock: true });
    if (kind === 'payoff') {
      const open = await this.loans.openInstallmentsOfLine(em, line.id, 'all', date);
      for (const [loanId, inst] of groupBy(open))
        if (inst.some((i) => i.state === 'pending')) await this.loans.rewritePendingForPayoff(em, loanId, await this.accruedInterest(em, loanId, inst, date));
    }
    const open = await this.loans.openInstallmentsOfLine(em, line.id, kind === 'payoff' ? 'all' : 'due', date);
    const items: Outstanding[] = open.map((i, seq) => ({
      id: `${i.loanId}:${i.period}`,
      dueDate: i.dueDate,
      seq,
      feeFen: i.feeFen - i.paidFeeFen,
      penaltyFen: i.penaltyFen - i.paidPenaltyFen,
      interestFen: i.interestFen - i.paidInterestFen,
      principalFen: i.principalFen - i.paidPrincipalFen,
    }));
    const a = allocate(items, amount);
    const per = new Map<string, { principal: bigint; interest: bigint; fee: bigint; penalty: bigint }>();
    const totals = { principal: 0n, interest: 0n, fee: 0n, penalty: 0n };
    for (const p of a.parts) {
      const e = per.get(p.id) ?? { principal: 0n, interest: 0n, fee: 0n, penalty: 0n };
      e[p.category] += p.amountFen;
      totals[p.category] += p.amountFen;
      per.set(p.id, e);
    }
    const principalByLoan = new Map<string, bigint>();
    for (const [id, paid] of per) {
      const [loanId, period] = id.split(':') as [string, string];
      await this.loans.pay(em, loanId, Number(period), paid);
      principalByLoan.set(loanId, (principalByLoan.get(loanId) ?? 0n) + paid.principal);
    }
    for (const [loanId, principal] of principalByLoan) await this.loans.settleLoan(em, loanId, principal);
    if (totals.principal > 0n && !(await this.lines.shift(em, line.id, 0n, -totals.principal))) throw new Error(`line ${line.id} refused the repayment`);
    const id = randomUUID();
    await this.loans.insertRepayment(em, {
      id,
      tenantId: line.tenantId,
      lineId: line.id,
      kind,
      amountFen: amount,
      appliedFen: a.appliedFen,
      principalFen: totals.principal,
      interestFen: totals.interest,
      feeFen: totals.fee,
      penaltyFen: totals.penalty,
      businessDate: date,
      reference,
    });
    await addToOutbox(
      em,
      CreditRepaymentReceivedV1,
      Object.assign(new CreditRepaymentData(), {
        lineId: line.id,
        partnerAppId: line.appId,
        repaymentId: id,
        kind,
        amountFen: fenToJson(amount),
        principalFen: fenToJson(totals.principal),
        interestFen: fenToJson(totals.interest),
        feeFen: fenToJson(totals.fee),
        penaltyFen: fenToJson(totals.penalty),
        businessDate: date,
        at: new Date().toISOString(),
      }),
      { tenantId: line.tenantId },
    );
    // the line's statements show what is now paid and what remains (living statements)
    await this.statements.onInstallmentsChanged(em, line, 'repayment', date);
    const saved = await this.loans.repaymentByReference(em, line.id, reference);
    if (!saved) throw new Error('repayment not recorded');
    return saved;
  }
}

function groupBy<T extends InstallmentRecord>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r.loanId, [...(m.get(r.loanId) ?? []), r]);
  for (const v of m.values()) v.sort((a, b) => a.period - b.period);
  return m;
}

export function repaymentView(r: RepaymentRecord): CreditRepayment {
  return {
    reference: r.reference,
    kind: r.kind,
    amountFen: fenToJson(r.amountFen),
    principalFen: fenToJson(r.principalFen),
    interestFen: fenToJson(r.interestFen),
    feeFen: fenToJson(r.feeFen),
    penaltyFen: fenToJson(r.penaltyFen),
    businessDate: r.businessDate,
  };
}
