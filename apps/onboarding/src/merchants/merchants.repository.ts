import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PartnerKind } from '@countypay/contracts';
import { col, Keyset, many, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { SettlementAccountType } from '../domain/merchant-kyc';
import type { MerchantStatus } from '../domain/merchant-status';
import type { ActivityStatus } from '../domain/state-machine';

const MERCHANT = rowOf({
  merchantId: col.uuid(),
  tenantId: col.text(),
  partnerId: col.uuid().nullable(),
  legalName: col.text(),
  usccCiphertext: col.text(),
  legalRepNameCiphertext: col.text(),
  legalRepIdNumberCiphertext: col.text(),
  phoneCiphertext: col.text(),
  mcc: col.text(),
  address: col.text(),
  city: col.text(),
  settlementAccountType: col.text<SettlementAccountType>(),
  settlementAccountNoCiphertext: col.text(),
  settlementAccountNameCiphertext: col.text(),
  settlementBankName: col.text(),
  status: col.text<MerchantStatus>(),
  statusReason: col.text().nullable(),
  riskLevel: col.text<'low' | 'medium' | 'high'>(),
  version: col.int(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type MerchantRecord = RowType<typeof MERCHANT>;

const STORE = rowOf({
  storeId: col.uuid(),
  tenantId: col.text(),
  merchantId: col.uuid(),
  name: col.text(),
  status: col.text<'active' | 'disabled'>(),
  createdAt: col.timestamp(),
});
export type StoreRecord = RowType<typeof STORE>;

const TERMINAL = rowOf({
  terminalId: col.uuid(),
  tenantId: col.text(),
  storeId: col.uuid(),
  merchantId: col.uuid(),
  serialNo: col.text(),
  status: col.text<'active' | 'disabled'>(),
  createdAt: col.timestamp(),
});
export type TerminalRecord = RowType<typeof TERMINAL>;

const TENANT_STATUS = rowOf({ status: col.text<ActivityStatus>() });
const PARTNER_KIND = rowOf({ kind: col.text<PartnerKind>() });

export const MERCHANTS_NEWEST_FIRST = new Keyset(
  'merchants',
  [
    { sql: 'm.created_at', type: 'timestamp' },
    { sql: 'm.merchant_id', type: 'uuid' },
  ],
  'desc',
);

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
  accountType: SettlementAccountType;
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
  accountType?: SettlementAccountType;
  accountNoCiphertext?: string;
  accountNameCiphertext?: string;
  bankName?: string;
  status?: MerchantStatus;
  statusReason?: string | null;
}

/** Merchants, stores and terminals: tenant rows; RLS scopes every query to the transaction's tenant (or the province). */
@Injectable()
export class MerchantsRepository {
  async tenantStatus(em: EntityManager, tenantId: string): Promise<ActivityStatus | undefined> {
    return (await one(em, TENANT_STATUS, `select t.status from tenants t where t.tenant_id = $1`, [tenantId]))?.status;
  }

  async partnerKind(em: EntityManager, partnerId: string): Promise<PartnerKind | undefined> {
    return (await one(em, PARTNER_KIND, `select p.kind from partners p where p.partner_id = $1`, [partnerId]))?.kind;
  }

  async insert(em: EntityManager, m: NewMerchant): Promise<MerchantRecord> {
    const [row] = await updateReturning(
      em,
      MERCHANT,
      `insert into merchants (merchant_id, tenant_id, partner_id, legal_name, uscc_ciphertext, uscc_index, legal_rep_name_ciphertext,
         legal_rep_id_number_ciphertext, phone_ciphertext, mcc, address, city, settlement_account_type, settlement_account_no_ciphertext,
         settlement_account_name_ciphertext, settlement_bank_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning ${MERCHANT.columns()}`,
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
        m.accountType,
        m.accountNoCiphertext,
        m.accountNameCiphertext,
        m.bankName,
      ],
    );
    return row!;
  }

  find(em: EntityManager, merchantId: string, forUpdate = false): Promise<MerchantRecord | undefined> {
    return one(em, MERCHANT, `select ${MERCHANT.columns('m')} from merchants m where m.merchant_id = $1${forUpdate ? ' for update' : ''}`, [merchantId]);
  }

  list(em: EntityManager, filter: { partnerId?: string; status?: MerchantStatus }, page: PageRequest): Promise<Page<MerchantRecord>> {
    const where = new Where().add('m.partner_id = ?::uuid', filter.partnerId).add('m.status = ?', filter.status);
    return pageQuery(em, MERCHANT, { from: 'merchants m', where, keyset: MERCHANTS_NEWEST_FIRST, page });
  }

  /** Applies the given fields to a row the caller has locked, version + 1. */
  async update(em: EntityManager, merchantId: string, c: MerchantChange): Promise<MerchantRecord> {
    const [row] = await updateReturning(
      em,
      MERCHANT,
      `update merchants m set
          legal_name = coalesce($2, m.legal_name),
          phone_ciphertext = coalesce($3, m.phone_ciphertext),
          mcc = coalesce($4, m.mcc),
          address = coalesce($5, m.address),
          city = coalesce($6, m.city),
          settlement_account_type = coalesce($7, m.settlement_account_type),
          settlement_account_no_ciphertext = coalesce($8, m.settlement_account_no_ciphertext),
          settlement_account_name_ciphertext = coalesce($9, m.settlement_account_name_ciphertext),
          settlement_bank_name = coalesce($10, m.settlement_bank_name),
          status = coalesce($11, m.status),
          status_reason = case when $12::boolean then $13 else m.status_reason end,
          version = m.version + 1,
          updated_at = now()
        where m.merchant_id = $1 returning ${MERCHANT.columns('m')}`,
      [
        merchantId,
        c.legalName ?? null,
        c.phoneCiphertext ?? null,
        c.mcc ?? null,
        c.address ?? null,
        c.city ?? null,
        c.accountType ?? null,
        c.accountNoCiphertext ?? null,
        c.accountNameCiphertext ?? null,
        c.bankName ?? null,
        c.status ?? null,
        c.statusReason !== undefined,
        c.statusReason ?? null,
      ],
    );
    return row!;
  }

  async insertStore(em: EntityManager, s: { storeId: string; tenantId: string; merchantId: string; name: string }): Promise<StoreRecord> {
    const [row] = await updateReturning(
      em,
      STORE,
      `insert into stores (store_id, tenant_id, merchant_id, name) values ($1, $2, $3, $4) returning ${STORE.columns()}`,
      [s.storeId, s.tenantId, s.merchantId, s.name],
    );
    return row!;
  }

  findStore(em: EntityManager, storeId: string): Promise<StoreRecord | undefined> {
    return one(em, STORE, `select ${STORE.columns('s')} from stores s where s.store_id = $1`, [storeId]);
  }

  storesOf(em: EntityManager, merchantId: string): Promise<StoreRecord[]> {
    return many(em, STORE, `select ${STORE.columns('s')} from stores s where s.merchant_id = $1 order by s.created_at, s.store_id`, [merchantId]);
  }

  async insertTerminal(
    em: EntityManager,
    t: { terminalId: string; tenantId: string; storeId: string; merchantId: string; serialNo: string },
  ): Promise<TerminalRecord> {
    const [row] = await updateReturning(
      em,
      TERMINAL,
      `insert into terminals (terminal_id, tenant_id, store_id, merchant_id, serial_no) values ($1, $2, $3, $4, $5) returning ${TERMINAL.columns()}`,
      [t.terminalId, t.tenantId, t.storeId, t.merchantId, t.serialNo],
    );
    return row!;
  }

  terminalsOf(em: EntityManager, merchantId: string): Promise<TerminalRecord[]> {
    return many(em, TERMINAL, `select ${TERMINAL.columns('t')} from terminals t where t.merchant_id = $1 order by t.created_at, t.terminal_id`, [merchantId]);
  }
}
