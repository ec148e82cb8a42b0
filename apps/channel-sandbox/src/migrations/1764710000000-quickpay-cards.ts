import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/** The county core banking's record of who holds a debit card (the deposit account is the card number): checked when a card is bound for quick pay. */
export class QuickpayCards1764710000000 implements MigrationInterface {
  name = 'QuickpayCards1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table core_card_holders (
        tenant_id text not null,
        card_no text not null,
        id_number text not null,
        mobile text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, card_no),
        foreign key (tenant_id, card_no) references core_accounts (tenant_id, account_no)
      )`);
    for (const sql of tenantRlsSql('core_card_holders')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists core_card_holders');
  }
}
