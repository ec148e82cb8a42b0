import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { OutboxRelay } from '@countypay/messaging';
import { classify, daysPastDue } from '../domain/classification';
import { dailyPenaltyFen, lapsedInterestFreeFen, penaltyDue } from '../domain/credit-rules';
import { LoansRepository } from '../holds/loans.repository';
import { LinesRepository } from '../lines/lines.repository';
import { LinesService } from '../lines/lines.service';
import { RepaymentsService } from '../repayments/repayments.service';
import { SettingsService } from '../settings/settings.service';
import { StatementsService } from '../statements/statements.service';

export interface DayRun {
  businessDate: string;
  billed: number;
  statements: number;
  autoDebits: number;
  autoDebitsSucceeded: number;
  penalties: number;
  classified: number;
  frozen: number;
  skipped: string[];
}

/**
 * The daily jobs of a tenant's business date, each claimed once per date in `credit_job_runs` in
 * the same transaction as its effect, so running a date twice (a retry, a catch-up after downtime)
 * changes nothing the second time:
 *   billing         pending installments whose statement date has come are billed
 *   statement       each line whose installments were billed gets its statement of the date (and
 *                   credit.statement-issued), in the billing's transaction
 *   overdue         billed installments past their due date become overdue; an interest-free single
 *                   repayment not repaid in full by its due date is charged the interest from the
 *                   drawdown to the due date (the interest-free period is lost)
 *   auto-debit      what is due is debited from the customer's repayment account on the due date,
 *                   retried one and three days later (once per line and date, see RepaymentsService)
 *   penalty         one day of penalty interest on each overdue installment's unpaid principal,
 *                   once the grace days are over (rate × the product's multiplier, daily = annual / 360)
 *   classification  five-category classification of every active loan by days past due; lines
 *                   past the tenant's freeze threshold are frozen
 */
@Injectable()
export class DailyJobsService {
  constructor(
    private readonly ds: DataSource,
    private readonly loans: LoansRepository,
    private readonly lines: LinesRepository,
    private readonly lineService: LinesService,
    private readonly settings: SettingsService,
    private readonly repayments: RepaymentsService,
    private readonly statements: StatementsService,
    private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async runDay(tenantId: string, businessDate: string): Promise<DayRun> {
    const r: DayRun = { businessDate, billed: 0, statements: 0, autoDebits: 0, autoDebitsSucceeded: 0, penalties: 0, classified: 0, frozen: 0, skipped: [] };
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      if (await this.loans.claimJob(em, tenantId, businessDate, 'billing')) {
        const billable = await this.statements.billable(em, businessDate);
        r.billed = await this.loans.billDue(em, businessDate);
        if (await this.loans.claimJob(em, tenantId, businessDate, 'statement'))
          r.statements = await this.statements.issue(em, tenantId, businessDate, billable);
        else r.skipped.push('statement');
      } else r.skipped.push('billing', 'statement');
      if (await this.loans.claimJob(em, tenantId, businessDate, 'overdue')) {
        // an interest-free single repayment not repaid in full by its due date owes the interest from the drawdown to the due date
        for (const f of await this.loans.lapsedInterestFree(em, businessDate))
          await this.loans.chargeInterest(em, f.loanId, f.period, lapsedInterestFreeFen(f.principalFen, f.annualRateBp, f.drawdownDate, f.dueDate));
        await this.loans.markOverdue(em, businessDate);
      } else r.skipped.push('overdue');
    });
    // the automatic debits call core banking: outside any transaction, each (line, date) attempted once
    const debits = await this.repayments.autoDebit(tenantId, businessDate);
    r.autoDebits = debits.attempted;
    r.autoDebitsSucceeded = debits.succeeded;
    const run = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const s = await this.settings.current(em, tenantId);
      if (await this.loans.claimJob(em, tenantId, businessDate, 'penalty')) {
        for (const i of await this.loans.overdueInstallments(em)) {
          if (!penaltyDue(i.dueDate, i.graceDays, businessDate)) continue;
          const unpaid = i.principalFen - i.paidPrincipalFen;
          const p = dailyPenaltyFen(unpaid, i.annualRateBp, i.penaltyMultiplierBp);
          if (p > 0n) {
            await this.loans.addPenalty(em, i.loanId, i.period, p);
            r.penalties++;
          }
        }
      } else r.skipped.push('penalty');
      if (await this.loans.claimJob(em, tenantId, businessDate, 'classification')) {
        const freeze = new Set<string>();
        for (const l of await this.loans.oldestUnpaidDue(em)) {
          const dpd = daysPastDue(l.oldestDue, businessDate);
          await this.loans.classify(em, l.loanId, classify(dpd), dpd);
          r.classified++;
          if (dpd > s.freezeAfterDays) freeze.add(l.lineId);
        }
        for (const lineId of freeze) {
          const line = await this.lines.findLine(em, lineId, { lock: true });
          if (line?.state !== 'active') continue;
          await this.lineService.moveLine(em, line, 'freeze', 'overdue');
          r.frozen++;
        }
      } else r.skipped.push('classification');
      return r;
    });
    if (run.frozen > 0 || r.statements > 0) this.relay.wake();
    this.logger.info({ tenantId, ...run }, 'credit daily jobs ran');
    return run;
  }
}
