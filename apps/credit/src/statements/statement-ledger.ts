import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CreditStatementUpdatedData, CreditStatementUpdatedV1 } from '@countypay/contracts';
import { addToOutbox } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { StatementsRepository, type StatementRecord } from './statements.repository';

export type StatementStatus = 'open' | 'paid' | 'overdue';

/** A statement's status on a business date: paid when nothing is left, overdue once its due date has passed, else open. */
export function statementStatus(s: Pick<StatementRecord, 'remainingDueFen' | 'dueDate'>, businessDate: string): StatementStatus {
  if (s.remainingDueFen === 0n) return 'paid';
  return businessDate > s.dueDate ? 'overdue' : 'open';
}

/**
 * Living statements (ADR 0016): in the transaction of a repayment's or a refund's allocation, each
 * statement of the line still owed is brought to what remains unpaid of what it billed, and each
 * one that changed is announced (`credit.statement-updated`: billed, paid to date, remaining, status).
 */
@Injectable()
export class StatementLedger {
  constructor(private readonly repo: StatementsRepository) {}

  async onInstallmentsChanged(
    em: EntityManager,
    line: { id: string; tenantId: string; appId: string },
    cause: 'repayment' | 'refund',
    businessDate: string,
  ): Promise<StatementRecord[]> {
    const changed = await this.repo.refreshUnpaid(em, line.id);
    for (const s of changed)
      await addToOutbox(
        em,
        CreditStatementUpdatedV1,
        Object.assign(new CreditStatementUpdatedData(), {
          statementId: s.id,
          lineId: line.id,
          partnerAppId: line.appId,
          statementDate: s.statementDate,
          dueDate: s.dueDate,
          totalDueFen: fenToJson(s.totalDueFen),
          paidToDateFen: fenToJson(s.paidToDateFen),
          remainingDueFen: fenToJson(s.remainingDueFen),
          status: statementStatus(s, businessDate),
          cause,
          at: new Date().toISOString(),
        }),
        { tenantId: line.tenantId },
      );
    return changed;
  }
}
