import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provinceRlsSql } from '@countypay/persistence';

/**
 * Card agreements (issue 8):
 * - `unbinding`: the payer asked to unbind; the county bank has not confirmed the revocation yet
 *   (a job retries it). Paying is refused from the moment the payer asks.
 * - the payment password (支付密码) that may replace the SMS code of a quick payment: only its
 *   scrypt hash (salted, slow), the consecutive wrong tries (5 lock it until it is set again with
 *   an SMS code) and when it was set.
 * - the province scope policy, so the retry job finds `unbinding` agreements across counties (each
 *   is then handled in its own county's transaction).
 */
export class AgreementRevocationAndPassword1767600100000 implements MigrationInterface {
  name = 'AgreementRevocationAndPassword1767600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table acq_card_agreements drop constraint acq_card_agreements_status_check`);
    await q.query(
      `alter table acq_card_agreements add constraint acq_card_agreements_status_check check (status in ('pending', 'active', 'unbinding', 'revoked'))`,
    );
    await q.query(`alter table acq_card_agreements add column pay_password_hash text`);
    await q.query(`alter table acq_card_agreements add column pay_password_wrong_tries int not null default 0`);
    await q.query(`alter table acq_card_agreements add column pay_password_set_at timestamptz`);
    await q.query(`create index acq_card_agreements_unbinding on acq_card_agreements (updated_at) where status = 'unbinding'`);
    for (const sql of provinceRlsSql('acq_card_agreements')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop policy if exists province_scope on acq_card_agreements`);
    await q.query(`drop index if exists acq_card_agreements_unbinding`);
    await q.query(`update acq_card_agreements set status = 'active' where status = 'unbinding'`);
    await q.query(`alter table acq_card_agreements drop column pay_password_hash, drop column pay_password_wrong_tries, drop column pay_password_set_at`);
    await q.query(`alter table acq_card_agreements drop constraint acq_card_agreements_status_check`);
    await q.query(`alter table acq_card_agreements add constraint acq_card_agreements_status_check check (status in ('pending', 'active', 'revoked'))`);
  }
}
