import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { pageRequest } from '@countypay/service-kit';
import { LOAN_CLASS_LABELS, LOAN_CLASSES } from '../domain/classification';
import type { CreditDrawdown } from '../holds/dto/holds.dto';
import { loanView } from '../holds/holds.service';
import type { InstallmentRecord, LoanRecord } from '../holds/loans.repository';
import type { CreditLine } from '../lines/dto/lines.dto';
import { lineView, LinesService, type LineScope } from '../lines/lines.service';
import { SettingsService } from '../settings/settings.service';
import { BookRepository } from './book.repository';
import type { CreditClassificationReport, ListCreditDrawdownsQuery, ListCreditLinesQuery, ListOverdueLoansQuery } from './dto/book.dto';

/**
 * The loan book for partners and operators: lines (a partner app sees its own customers' lines, an
 * operator the county's), the drawdowns of a line, the overdue loans and the five-category report.
 */
@Injectable()
export class BookService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: BookRepository,
    private readonly lines: LinesService,
    private readonly settings: SettingsService,
  ) {}

  listLines(scope: LineScope, q: ListCreditLinesQuery): Promise<Page<CreditLine>> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const page = await this.repo.lines(
        em,
        { appId: scope.seesAllApps ? undefined : scope.appId, state: q.state, customerRef: q.customerRef, productId: q.productId },
        pageRequest(q),
      );
      return { data: page.data.map(lineView), nextCursor: page.nextCursor };
    });
  }

  listDrawdowns(scope: LineScope, lineId: string, q: ListCreditDrawdownsQuery): Promise<Page<CreditDrawdown>> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      await this.lines.ownLine(em, scope, lineId, false);
      const page = await this.repo.loansOfLine(em, lineId, q.state, pageRequest(q));
      return this.withSchedules(
        page,
        await this.repo.installmentsOf(
          em,
          page.data.map((l) => l.id),
        ),
      );
    });
  }

  listOverdue(tenantId: string, q: ListOverdueLoansQuery): Promise<Page<CreditDrawdown>> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const page = await this.repo.overdueLoans(em, q.loanClass, pageRequest(q));
      return this.withSchedules(
        page,
        await this.repo.installmentsOf(
          em,
          page.data.map((l) => l.id),
        ),
      );
    });
  }

  async classification(tenantId: string): Promise<CreditClassificationReport> {
    const { rows, businessDate } = await inTenantTransaction(this.ds, tenantId, async (em) => ({
      rows: await this.repo.classification(em),
      businessDate: (await this.settings.get(tenantId)).businessDate,
    }));
    const categories = LOAN_CLASSES.map((c) => {
      const r = rows.find((x) => x.loanClass === c);
      return {
        loanClass: c,
        labelZh: LOAN_CLASS_LABELS[c].zh,
        labelEn: LOAN_CLASS_LABELS[c].en,
        loans: r?.loans ?? 0,
        outstandingPrincipalFen: fenToJson(r?.outstandingPrincipalFen ?? 0n),
      };
    });
    return {
      tenantId,
      businessDate,
      categories,
      totalLoans: categories.reduce((s, c) => s + c.loans, 0),
      totalOutstandingPrincipalFen: fenToJson(rows.reduce((s, r) => s + r.outstandingPrincipalFen, 0n)),
      asOf: new Date().toISOString(),
    };
  }

  private withSchedules(page: Page<LoanRecord>, installments: readonly InstallmentRecord[]): Page<CreditDrawdown> {
    const byLoan = new Map<string, InstallmentRecord[]>();
    for (const i of installments) byLoan.set(i.loanId, [...(byLoan.get(i.loanId) ?? []), i]);
    return { data: page.data.map((l) => loanView(l, byLoan.get(l.id) ?? [])), nextCursor: page.nextCursor };
  }
}
