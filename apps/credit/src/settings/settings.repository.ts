import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, many, one, updateReturning, rowOf, type RowType } from '@countypay/persistence';

const SETTINGS = rowOf({
  tenantId: col.text(),
  aprCeilingBp: col.int(),
  unsecuredCapFen: col.bigint(),
  freezeAfterDays: col.int(),
  businessDate: col.date(),
  updatedAt: col.timestamp(),
});
export type CreditSettingsRecord = RowType<typeof SETTINGS>;

/** The only SQL of the per-tenant credit settings and business clock. */
@Injectable()
export class SettingsRepository {
  /** The tenant's row, created with the defaults (and `today` as its business date) on first use; locked when asked. */
  async ensure(em: EntityManager, tenantId: string, today: string, o: { lock?: boolean } = {}): Promise<CreditSettingsRecord> {
    await execute(em, `insert into credit_settings (tenant_id, business_date) values ($1, $2) on conflict (tenant_id) do nothing`, [tenantId, today]);
    const row = await one(em, SETTINGS, `select ${SETTINGS.columns('s')} from credit_settings s where s.tenant_id = $1 ${o.lock ? 'for update' : ''}`, [
      tenantId,
    ]);
    if (!row) throw new Error(`credit settings of ${tenantId} vanished`);
    return row;
  }

  /** The tenant's row if it has one (reads never create it). */
  async find(em: EntityManager, tenantId: string): Promise<CreditSettingsRecord | undefined> {
    return (await one(em, SETTINGS, `select ${SETTINGS.columns('s')} from credit_settings s where s.tenant_id = $1`, [tenantId])) ?? undefined;
  }

  async update(
    em: EntityManager,
    tenantId: string,
    c: { aprCeilingBp?: number; unsecuredCapFen?: bigint; freezeAfterDays?: number; businessDate?: string },
  ): Promise<CreditSettingsRecord> {
    const [row] = await updateReturning(
      em,
      SETTINGS,
      `update credit_settings s set apr_ceiling_bp = coalesce($2, s.apr_ceiling_bp), unsecured_cap_fen = coalesce($3, s.unsecured_cap_fen),
         freeze_after_days = coalesce($4, s.freeze_after_days), business_date = coalesce($5::date, s.business_date), updated_at = now()
       where s.tenant_id = $1 returning ${SETTINGS.columns('s')}`,
      [tenantId, c.aprCeilingBp ?? null, c.unsecuredCapFen ?? null, c.freezeAfterDays ?? null, c.businessDate ?? null],
    );
    if (!row) throw new Error(`credit settings of ${tenantId} vanished`);
    return row;
  }

  /** The last business date whose daily jobs completed (classification is the last job of a date). */
  async lastCompletedDate(em: EntityManager): Promise<string | undefined> {
    const r = await one(em, rowOf({ d: col.date().nullable() }), `select max(business_date) as d from credit_job_runs where job = 'classification'`);
    return r?.d ?? undefined;
  }

  /** Every tenant with credit settings (province scope: the daily jobs). */
  all(em: EntityManager): Promise<CreditSettingsRecord[]> {
    return many(em, SETTINGS, `select ${SETTINGS.columns('s')} from credit_settings s order by s.tenant_id`);
  }
}
