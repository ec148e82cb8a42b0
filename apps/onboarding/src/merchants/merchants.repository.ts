import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { updatedRows } from '../common/sql';
import type { MerchantStatus } from '../domain/merchant-status';

export interface MerchantRow {
  merchant_id: string;
  tenant_id: string;
  partner_id: string | null;
  legal_name: string;
  uscc_ciphertext: string;
  legal_rep_name_ciphertext: string;
  legal_rep_id_number_ciphertext: string;
  phone_ciphertext: string;
  mcc: string;
  address: string;
  city: string;
  settlement_account_no_ciphertext: string;
  settlement_account_name_ciphertext: string;
  settlement_bank_name: string;
  status: MerchantStatus;
  status_reason: string | null;
  risk_level: 'low' | 'medium' | 'high';
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface StoreRow {
  store_id: string;
  tenant_id: string;
  merchant_id: string;
  name: string;
  status: 'active' | 'disabled';
  created_at: Date;
}

export interface TerminalRow {
  terminal_id: string;
  tenant_id: string;
  store_id: string;
  merchant_id: string;
  serial_no: string;
  status: 'active' | 'disabled';
  created_at: Date;
}

export interface NewMerchant {
  merchantId: string;
  tenantId: string;
  partnerId: string | null;
  legalName: string;
  usccCiphertext: string;
  usccIndex: string;
  legalRepNameCiphertext: string;
  legalRepIdNumberCiphertext: string;
  phoneCiphertext: string;
  mcc: string;
  address: string;
  city: string;
  accountNoCiphertext: string;
  accountNameCiphertext: string;
  bankName: string;
}

export interface MerchantChange {
  legalName?: string;
  phoneCiphertext?: string;
  mcc?: string;
  address?: string;
  city?: string;
  accountNoCiphertext?: string;
  accountNameCiphertext?: string;
  bankName?: string;
  status?: MerchantStatus;
  statusReason?: string | null;
}

const M = `merchant_id, tenant_id, partner_id, legal_name, uscc_ciphertext, legal_rep_name_ciphertext, legal_rep_id_number_ciphertext,
  phone_ciphertext, mcc, address, city, settlement_account_no_ciphertext, settlement_account_name_ciphertext, settlement_bank_name,
  status, status_reason, risk_level, version, created_at, updated_at`;
const S = 'store_id, tenant_id, merchant_id, name, status, created_at';
const T = 'terminal_id, tenant_id, store_id, merchant_id, serial_no, status, created_at';

/** Merchants, stores and terminals: tenant rows; RLS scopes every query to the transaction's tenant (or the province). */
@Injectable()
export class MerchantsRepository {
  async tenantStatus(em: EntityManager, tenantId: string): Promise<'active' | 'suspended' | undefined> {
    const rows: Array<{ status: 'active' | 'suspended' }> = await em.query(`select status from tenants where tenant_id = $1`, [tenantId]);
    return rows[0]?.status;
  }

  async partnerKind(em: EntityManager, partnerId: string): Promise<string | undefined> {
    const rows: Array<{ kind: string }> = await em.query(`select kind from partners where partner_id = $1`, [partnerId]);
    return rows[0]?.kind;
  }

  async insert(em: EntityManager, m: NewMerchant): Promise<MerchantRow> {
    const rows: MerchantRow[] = await em.query(
      `insert into merchants (merchant_id, tenant_id, partner_id, legal_name, uscc_ciphertext, uscc_index, legal_rep_name_ciphertext,
         legal_rep_id_number_ciphertext, phone_ciphertext, mcc, address, city, settlement_account_no_ciphertext,
         settlement_account_name_ciphertext, settlement_bank_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning ${M}`,
      [
        m.merchantId,
        m.tenantId,
        m.partnerId,
        m.legalName,
        m.usccCiphertext,
        m.usccIndex,
        m.legalRepNameCiphertext,
        m.legalRepIdNumberCiphertext,
        m.phoneCiphertext,
        m.mcc,
        m.address,
        m.city,
        m.accountNoCiphertext,
        m.accountNameCiphertext,
        m.bankName,
      ],
    );
    return rows[0] as MerchantRow;
  }

  async find(em: EntityManager, merchantId: string, forUpdate = false): Promise<MerchantRow | undefined> {
    const rows: MerchantRow[] = await em.query(`select ${M} from merchants where merchant_id = $1${forUpdate ? ' for update' : ''}`, [merchantId]);
    return rows[0];
  }

  async list(em: EntityManager, q: { partnerId?: string; status?: MerchantStatus; after?: [string, string]; limit: number }): Promise<MerchantRow[]> {
    return em.query(
      `select ${M} from merchants
        where ($1::uuid is null or partner_id = $1)
          and ($2::text is null or status = $2)
          and ($3::timestamptz is null or (date_trunc('milliseconds', created_at), merchant_id) > ($3::timestamptz, $4::uuid))
        order by date_trunc('milliseconds', created_at), merchant_id
        limit $5`,
      [q.partnerId ?? null, q.status ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
    );
  }

  /** Applies the given fields (the row is locked by the caller), version + 1. */
  async update(em: EntityManager, merchantId: string, c: MerchantChange): Promise<MerchantRow> {
    const res: unknown = await em.query(
      `update merchants set
          legal_name = coalesce($2, legal_name),
          phone_ciphertext = coalesce($3, phone_ciphertext),
          mcc = coalesce($4, mcc),
          address = coalesce($5, address),
          city = coalesce($6, city),
          settlement_account_no_ciphertext = coalesce($7, settlement_account_no_ciphertext),
          settlement_account_name_ciphertext = coalesce($8, settlement_account_name_ciphertext),
          settlement_bank_name = coalesce($9, settlement_bank_name),
          status = coalesce($10, status),
          status_reason = case when $11::boolean then $12 else status_reason end,
          version = version + 1,
          updated_at = now()
        where merchant_id = $1 returning ${M}`,
      [
        merchantId,
        c.legalName ?? null,
        c.phoneCiphertext ?? null,
        c.mcc ?? null,
        c.address ?? null,
        c.city ?? null,
        c.accountNoCiphertext ?? null,
        c.accountNameCiphertext ?? null,
        c.bankName ?? null,
        c.status ?? null,
        c.statusReason !== undefined,
        c.statusReason ?? null,
      ],
    );
    return updatedRows<MerchantRow>(res)[0] as MerchantRow;
  }

  async insertStore(em: EntityManager, s: { storeId: string; tenantId: string; merchantId: string; name: string }): Promise<StoreRow> {
    const rows: StoreRow[] = await em.query(`insert into stores (store_id, tenant_id, merchant_id, name) values ($1, $2, $3, $4) returning ${S}`, [s.storeId, s.tenantId, s.merchantId, s.name]);
    return rows[0] as StoreRow;
  }

  async findStore(em: EntityManager, storeId: string): Promise<StoreRow | undefined> {
    const rows: StoreRow[] = await em.query(`select ${S} from stores where store_id = $1`, [storeId]);
    return rows[0];
  }

  async storesOf(em: EntityManager, merchantId: string): Promise<StoreRow[]> {
    return em.query(`select ${S} from stores where merchant_id = $1 order by created_at, store_id`, [merchantId]);
  }

  async insertTerminal(em: EntityManager, t: { terminalId: string; tenantId: string; storeId: string; merchantId: string; serialNo: string }): Promise<TerminalRow> {
    const rows: TerminalRow[] = await em.query(
      `insert into terminals (terminal_id, tenant_id, store_id, merchant_id, serial_no) values ($1, $2, $3, $4, $5) returning ${T}`,
      [t.terminalId, t.tenantId, t.storeId, t.merchantId, t.serialNo],
    );
    return rows[0] as TerminalRow;
  }

  async terminalsOf(em: EntityManager, merchantId: string): Promise<TerminalRow[]> {
    return em.query(`select ${T} from terminals where merchant_id = $1 order by created_at, terminal_id`, [merchantId]);
  }
}
