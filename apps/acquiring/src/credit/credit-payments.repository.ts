import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';

export type HoldState = 'none' | 'held' | 'captured' | 'released';

const CREDIT_PAYMENT = rowOf({
  orderId: col.uuid(),
  tenantId: col.text(),
  lineId: col.uuid(),
  consentedAt: col.timestamp().nullable(),
  installments: col.int().nullable(),
  holdId: col.uuid().nullable(),
  holdState: col.text<HoldState>(),
  loanId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type CreditPaymentRecord = RowType<typeof CREDIT_PAYMENT>;

/** The only SQL of an order's credit payment (line, consent, hold). */
@Injectable()
export class CreditPaymentsRepository {
  find(em: EntityManager, orderId: string, opts: { lock?: boolean } = {}): Promise<CreditPaymentRecord | undefined> {
    return one(em, CREDIT_PAYMENT, `select ${CREDIT_PAYMENT.columns('c')} from acq_credit_payments c where c.order_id = $1${opts.lock ? ' for update' : ''}`, [
      orderId,
    ]);
  }

  /** The payer named a line (before the consent code); a new line replaces an earlier one while nothing is held. */
  async nameLine(em: EntityManager, tenantId: string, orderId: string, lineId: string): Promise<boolean> {
    const r = await updateReturning(
      em,
      CREDIT_PAYMENT,
      `insert into acq_credit_payments as c (order_id, tenant_id, line_id) values ($1, $2, $3)
       on conflict (order_id) do update set line_id = excluded.line_id, consented_at = null, updated_at = now()
         where c.hold_state in ('none', 'released')
       returning ${CREDIT_PAYMENT.columns('c')}`,
      [orderId, tenantId, lineId],
    );
    return r.length > 0;
  }

  async consent(em: EntityManager, orderId: string, lineId: string): Promise<void> {
    await execute(em, `update acq_credit_payments set consented_at = now(), updated_at = now() where order_id = $1 and line_id = $2`, [orderId, lineId]);
  }

  /** S2S: the partner's app names the line it owns; consent is the partner's (its own UI). */
  async nameConsentedLine(em: EntityManager, tenantId: string, orderId: string, lineId: string): Promise<boolean> {
    const r = await updateReturning(
      em,
      CREDIT_PAYMENT,
      `insert into acq_credit_payments as c (order_id, tenant_id, line_id, consented_at) values ($1, $2, $3, now())
       on conflict (order_id) do update set line_id = excluded.line_id, consented_at = now(), updated_at = now()
         where c.hold_state in ('none', 'released')
       returning ${CREDIT_PAYMENT.columns('c')}`,
      [orderId, tenantId, lineId],
    );
    return r.length > 0;
  }

  async held(em: EntityManager, orderId: string, holdId: string, installments: number): Promise<void> {
    await execute(em, `update acq_credit_payments set hold_id = $2, installments = $3, hold_state = 'held', updated_at = now() where order_id = $1`, [
      orderId,
      holdId,
      installments,
    ]);
  }

  async move(em: EntityManager, orderId: string, to: 'captured' | 'released', loanId: string | null = null): Promise<void> {
    await execute(em, `update acq_credit_payments set hold_state = $2, loan_id = coalesce($3, loan_id), updated_at = now() where order_id = $1`, [
      orderId,
      to,
      loanId,
    ]);
  }
}
