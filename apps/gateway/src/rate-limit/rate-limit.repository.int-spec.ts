import { createTestSchema, type TestSchema } from '@countypay/testing';
import { gatewayTablesSql } from '../migrations/1764202000000-gateway-tables';
import { WINDOW_MS, windowStart } from '../domain/rate-window';
import { RateLimitRepository } from './rate-limit.repository';

describe('RateLimitRepository (real PostgreSQL, two gateway instances)', () => {
  let db: TestSchema;
  let a: RateLimitRepository;
  let b: RateLimitRepository;

  beforeAll(async () => {
    db = await createTestSchema('gw_rate', gatewayTablesSql());
    a = new RateLimitRepository(await db.appDataSource());
    b = new RateLimitRepository(await db.appDataSource());
  });
  afterAll(() => db.drop());

  it('counts hits of both instances in one window, per bucket', async () => {
    const w = windowStart(Date.parse('2026-11-27T10:00:30Z'));
    const buckets = ['app:app_aaaaaaaaaaaaaaaaaaaa', 'tenant'];
    const hits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).hit('t510121', buckets, w, WINDOW_MS)));
    const appCounts = hits.map((h) => h.get('app:app_aaaaaaaaaaaaaaaaaaaa')!.current).sort((x, y) => x - y);
    expect(appCounts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const last = await a.hit('t510121', ['app:app_bbbbbbbbbbbbbbbbbbbb', 'tenant'], w, WINDOW_MS);
    expect(last.get('tenant')).toEqual({ current: 11, previous: 0 });
    expect(last.get('app:app_bbbbbbbbbbbbbbbbbbbb')).toEqual({ current: 1, previous: 0 });
  });

  it('returns the previous window beside the current one', async () => {
    const w = windowStart(Date.parse('2026-11-27T11:00:30Z'));
    for (let i = 0; i < 3; i += 1) await a.hit('t510129', ['tenant'], w, WINDOW_MS);
    const next = await b.hit('t510129', ['tenant'], w + WINDOW_MS, WINDOW_MS);
    expect(next.get('tenant')).toEqual({ current: 1, previous: 3 });
  });
});
