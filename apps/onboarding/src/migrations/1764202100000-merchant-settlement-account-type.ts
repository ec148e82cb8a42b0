import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's settlement account has a type: a debit card (a card number, Luhn-checked) or a
 * corporate account (对公账户, a bank account number without a card check digit). Until now every
 * settlement account was validated as a card number, so the existing ones are debit cards; new
 * merchants always state the type (no default).
 */
export class MerchantSettlementAccountType1764202100000 implements MigrationInterface {
  name = 'MerchantSettlementAccountType1764202100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table merchants add column settlement_account_type text not null default 'debit_card'
      constraint merchants_settlement_account_type_check check (settlement_account_type in ('debit_card', 'corporate_account'))`);
    await q.query('alter table merchants alter column settlement_account_type drop default');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table merchants drop column settlement_account_type');
  }
}
