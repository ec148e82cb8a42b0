import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MerchantStatus, StoreRef } from '@countypay/contracts';
import { col, one, rowOf, updateReturning, type RowType } from '@countypay/persistence';

/** A county's configuration as onboarding last announced it. `config` is the event's JSON (a `TenantConfig`). */
const TENANT_CONFIG = rowOf({
  tenantId: col.text(),
  name: col.text(),
  status: col.text<'active' | 'suspended'>(),
  config: col.json<unknown>(),
  version: col.int(),
  sourceEventId: col.uuid().nullable(),
  updatedAt: col.timestamp(),
});
export type TenantConfigRecord = RowType<typeof TENANT_CONFIG>;

/** A merchant as onboarding last announced it, with its stores and terminals. */
const MERCHANT = rowOf({
  merchantId: col.uuid(),
  legalName: col.text(),
  mcc: col.text(),
  city: col.text(),
  status: col.text<MerchantStatus>(),
  stores: col.json<StoreRef[]>(),
  version: col.int(),
});
export type MerchantView = RowType<typeof MERCHANT>;

const WRITTEN = rowOf({ version: col.int() });

/**
 * The only SQL of the onboarding read model, inside the caller's transaction (the consumer's, or
 * a tenant transaction). An upsert keeps the highest version: a replayed or overtaken event
 * changes nothing and answers false.
 */
@Injectable()
export class OnboardingReadModelRepository {
  async upsertTenantConfig(
    em: EntityManager,
    r: { tenantId: string; name: string; status: 'active' | 'suspended'; config: unknown; version: number; sourceEventId: string },
  ): Promise<boolean> {
    const written = await updateReturning(
      em,
      WRITTEN,
      `insert into tenant_configs (tenant_id, name, status, config, version, source_event_id) values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id) do update set name = excluded.name, status = excluded.status, config = excluded.config,
         version = excluded.version, source_event_id = excluded.source_event_id, updated_at = now()
       where tenant_configs.version < excluded.version
       returning version`,
      [r.tenantId, r.name, r.status, JSON.stringify(r.config), r.version, r.sourceEventId],
    );
    return written.length > 0;
  }

  /** The configuration of the transaction's tenant (the one its scope is bound to). */
  findTenantConfig(em: EntityManager): Promise<TenantConfigRecord | undefined> {
    return one(em, TENANT_CONFIG, `select ${TENANT_CONFIG.columns('t')} from tenant_configs t where t.tenant_id = current_setting('app.tenant_id', true)`);
  }

  async upsertMerchant(em: EntityManager, tenantId: string, m: MerchantView, sourceEventId: string): Promise<boolean> {
    const written = await updateReturning(
      em,
      WRITTEN,
      `insert into merchants (tenant_id, merchant_id, legal_name, mcc, city, status, stores, version, source_event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (tenant_id, merchant_id) do update set
         legal_name = excluded.legal_name, mcc = excluded.mcc, city = excluded.city, status = excluded.status,
         stores = excluded.stores, version = excluded.version, source_event_id = excluded.source_event_id, updated_at = now()
       where merchants.version < excluded.version
       returning version`,
      [tenantId, m.merchantId, m.legalName, m.mcc, m.city, m.status, JSON.stringify(m.stores), m.version, sourceEventId],
    );
    return written.length > 0;
  }

  /** The configuration of `tenantId`, named in the statement (and the transaction's tenant: RLS still applies). */
  findTenantConfigOf(em: EntityManager, tenantId: string): Promise<TenantConfigRecord | undefined> {
    return one(em, TENANT_CONFIG, `select ${TENANT_CONFIG.columns('t')} from tenant_configs t where t.tenant_id = $1`, [tenantId]);
  }

  /** A merchant of `tenantId`, named in the statement (and the transaction's tenant: RLS still applies). */
  findMerchantOf(em: EntityManager, tenantId: string, merchantId: string): Promise<MerchantView | undefined> {
    return one(em, MERCHANT, `select ${MERCHANT.columns('m')} from merchants m where m.tenant_id = $1 and m.merchant_id = $2`, [tenantId, merchantId]);
  }

  /** A merchant of the transaction's tenant (row-level security hides every other tenant's). */
  findMerchant(em: EntityManager, merchantId: string): Promise<MerchantView | undefined> {
    return one(em, MERCHANT, `select ${MERCHANT.columns('m')} from merchants m where m.merchant_id = $1`, [merchantId]);
  }
}
