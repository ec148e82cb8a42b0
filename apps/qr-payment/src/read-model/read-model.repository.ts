import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MerchantStatus, StoreRef, TenantConfig } from '@countypay/contracts';

export interface MerchantView {
  readonly merchantId: string;
  readonly legalName: string;
  readonly mcc: string;
  readonly city: string;
  readonly status: MerchantStatus;
  readonly stores: StoreRef[];
  readonly version: number;
}

export interface TenantConfigView {
  readonly status: 'active' | 'suspended';
  readonly config: TenantConfig;
  readonly version: number;
}

interface MerchantRow {
  merchant_id: string;
  legal_name: string;
  mcc: string;
  city: string;
  status: MerchantStatus;
  stores: StoreRef[];
  version: number;
}

/** The read models fed by onboarding events: an upsert keeps the highest version. */
@Injectable()
export class ReadModelRepository {
  async upsertMerchant(em: EntityManager, tenantId: string, m: MerchantView): Promise<void> {
    await em.query(
      `insert into merchants (tenant_id, merchant_id, legal_name, mcc, city, status, stores, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (tenant_id, merchant_id) do update set
         legal_name = excluded.legal_name, mcc = excluded.mcc, city = excluded.city, status = excluded.status,
         stores = excluded.stores, version = excluded.version, updated_at = now()
       where merchants.version < excluded.version`,
      [tenantId, m.merchantId, m.legalName, m.mcc, m.city, m.status, JSON.stringify(m.stores), m.version],
    );
  }

  async findMerchant(em: EntityManager, merchantId: string): Promise<MerchantView | undefined> {
    const rows: MerchantRow[] = await em.query(
      `select merchant_id, legal_name, mcc, city, status, stores, version from merchants where merchant_id = $1`,
      [merchantId],
    );
    const r = rows[0];
    return r && { merchantId: r.merchant_id, legalName: r.legal_name, mcc: r.mcc, city: r.city, status: r.status, stores: r.stores, version: r.version };
  }

  async upsertTenantConfig(em: EntityManager, tenantId: string, view: TenantConfigView): Promise<void> {
    await em.query(
      `insert into tenant_configs (tenant_id, status, config, version) values ($1, $2, $3, $4)
       on conflict (tenant_id) do update set status = excluded.status, config = excluded.config,
         version = excluded.version, updated_at = now()
       where tenant_configs.version < excluded.version`,
      [tenantId, view.status, JSON.stringify(view.config), view.version],
    );
  }

  async findTenantConfig(em: EntityManager): Promise<TenantConfigView | undefined> {
    const rows: Array<{ status: 'active' | 'suspended'; config: TenantConfig; version: number }> = await em.query(
      `select status, config, version from tenant_configs where tenant_id = current_setting('app.tenant_id', true)`,
    );
    return rows[0];
  }
}
