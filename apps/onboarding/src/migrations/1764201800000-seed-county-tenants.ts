import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNTIES as counties } from '@countypay/contracts';
import { setScope } from '@countypay/persistence';

/** Seeds the 99 county legal entities (tenants/seed/counties.json); existing rows are kept. */
export class SeedCountyTenants1764201800000 implements MigrationInterface {
  name = 'SeedCountyTenants1764201800000';

  async up(q: QueryRunner): Promise<void> {
    // FORCE row-level security binds the table owner too: insert in the province scope
    await setScope(q, 'province');
    for (const c of counties) {
      await q.query(
        `insert into tenants (tenant_id, code, name, short_name, name_en, kind, county, prefecture, prefecture_code, province, timezone)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (tenant_id) do nothing`,
        [c.tenantId, c.code, c.name, c.shortName, c.nameEn, c.kind, c.county, c.prefecture, c.prefectureCode, c.province, c.timezone],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await setScope(q, 'province');
    await q.query('delete from tenants where tenant_id = any($1)', [counties.map((c) => c.tenantId)]);
  }
}
