import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, many, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';
import type { VerificationStrength } from '../domain/quickpay-limits';

export type AgreementStatus = 'pending' | 'active' | 'unbinding' | 'revoked';

const AGREEMENT = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  appId: col.text(),
  cardRef: col.text(),
  cardCipher: col.text(),
  cardBin: col.text(),
  cardLast4: col.text(),
  mobileCipher: col.text(),
  mobileMasked: col.text(),
  strength: col.text<VerificationStrength>(),
  status: col.text<AgreementStatus>(),
  payPasswordHash: col.text().nullable(),
  payPasswordWrongTries: col.int(),
  payPasswordSetAt: col.timestamp().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type AgreementRecord = RowType<typeof AGREEMENT>;

const CODE = rowOf({
  id: col.uuid(),
  cardRef: col.text(),
  binding: col.text(),
  codeHash: col.text(),
  expiresAt: col.timestamp(),
  wrongTries: col.int(),
  usedAt: col.timestamp().nullable(),
  sentAt: col.timestamp(),
});
export type SmsCodeRecord = RowType<typeof CODE>;
const COUNT = rowOf({ n: col.int() });
const REF = rowOf({ id: col.uuid(), tenantId: col.text() });

/** The only SQL of card agreements and SMS codes. */
@Injectable()
export class QuickpayRepository {
  async insertAgreement(
    em: EntityManager,
    a: Omit<AgreementRecord, 'createdAt' | 'updatedAt' | 'payPasswordHash' | 'payPasswordWrongTries' | 'payPasswordSetAt'>,
  ): Promise<AgreementRecord> {
    const [row] = await updateReturning(
      em,
      AGREEMENT,
      `insert into acq_card_agreements (id, tenant_id, app_id, card_ref, card_cipher, card_bin, card_last4, mobile_cipher, mobile_masked, strength, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${AGREEMENT.columns()}`,
      [a.id, a.tenantId, a.appId, a.cardRef, a.cardCipher, a.cardBin, a.cardLast4, a.mobileCipher, a.mobileMasked, a.strength, a.status],
    );
    if (!row) throw new Error('agreement not inserted');
    return row;
  }

  findAgreement(em: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<AgreementRecord | undefined> {
    return one(em, AGREEMENT, `select ${AGREEMENT.columns('a')} from acq_card_agreements a where a.id = $1${opts.lock ? ' for update' : ''}`, [id]);
  }

  async setAgreementStatus(em: EntityManager, id: string, from: AgreementStatus, to: AgreementStatus): Promise<AgreementRecord | undefined> {
    const [row] = await updateReturning(
      em,
      AGREEMENT,
      `update acq_card_agreements a set status = $3, updated_at = now() where a.id = $1 and a.status = $2 returning ${AGREEMENT.columns('a')}`,
      [id, from, to],
    );
    return row;
  }

  async insertCode(
    em: EntityManager,
    c: { id: string; tenantId: string; cardRef: string; binding: string; codeHash: string; expiresAt: Date; businessDay: string },
  ): Promise<void> {
    await execute(em, `insert into acq_sms_codes (id, tenant_id, card_ref, binding, code_hash, expires_at, business_day) values ($1, $2, $3, $4, $5, $6, $7)`, [
      c.id,
      c.tenantId,
      c.cardRef,
      c.binding,
      c.codeHash,
      c.expiresAt,
      c.businessDay,
    ]);
  }

  /** The latest code sent for `binding` (a resend replaces the earlier ones). */
  latestCode(em: EntityManager, binding: string, opts: { lock?: boolean } = {}): Promise<SmsCodeRecord | undefined> {
    return one(
      em,
      CODE,
      `select ${CODE.columns('c')} from acq_sms_codes c where c.binding = $1 order by c.sent_at desc limit 1${opts.lock ? ' for update' : ''}`,
      [binding],
    );
  }

  async sendsToday(em: EntityManager, cardRef: string, businessDay: string): Promise<number> {
    return (
      (await one(em, COUNT, `select count(*)::int as n from acq_sms_codes c where c.card_ref = $1 and c.business_day = $2`, [cardRef, businessDay]))?.n ?? 0
    );
  }

  async recordTry(em: EntityManager, id: string, wrongTries: number, used: boolean): Promise<void> {
    await execute(em, `update acq_sms_codes set wrong_tries = $2, used_at = case when $3 then now() else used_at end where id = $1`, [id, wrongTries, used]);
  }

  // ---- unbinding (解约) and the payment password

  /** Agreements whose revocation the county bank has not confirmed since before `before`, across tenants (province scope). */
  findUnbinding(em: EntityManager, before: Date, limit: number): Promise<Array<RowType<typeof REF>>> {
    return many(
      em,
      REF,
      `select a.id, a.tenant_id from acq_card_agreements a where a.status = 'unbinding' and a.updated_at <= $1 order by a.updated_at limit $2`,
      [before, limit],
    );
  }

  /** Notes another revocation attempt (the job's next try waits from here). */
  async touch(em: EntityManager, id: string): Promise<void> {
    await execute(em, `update acq_card_agreements set updated_at = now() where id = $1`, [id]);
  }

  async setPayPassword(em: EntityManager, id: string, hash: string): Promise<AgreementRecord | undefined> {
    const [row] = await updateReturning(
      em,
      AGREEMENT,
      `update acq_card_agreements a set pay_password_hash = $2, pay_password_wrong_tries = 0, pay_password_set_at = now(), updated_at = now()
        where a.id = $1 returning ${AGREEMENT.columns('a')}`,
      [id, hash],
    );
    return row;
  }

  async recordPayPasswordTry(em: EntityManager, id: string, wrongTries: number): Promise<void> {
    await execute(em, `update acq_card_agreements set pay_password_wrong_tries = $2 where id = $1`, [id, wrongTries]);
  }
}
