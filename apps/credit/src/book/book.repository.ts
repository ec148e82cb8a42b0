import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, Keyset, many, pageQuery, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { LoanClass } from '../domain/classification';
import type { LineState, LoanState } from '../domain/state-machines';
import { INSTALLMENT, LOAN, type InstallmentRecord, type LoanRecord } from '../holds/loans.repository';
import { LINE, type LineRecord } from '../lines/lines.repository';

/** Lines and loans newest first: created_at as PostgreSQL keeps it, the id breaks ties. */
const LINES_NEWEST_FIRST = new Keyset(
  'credit-lines',
  [
    { sql: 'c.created_at', type: 'timestamp' },
    { sql: 'c.id', type: 'uuid' },
  ],
  'desc',
);
const LOANS_NEWEST_FIRST = new Keyset(
  'credit-drawdowns',
  [
    { sql: 'l.created_at', type: 'timestamp' },
    { sql: 'l.id', type: 'uuid' },
  ],
  'desc',
);
/** Overdue loans, longest overdue first. */
const MOST_OVERDUE_FIRST = new Keyset(
  'credit-overdue-loans',
  [
    { sql: 'l.days_past_due', type: 'bigint' },
    { sql: 'l.id', type: 'uuid' },
  ],
  'desc',
);

const CLASS_ROW = rowOf({
  loanClass: col.text<LoanClass>(),
  loans: col.expr('count(*)', col.int()),
  outstandingPrincipalFen: col.expr('coalesce(sum(l.outstanding_principal_fen), 0)', col.bigint()),
});
export type ClassRow = RowType<typeof CLASS_ROW>;

export interface LineFilter {
  appId?: string;
  state?: LineState;
  customerRef?: string;
  productId?: string;
}

/** The loan book's lists and report (inside the caller's tenant transaction: row-level security scopes them). */
@Injectable()
export class BookRepository {
  lines(em: EntityManager, f: LineFilter, page: PageRequest): Promise<Page<LineRecord>> {
    const where = new Where()
      .add('c.app_id = ?', f.appId)
      .add('c.state = ?', f.state)
      .add('c.customer_ref = ?', f.customerRef)
      .add('c.product_id = ?', f.productId);
    return pageQuery(em, LINE, { from: 'credit_lines c', where, keyset: LINES_NEWEST_FIRST, page });
  }

  loansOfLine(em: EntityManager, lineId: string, state: LoanState | undefined, page: PageRequest): Promise<Page<LoanRecord>> {
    return pageQuery(em, LOAN, {
      from: 'loans l',
      where: new Where().add('l.line_id = ?', lineId).add('l.state = ?', state),
      keyset: LOANS_NEWEST_FIRST,
      page,
    });
  }

  overdueLoans(em: EntityManager, loanClass: LoanClass | undefined, page: PageRequest): Promise<Page<LoanRecord>> {
    const where = new Where().add("l.state = 'active' and l.days_past_due > 0").add('l.loan_class = ?', loanClass);
    return pageQuery(em, LOAN, { from: 'loans l', where, keyset: MOST_OVERDUE_FIRST, page });
  }

  installmentsOf(em: EntityManager, loanIds: readonly string[]): Promise<InstallmentRecord[]> {
    if (loanIds.length === 0) return Promise.resolve([]);
    return many(em, INSTALLMENT, `select ${INSTALLMENT.columns('i')} from loan_installments i where i.loan_id = any($1::uuid[]) order by i.loan_id, i.period`, [
      loanIds,
    ]);
  }

  /** Active loans per five-category class: count and outstanding principal. */
  classification(em: EntityManager): Promise<ClassRow[]> {
    return many(em, CLASS_ROW, `select ${CLASS_ROW.columns('l')} from loans l where l.state = 'active' group by l.loan_class`);
  }
}
