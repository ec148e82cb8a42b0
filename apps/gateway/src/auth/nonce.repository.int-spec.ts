import type { DataSource } from 'typeorm';
import { createTestSchema, type TestSchema } from '@countypay/testing';
import { gatewayTablesSql } from '../migrations/1764202000000-gateway-tables';
import { PurgeRepository } from '../rate-limit/purge.repository';
import { NonceRepository } from './nonce.repository';

describe('NonceRepository (real PostgreSQL, two gateway instances)', () => {
  let db: TestSchema;
  let a: NonceRepository;
  let b: NonceRepository;
  let dsA: DataSource;

  beforeAll(async () => {
    db = await createTestSchema('gw_nonce', gatewayTablesSql());
    dsA = await db.appDataSource();
    a = new NonceRepository(dsA);
    b = new NonceRepository(await db.appDataSource());
  });
  afterAll(() => db.drop());

  it('accepts a nonce once and refuses it on the other instance', async () => {
    expect(await a.remember('t510121', 'app_aaaaaaaaaaaaaaaaaaaa', 'nonce-0001')).toBe(true);
    expect(await b.remember('t510121', 'app_aaaaaaaaaaaaaaaaaaaa', 'nonce-0001')).toBe(false);
    expect(await a.remember('t510121', 'app_aaaaaaaaaaaaaaaaaaaa', 'nonce-0001')).toBe(false);
  });

  it('scopes nonces per app and tenant', async () => {
    expect(await a.remember('t510121', 'app_bbbbbbbbbbbbbbbbbbbb', 'nonce-0001')).toBe(true);
    expect(await a.remember('t510129', 'app_aaaaaaaaaaaaaaaaaaaa', 'nonce-0001')).toBe(true);
  });

  it('lets exactly one of many concurrent requests with the same nonce through', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).remember('t510121', 'app_cccccccccccccccccccc', 'race-nonce-1')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('takes over an expired nonce and purges expired ones', async () => {
    expect(await a.remember('t510121', 'app_dddddddddddddddddddd', 'short-lived', 0)).toBe(true);
    expect(await b.remember('t510121', 'app_dddddddddddddddddddd', 'short-lived', 0)).toBe(true);
    expect(await a.remember('t510121', 'app_dddddddddddddddddddd', 'another-one', 0)).toBe(true);
    const purged = await new PurgeRepository(dsA).purgeExpired();
    expect(purged.nonces).toBeGreaterThanOrEqual(2);
    const left = await db.admin((c) => c.query(`select count(*)::int as n from request_nonces where app_id = 'app_dddddddddddddddddddd'`));
    expect(left.rows[0].n).toBe(0);
  });
});
