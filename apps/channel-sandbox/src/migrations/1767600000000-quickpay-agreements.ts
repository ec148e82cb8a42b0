import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * The county bank's record of quick-pay agreements (协议): signed when the platform binds a card,
 * revoked when the payer unbinds (解约). The bank refuses a payment on an agreement it does not
 * hold as active, whatever the platform believes.
 */
export class QuickpayAgreements1767600000000 implements MigrationInterface {
  name = 'QuickpayAgreements1767600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table core_quickpay_agreements (
        tenant_id text not null,
        agreement_id uuid not null,
        card_no text not null,
        status text not null check (status in ('active', 'revoked')),
        signed_at timestamptz not null default now(),
        revoked_at timestamptz,
        primary key (tenant_id, agreement_id),
        foreign key (tenant_id, card_no) references core_accounts (tenant_id, account_no)
      )`);
    for (const sql of tenantRlsSql('core_quickpay_agreements')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists core_quickpay_agreements');
  }
}
