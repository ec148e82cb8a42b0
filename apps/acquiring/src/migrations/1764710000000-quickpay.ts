import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@countypay/persistence';

/**
 * Card quick pay (快捷/协议支付): card agreements (the card number encrypted with the field
 * cipher, found by its blind index, shown as BIN + last 4; never CVV2, PIN or track data) and
 * SMS codes (only their keyed hash, bound to what they confirm). Tenant-owned, RLS FORCEd.
 */
export class Quickpay1764710000000 implements MigrationInterface {
  name = 'Quickpay1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table acq_card_agreements (
        id uuid primary key,
        tenant_id text not null,
        app_id text not null,
        card_ref text not null,
        card_cipher text not null,
        card_bin char(6) not null,
        card_last4 char(4) not null,
        mobile_cipher text not null,
        mobile_masked text not null,
        strength text not null check (strength in ('certificate_two_factor', 'two_factor', 'single_factor')),
        status text not null check (status in ('pending', 'active', 'revoked')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index acq_card_agreements_card on acq_card_agreements (tenant_id, card_ref)`);
    for (const sql of tenantRlsSql('acq_card_agreements')) await q.query(sql);
    await q.query(`
      create table acq_sms_codes (
        id uuid primary key,
        tenant_id text not null,
        card_ref text not null,
        binding text not null,
        code_hash text not null,
        expires_at timestamptz not null,
        wrong_tries int not null default 0,
        used_at timestamptz,
        sent_at timestamptz not null default now(),
        business_day date not null
      )`);
    await q.query(`create index acq_sms_codes_binding on acq_sms_codes (tenant_id, binding, sent_at desc)`);
    await q.query(`create index acq_sms_codes_card_day on acq_sms_codes (tenant_id, card_ref, business_day)`);
    for (const sql of tenantRlsSql('acq_sms_codes')) await q.query(sql);
    await q.query(`alter table acq_orders add column payer_ref text`);
    await q.query(`create index acq_orders_payer_day on acq_orders (tenant_id, business_day, payer_ref) where payer_ref is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table acq_orders drop column payer_ref`);
    await q.query('drop table if exists acq_sms_codes, acq_card_agreements');
  }
}
