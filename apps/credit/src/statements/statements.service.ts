import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, CreditStatementData, CreditStatementIssuedV1 } from '@countypay/contracts';
import { addToOutbox } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { pageRequest, type PageQuery } from '@countypay/service-kit';
import { addDays } from '../domain/business-date';
import { minimumPaymentFen } from '../domain/credit-rules';
import { LinesService, type LineScope } from '../lines/lines.service';
import { SettingsService } from '../settings/settings.service';
import type { CreditStatement } from './dto/statements.dto';
import { statementStatus } from './statement-ledger';
import { StatementsRepository, type BillableRecord, type StatementItemRecord, type StatementRecord } from './statements.repository';

/**
 * Statements (账单): the statement job of a business date issues one statement per line whose
 * installments it bills — the installments billed (items), the cycle's drawdowns, what the line
 * owes (billed and overdue, unpaid parts), the minimum payment and the due date — with its
 * `credit.statement-issued` event, in the billing's transaction. One statement per line and date.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: StatementsRepository,
    private readonly lines: LinesService,
    private readonly settings: SettingsService,
  ) {}

  /** What the billing of `businessDate` is about to bill (call before billing, in the same transaction). */
  billable(em: EntityManager, businessDate: string): Promise<BillableRecord[]> {
    return this.repo.billable(em, businessDate);
  }

  /** Issues the statements of a date for the installments just billed (after billing, same transaction); returns how many. */
  async issue(em: EntityManager, tenantId: string, businessDate: string, billed: readonly BillableRecord[]): Promise<number> {
    const byLine = new Map<string, BillableRecord[]>();
    for (const b of billed) byLine.set(b.lineId, [...(byLine.get(b.lineId) ?? []), b]);
    let issued = 0;
    for (const [lineId, items] of byLine) {
      const previous = await this.repo.lastStatementDate(em, lineId);
      const periodStart = previous ? addDays(previous, 1) : ((await this.repo.firstDrawdownDate(em, lineId)) ?? businessDate);
      const drawn = await this.repo.drawdownsBetween(em, lineId, periodStart, businessDate);
      const owed = await this.repo.owed(em, lineId);
      const total = owed.principalFen + owed.interestFen + owed.feeFen + owed.penaltyFen;
      const terms = await this.repo.lineTerms(em, lineId);
      const minimum = minimumPaymentFen(owed, terms.minPaymentPrincipalBp);
      const dueDate = items.map((i) => i.dueDate).reduce((a, b) => (b < a ? b : a));
      const id = randomUUID();
      const inserted = await this.repo.insert(
        em,
        {
          id,
          tenantId,
          lineId,
          statementDate: businessDate,
          periodStart,
          dueDate,
          newDrawdownCount: drawn.count,
          newDrawdownsFen: drawn.principalFen,
          ...owed,
          totalDueFen: total,
          minimumPaymentFen: minimum,
        },
        items.map((i) => ({
          loanId: i.loanId,
          period: i.period,
          dueDate: i.dueDate,
          principalFen: i.principalFen,
          interestFen: i.interestFen,
          feeFen: i.feeFen,
        })),
      );
      if (!inserted) continue;
      issued++;
      await addToOutbox(
        em,
        CreditStatementIssuedV1,
        Object.assign(new CreditStatementData(), {
          statementId: id,
          lineId,
          partnerAppId: terms.appId,
          statementDate: businessDate,
          dueDate,
          totalDueFen: fenToJson(total),
          minimumPaymentFen: fenToJson(minimum),
          newDrawdownsFen: fenToJson(drawn.principalFen),
          at: new Date().toISOString(),
        }),
        { tenantId },
      );
    }
    return issued;
  }

  list(scope: LineScope, lineId: string, q: PageQuery): Promise<Page<CreditStatement>> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      await this.lines.ownLine(em, scope, lineId, false);
      const page = await this.repo.list(em, lineId, pageRequest(q));
      const items = await this.repo.items(
        em,
        page.data.map((s) => s.id),
      );
      const { businessDate } = await this.settings.current(em, scope.tenantId);
      return { data: page.data.map((s) => statementView(s, items, businessDate)), nextCursor: page.nextCursor };
    });
  }

  get(scope: LineScope, id: string): Promise<CreditStatement> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const s = await this.repo.find(em, id);
      if (!s) throw new ApiError('not_found', `no credit statement ${id}`);
      await this.lines.ownLine(em, scope, s.lineId, false).catch(() => {
        throw new ApiError('not_found', `no credit statement ${id}`);
      });
      const { businessDate } = await this.settings.current(em, scope.tenantId);
      return statementView(s, await this.repo.items(em, [id]), businessDate);
    });
  }
}

function statementView(s: StatementRecord, items: readonly StatementItemRecord[], businessDate: string): CreditStatement {
  return {
    id: s.id,
    lineId: s.lineId,
    statementDate: s.statementDate,
    periodStart: s.periodStart,
    dueDate: s.dueDate,
    newDrawdownCount: s.newDrawdownCount,
    newDrawdownsFen: fenToJson(s.newDrawdownsFen),
    principalFen: fenToJson(s.principalFen),
    interestFen: fenToJson(s.interestFen),
    feeFen: fenToJson(s.feeFen),
    penaltyFen: fenToJson(s.penaltyFen),
    totalDueFen: fenToJson(s.totalDueFen),
    minimumPaymentFen: fenToJson(s.minimumPaymentFen),
    paidToDateFen: fenToJson(s.paidToDateFen),
    remainingDueFen: fenToJson(s.remainingDueFen),
    status: statementStatus(s, businessDate),
    items: items
      .filter((i) => i.statementId === s.id)
      .map((i) => ({
        loanId: i.loanId,
        period: i.period,
        dueDate: i.dueDate,
        principalFen: fenToJson(i.principalFen),
        interestFen: fenToJson(i.interestFen),
        feeFen: fenToJson(i.feeFen),
      })),
    createdAt: s.createdAt.toISOString(),
  };
}
