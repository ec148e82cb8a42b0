import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, many, query, one, rowOf, uniqueViolation, updateReturning, type RowType } from '@countypay/persistence';
import type { ApplicationState, LineState } from '../domain/state-machines';

const APPLICATION = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  customerRef: col.text(),
  customerNameMasked: col.text(),
  mobileMasked: col.text(),
  region: col.text(),
  repaymentAccountCipher: col.text(),
  productId: col.uuid(),
  requestedLimitFen: col.bigint(),
  state: col.text<ApplicationState | 'awaiting_consent'>(),
  consentCodeHash: col.text().nullable(),
  consentAttempts: col.int(),
  consentExpiresAt: col.timestamp().nullable(),
  consentedAt: col.timestamp().nullable(),
  decidedBy: col.text().nullable(),
  decisionReason: col.text().nullable(),
  lineId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type ApplicationRecord = RowType<typeof APPLICATION>;

export const LINE = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  customerRef: col.text(),
  region: col.text(),
  repaymentAccountCipher: col.text(),
  productId: col.uuid(),
  applicationId: col.uuid(),
  limitFen: col.bigint(),
  heldFen: col.bigint(),
  drawnFen: col.bigint(),
  state: col.text<LineState>(),
  expiresOn: col.date(),
  stateReason: col.text().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type LineRecord = RowType<typeof LINE>;

/** The only SQL of applications and credit lines (inside the caller's tenant transaction). */
@Injectable()
export class LinesRepository {
  findApplication(em: EntityManager, id: string, o: { lock?: boolean } = {}): Promise<ApplicationRecord | undefined> {
    return one(em, APPLICATION, `select ${APPLICATION.columns('a')} from credit_applications a where a.id = $1 ${o.lock ? 'for update' : ''}`, [id]);
  }

  async insertApplication(
    em: EntityManager,
    a: Pick<
      ApplicationRecord,
      | 'id'
      | 'tenantId'
      | 'appId'
      | 'customerRef'
      | 'customerNameMasked'
      | 'mobileMasked'
      | 'region'
      | 'productId'
      | 'requestedLimitFen'
      | 'consentCodeHash'
      | 'repaymentAccountCipher'
    >,
  ): Promise<ApplicationRecord> {
    const [row] = await updateReturning(
      em,
      APPLICATION,
      `insert into credit_applications as a (id, tenant_id, app_id, customer_ref, customer_name_masked, mobile_masked, region, product_id, requested_limit_fen,
          state, consent_code_hash, consent_expires_at, repayment_account_cipher)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'awaiting_consent', $10, now() + interval '5 minutes', $11) returning ${APPLICATION.columns('a')}`,
      [
        a.id,
        a.tenantId,
        a.appId,
        a.customerRef,
        a.customerNameMasked,
        a.mobileMasked,
        a.region,
        a.productId,
        a.requestedLimitFen,
        a.consentCodeHash,
        a.repaymentAccountCipher,
      ],
    );
    if (!row) throw new Error('application not inserted');
    return row;
  }

  async countConsentAttempt(em: EntityManager, id: string): Promise<void> {
    await execute(em, `update credit_applications set consent_attempts = consent_attempts + 1, updated_at = now() where id = $1`, [id]);
  }

  async moveApplication(
    em: EntityManager,
    id: string,
    from: string,
    to: string,
    c: { decidedBy?: string; reason?: string; lineId?: string; consented?: boolean },
  ): Promise<ApplicationRecord | undefined> {
    const [row] = await updateReturning(
      em,
      APPLICATION,
      `update credit_applications a set state = $3, decided_by = coalesce($4, a.decided_by), decision_reason = coalesce($5, a.decision_reason),
         line_id = coalesce($6::uuid, a.line_id), consented_at = case when $7 then now() else a.consented_at end,
         consent_code_hash = case when $7 then null else a.consent_code_hash end, updated_at = now(), version = a.version + 1
       where a.id = $1 and a.state = $2 returning ${APPLICATION.columns('a')}`,
      [id, from, to, c.decidedBy ?? null, c.reason ?? null, c.lineId ?? null, c.consented ?? false],
    );
    return row;
  }

  hasOpenLine(em: EntityManager, appId: string, customerRef: string): Promise<boolean> {
    return query(em, `select 1 from credit_lines where app_id = $1 and customer_ref = $2 and state <> 'closed' limit 1`, [appId, customerRef]).then(
      (r) => r.rowCount > 0,
    );
  }

  findLine(em: EntityManager, id: string, o: { lock?: boolean } = {}): Promise<LineRecord | undefined> {
    return one(em, LINE, `select ${LINE.columns('l')} from credit_lines l where l.id = $1 ${o.lock ? 'for update' : ''}`, [id]);
  }

  /** Inserts the line; undefined when the customer already has an open one (unique index). */
  async insertLine(
    em: EntityManager,
    l: Pick<
      LineRecord,
      'id' | 'tenantId' | 'appId' | 'customerRef' | 'region' | 'repaymentAccountCipher' | 'productId' | 'applicationId' | 'limitFen' | 'expiresOn'
    >,
  ): Promise<LineRecord | undefined> {
    try {
      const [row] = await updateReturning(
        em,
        LINE,
        `insert into credit_lines as l (id, tenant_id, app_id, customer_ref, region, product_id, application_id, limit_fen, state, expires_on, repayment_account_cipher)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10) returning ${LINE.columns('l')}`,
        [l.id, l.tenantId, l.appId, l.customerRef, l.region, l.productId, l.applicationId, l.limitFen, l.expiresOn, l.repaymentAccountCipher],
      );
      return row;
    } catch (e) {
      if (uniqueViolation(e)) return undefined;
      throw e;
    }
  }

  async moveLine(em: EntityManager, id: string, from: LineState, to: LineState, reason: string | null): Promise<LineRecord | undefined> {
    const [row] = await updateReturning(
      em,
      LINE,
      `update credit_lines l set state = $3, state_reason = $4, updated_at = now(), version = l.version + 1 where l.id = $1 and l.state = $2 returning ${LINE.columns('l')}`,
      [id, from, to, reason],
    );
    return row;
  }

  /** Active lines that owe something due on or before `businessDate`, with the due date of the oldest. */
  linesWithDue(em: EntityManager, businessDate: string): Promise<{ lineId: string; oldestDue: string }[]> {
    return many(
      em,
      rowOf({ lineId: col.uuid(), oldestDue: col.date() }),
      `select l.line_id, min(i.due_date) as oldest_due from loan_installments i join loans l on l.id = i.loan_id
        where l.state = 'active' and i.state in ('billed', 'overdue') and i.due_date <= $1 group by l.line_id order by l.line_id`,
      [businessDate],
    );
  }

  /** Records an automatic debit attempt of a business date; false when that date was already attempted. */
  async recordDebitAttempt(
    em: EntityManager,
    tenantId: string,
    lineId: string,
    businessDate: string,
    amountFen: bigint,
    status: 'succeeded' | 'declined',
    reason: string | null,
  ): Promise<boolean> {
    return (
      (await execute(
        em,
        `insert into credit_debit_attempts (tenant_id, line_id, business_date, amount_fen, status, reason) values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
        [tenantId, lineId, businessDate, amountFen, status, reason],
      )) > 0
    );
  }

  debitAttempted(em: EntityManager, lineId: string, businessDate: string): Promise<boolean> {
    return query(em, `select 1 from credit_debit_attempts where line_id = $1 and business_date = $2`, [lineId, businessDate]).then((r) => r.rowCount > 0);
  }

  /**
   * Moves credit between available, held and drawn in one conditional UPDATE. The WHERE clause and
   * the table's check constraint both keep held + drawn ≤ limit and neither below zero: a hold that
   * would overdraw updates nothing (undefined), whatever runs concurrently.
   */
  async shift(em: EntityManager, id: string, heldDeltaFen: bigint, drawnDeltaFen: bigint): Promise<LineRecord | undefined> {
    const [row] = await updateReturning(
      em,
      LINE,
      `update credit_lines l set held_fen = l.held_fen + $2, drawn_fen = l.drawn_fen + $3, updated_at = now(), version = l.version + 1
       where l.id = $1 and l.held_fen + $2 >= 0 and l.drawn_fen + $3 >= 0 and l.held_fen + $2 + l.drawn_fen + $3 <= l.limit_fen
       returning ${LINE.columns('l')}`,
      [id, heldDeltaFen, drawnDeltaFen],
    );
    return row;
  }
}
