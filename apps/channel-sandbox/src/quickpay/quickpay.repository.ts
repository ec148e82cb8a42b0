import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';

export interface CardRecord {
  holderName: string;
  status: string;
  idNumber: string | null;
  mobile: string | null;
}

const AGREEMENT = rowOf({
  agreementId: col.uuid(),
  cardNo: col.text(),
  status: col.text<'active' | 'revoked'>(),
  signedAt: col.timestamp(),
  revokedAt: col.timestamp().nullable(),
});
export type BankAgreementRecord = RowType<typeof AGREEMENT>;

/** The only SQL of the core banking's card holders and quick-pay agreements. */
@Injectable()
export class QuickpayRepository {
  async accountExists(em: EntityManager, accountNo: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`select 1 from core_accounts where account_no = $1`, [accountNo]);
    return rows.length > 0;
  }

  async upsertHolder(em: EntityManager, tenantId: string, h: { cardNo: string; idNumber: string; mobile: string }): Promise<void> {
    await em.query(
      `insert into core_card_holders (tenant_id, card_no, id_number, mobile) values ($1, $2, $3, $4)
       on conflict (tenant_id, card_no) do update set id_number = excluded.id_number, mobile = excluded.mobile`,
      [tenantId, h.cardNo, h.idNumber, h.mobile],
    );
  }

  async findCard(em: EntityManager, cardNo: string): Promise<CardRecord | undefined> {
    const rows: Array<{ holder_name: string; status: string; id_number: string | null; mobile: string | null }> = await em.query(
      `select a.holder_name, a.status, h.id_number, h.mobile from core_accounts a
         left join core_card_holders h on h.tenant_id = a.tenant_id and h.card_no = a.account_no
        where a.account_no = $1`,
      [cardNo],
    );
    const r = rows[0];
    return r && { holderName: r.holder_name, status: r.status, idNumber: r.id_number, mobile: r.mobile };
  }

  /** Signs (agreement, card) once; a repeat answers the agreement as it is (the caller checks the card). */
  async signAgreement(em: EntityManager, tenantId: string, agreementId: string, cardNo: string): Promise<BankAgreementRecord> {
    const [inserted] = await updateReturning(
      em,
      AGREEMENT,
      `insert into core_quickpay_agreements (tenant_id, agreement_id, card_no, status) values ($1, $2, $3, 'active')
       on conflict (tenant_id, agreement_id) do nothing returning ${AGREEMENT.columns()}`,
      [tenantId, agreementId, cardNo],
    );
    const row = inserted ?? (await this.findAgreement(em, agreementId));
    if (!row) throw new Error(`agreement ${agreementId} vanished`);
    return row;
  }

  findAgreement(em: EntityManager, agreementId: string, opts: { lock?: boolean } = {}): Promise<BankAgreementRecord | undefined> {
    return one(em, AGREEMENT, `select ${AGREEMENT.columns('g')} from core_quickpay_agreements g where g.agreement_id = $1${opts.lock ? ' for update' : ''}`, [
      agreementId,
    ]);
  }

  /** active → revoked, once; undefined when it was not active. */
  async revokeAgreement(em: EntityManager, agreementId: string): Promise<BankAgreementRecord | undefined> {
    const [row] = await updateReturning(
      em,
      AGREEMENT,
      `update core_quickpay_agreements g set status = 'revoked', revoked_at = now() where g.agreement_id = $1 and g.status = 'active'
       returning ${AGREEMENT.columns('g')}`,
      [agreementId],
    );
    return row;
  }
}
