import { QueryFailedError } from 'typeorm';
import { createTestSchema, type TestSchema } from '@countypay/testing';
import { inTenantTransaction, tenantRlsSql } from '@countypay/persistence';

describe('row-level security (real PostgreSQL, non-owner role)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rls', [
      `create table merchants (id serial primary key, tenant_id text not null, name text not null)`,
      ...tenantRlsSql('merchants'),
    ]);
    const ds = await db.appDataSource();
    await inTenantTransaction(ds, 't510121', (em) => em.query(`insert into merchants (tenant_id, name) values ('t510121', 'Jintang shop')`));
    await inTenantTransaction(ds, 't511381', (em) => em.query(`insert into merchants (tenant_id, name) values ('t511381', 'Other county shop')`));
  });

  afterAll(() => db.drop());

  it('a query that forgot its tenant filter returns only the current tenant’s rows', async () => {
    const ds = await db.appDataSource();
    const rows = await inTenantTransaction(ds, 't510121', (em) => em.query('select tenant_id, name from merchants'));
    expect(rows).toEqual([{ tenant_id: 't510121', name: 'Jintang shop' }]);
  });

  it('sees nothing at all without a tenant, or with an empty one (fail closed)', async () => {
    const ds = await db.appDataSource();
    expect(await ds.query('select * from merchants')).toEqual([]);
    const empty = await ds.transaction(async (em) => {
      await em.query(`select set_config('app.tenant_id', '', true)`);
      return em.query('select * from merchants');
    });
    expect(empty).toEqual([]);
  });

  it('refuses to write a row of another tenant, and cannot update or delete one', async () => {
    const ds = await db.appDataSource();
    await expect(inTenantTransaction(ds, 't510121', (em) => em.query(`insert into merchants (tenant_id, name) values ('t511381', 'sneaky')`))).rejects.toThrow(
      QueryFailedError,
    );
    const updated = await inTenantTransaction(ds, 't510121', (em) => em.query(`update merchants set name = 'x' where tenant_id = 't511381' returning id`));
    expect(updated[0]).toEqual([]);
    const stillThere = await db.admin((c) => c.query(`select name from merchants where tenant_id = 't511381'`));
    expect(stillThere.rows).toEqual([{ name: 'Other county shop' }]);
  });

  it('does not carry the tenant of one transaction into the next on a pooled connection', async () => {
    const ds = await db.appDataSource();
    await inTenantTransaction(ds, 't510121', (em) => em.query('select 1'));
    expect(await ds.query(`select coalesce(current_setting('app.tenant_id', true), '') as t`)).toEqual([{ t: '' }]);
  });
});
