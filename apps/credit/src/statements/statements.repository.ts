import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, many, one, pageQuery, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';

const TO_BILL = rowOf({
  loanId: col.uuid(),
  lineId: col.expr('l.line_id', col.uuid()),
  period: col.int(),
  dueDate: col.date(),
  principalFen: col.bigint(),
  interestFen: col.bigint(),
  feeFen: col.bigint(),
});
/** A pending installment the billing of a date bills (it becomes an item of its line's statement). */
export type BillableRecord = RowType<typeof TO_BILL>;

const STATEMENT = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  lineId: col.uuid(),
  statementDate: col.date(),
  periodStart: col.date(),
  dueDate: col.date(),
  newDrawdownCount: col.int(),
  newDrawdownsFen: col.bigint(),
  principalFen: col.bigint(),
  interestFen: col.bigint(),
  feeFen: col.bigint(),
  penaltyFen: col.bigint(),
  totalDueFen: col.bigint(),
  minimumPaymentFen: col.bigint(),
  /** repaid or refunded against it since it was issued (living statement) */
  paidToDateFen: col.bigint(),
  remainingDueFen: col.bigint(),
  createdAt: col.timestamp(),
});
export type StatementRecord = RowType<typeof STATEMENT>;
export type NewStatement = Omit<StatementRecord, 'createdAt' | 'paidToDateFen' | 'remainingDueFen'>;

const ITEM = rowOf({
  statementId: col.uuid(),
  loanId: col.uuid(),
  period: col.int(),
  dueDate: col.date(),
  principalFen: col.bigint(),
  interestFen: col.bigint(),
  feeFen: col.bigint(),
});
export type StatementItemRecord = RowType<typeof ITEM>;

const OWED = rowOf({
  principalFen: col.expr('coalesce(sum(i.principal_fen - i.paid_principal_fen), 0)', col.bigint()),
  interestFen: col.expr('coalesce(sum(i.interest_fen - i.paid_interest_fen), 0)', col.bigint()),
  feeFen: col.expr('coalesce(sum(i.fee_fen - i.paid_fee_fen), 0)', col.bigint()),
  penaltyFen: col.expr('coalesce(sum(i.penalty_fen - i.paid_penalty_fen), 0)', col.bigint()),
});
export type OwedRecord = RowType<typeof OWED>;

const DRAWN = rowOf({ count: col.expr('count(*)', col.int()), principalFen: col.expr('coalesce(sum(l.principal_fen), 0)', col.bigint()) });
const LAST = rowOf({ statementDate: col.date() });
const FIRST_DRAWDOWN = rowOf({ drawdownDate: col.date() });
const TERMS = rowOf({ minPaymentPrincipalBp: col.int(), appId: col.expr('c.app_id', col.text()) });

/** Statements newest first (created once per line and date: created_at orders them; the id breaks ties). */
const NEWEST_FIRST = new Keyset(
  'credit-statements',
  [
    { sql: 's.created_at', type: 'timestamp' },
    { sql: 's.id', type: 'uuid' },
  ],
  'desc',
);

/** The only SQL of statements (inside the caller's tenant transaction). */
@Injectable()
export class StatementsRepository {
  /** The pending installments of active loans whose statement date has come (what billing is about to bill), locked. */
  billable(em: EntityManager, businessDate: string): Promise<BillableRecord[]> {
    return many(
      em,
      TO_BILL,
      `select ${TO_BILL.columns('i')}
         from loan_installments i join loans l on l.id = i.loan_id
        where l.state = 'active' and i.state = 'pending' and i.statement_date <= $1
        order by l.line_id, i.due_date, i.loan_id, i.period
        for update of i`,
      [businessDate],
    );
  }

  /** What the line owes now: the unpaid parts of its billed and overdue installments. */
  async owed(em: EntityManager, lineId: string): Promise<OwedRecord> {
    const r = await one(
      em,
      OWED,
      `select ${OWED.columns('i')} from loan_installments i join loans l on l.id = i.loan_id
        where l.line_id = $1 and l.state = 'active' and i.state in ('billed', 'overdue')`,
      [lineId],
    );
    return r ?? { principalFen: 0n, interestFen: 0n, feeFen: 0n, penaltyFen: 0n };
  }

  async lastStatementDate(em: EntityManager, lineId: string): Promise<string | undefined> {
    return (await one(em, LAST, `select ${LAST.columns('s')} from credit_statements s where s.line_id = $1 order by s.statement_date desc limit 1`, [lineId]))
      ?.statementDate;
  }

  async firstDrawdownDate(em: EntityManager, lineId: string): Promise<string | undefined> {
    return (await one(em, FIRST_DRAWDOWN, `select ${FIRST_DRAWDOWN.columns('l')} from loans l where l.line_id = $1 order by l.drawdown_date limit 1`, [lineId]))
      ?.drawdownDate;
  }

  /** Drawdowns of the line from `from` to `to` (inclusive) not reversed: count and principal. */
  async drawdownsBetween(em: EntityManager, lineId: string, from: string, to: string): Promise<{ count: number; principalFen: bigint }> {
    const r = await one(
      em,
      DRAWN,
      `select ${DRAWN.columns('l')} from loans l where l.line_id = $1 and l.drawdown_date between $2 and $3 and l.state <> 'reversed'`,
      [lineId, from, to],
    );
    return r ?? { count: 0, principalFen: 0n };
  }

  /** The line's partner app and its product's minimum-payment share of the principal. */
  async lineTerms(em: EntityManager, lineId: string): Promise<{ minPaymentPrincipalBp: number; appId: string }> {
    const r = await one(em, TERMS, `select ${TERMS.columns('p')} from credit_lines c join credit_products p on p.id = c.product_id where c.id = $1`, [lineId]);
    if (!r) throw new Error(`line ${lineId} has no product`);
    return r;
  }

  /** Inserts the statement unless the line has one for that date already; false for a duplicate. */
  async insert(em: EntityManager, s: NewStatement, items: readonly Omit<StatementItemRecord, 'statementId'>[]): Promise<boolean> {
    const n = await execute(
      em,
      `insert into credit_statements (id, tenant_id, line_id, statement_date, period_start, due_date, new_drawdown_count, new_drawdowns_fen,
          principal_fen, interest_fen, fee_fen, penalty_fen, total_due_fen, minimum_payment_fen, remaining_due_fen)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13)
       on conflict (tenant_id, line_id, statement_date) do nothing`,
      [
        s.id,
        s.tenantId,
        s.lineId,
        s.statementDate,
        s.periodStart,
        s.dueDate,
        s.newDrawdownCount,
        s.newDrawdownsFen,
        s.principalFen,
        s.interestFen,
        s.feeFen,
        s.penaltyFen,
        s.totalDueFen,
        s.minimumPaymentFen,
      ],
    );
    if (n === 0) return false;
    if (items.length > 0)
      await execute(
        em,
        `insert into credit_statement_items (tenant_id, statement_id, loan_id, period, due_date, principal_fen, interest_fen, fee_fen)
         select $1, $2, x.loan_id, x.period, x.due_date, x.principal_fen, x.interest_fen, x.fee_fen
           from unnest($3::uuid[], $4::int[], $5::date[], $6::bigint[], $7::bigint[], $8::bigint[]) as x(loan_id, period, due_date, principal_fen, interest_fen, fee_fen)`,
        [
          s.tenantId,
          s.id,
          items.map((i) => i.loanId),
          items.map((i) => i.period),
          items.map((i) => i.dueDate),
          items.map((i) => i.principalFen),
          items.map((i) => i.interestFen),
          items.map((i) => i.feeFen),
        ],
      );
    return true;
  }

  /**
   * A repayment or refund changed the line's installments: each statement still owed is brought to
   * what is unpaid of the installments billed up to its date (never above what it billed, never
   * back up); returns the statements that changed.
   */
  refreshUnpaid(em: EntityManager, lineId: string): Promise<StatementRecord[]> {
    return many(
      em,
      STATEMENT,
      `with now_owed as (
         select s.id, least(s.remaining_due_fen, coalesce((
           select sum((i.principal_fen - i.paid_principal_fen) + (i.interest_fen - i.paid_interest_fen) + (i.fee_fen - i.paid_fee_fen) + (i.penalty_fen - i.paid_penalty_fen))
             from loan_installments i join loans l on l.id = i.loan_id
            where l.line_id = s.line_id and i.statement_date <= s.statement_date and i.state in ('billed', 'overdue')), 0)) as remaining
           from credit_statements s where s.line_id = $1 and s.remaining_due_fen > 0
       )
       update credit_statements s set remaining_due_fen = n.remaining, paid_to_date_fen = s.total_due_fen - n.remaining
         from now_owed n where s.id = n.id and s.remaining_due_fen <> n.remaining
       returning ${STATEMENT.columns('s')}`,
      [lineId],
    );
  }

  find(em: EntityManager, id: string): Promise<StatementRecord | undefined> {
    return one(em, STATEMENT, `select ${STATEMENT.columns('s')} from credit_statements s where s.id = $1`, [id]);
  }

  list(em: EntityManager, lineId: string, page: PageRequest): Promise<Page<StatementRecord>> {
    return pageQuery(em, STATEMENT, { from: 'credit_statements s', where: new Where().add('s.line_id = ?', lineId), keyset: NEWEST_FIRST, page });
  }

  items(em: EntityManager, statementIds: readonly string[]): Promise<StatementItemRecord[]> {
    if (statementIds.length === 0) return Promise.resolve([]);
    return many(
      em,
      ITEM,
      `select ${ITEM.columns('x')} from credit_statement_items x where x.statement_id = any($1::uuid[]) order by x.statement_id, x.due_date, x.loan_id, x.period`,
      [statementIds],
    );
  }
}
