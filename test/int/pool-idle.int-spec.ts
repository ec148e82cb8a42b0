import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createServiceDataSource } from '@countypay/persistence';
import { createTestSchema, type TestSchema } from '@countypay/testing';

// The pools' idle settings (issue 14, the stalls at 15/s): a connection above `min` closes only after
// the idle timeout, so the connections a burst opened serve the next burst instead of new backends.
describe('connection pool idle settings (real PostgreSQL)', () => {
  let db: TestSchema;
  const sources: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestSchema('pool', []);
  });

  afterAll(async () => {
    await Promise.all(sources.map((d) => d.destroy().catch(() => {})));
    await db.drop();
  });

  async function pool(idleTimeoutMs: number, poolMin: number): Promise<{ ds: DataSource; app: string }> {
    const app = `it-pool-${randomBytes(4).toString('hex')}`;
    const ds = createServiceDataSource({ url: db.appUrl, schema: db.schema, applicationName: app, poolSize: 4, idleTimeoutMs, poolMin });
    await ds.initialize();
    sources.push(ds);
    return { ds, app };
  }

  /** four statements at once: the pool opens four connections; their backends' pids */
  async function burst(ds: DataSource): Promise<number[]> {
    const rows = await Promise.all([0, 1, 2, 3].map(() => ds.query('select pg_backend_pid() as pid, pg_sleep(0.2)') as Promise<Array<{ pid: number }>>));
    return rows.map((r) => r[0]!.pid).sort();
  }

  const backends = async (app: string): Promise<number[]> =>
    (await db.adminQuery<{ pid: number }>(`select pid from pg_stat_activity where application_name = $1 order by pid`, [app])).map((r) => r.pid);

  it('closes idle connections above the minimum after the idle timeout, and keeps the minimum', async () => {
    const { ds, app } = await pool(300, 1);
    const opened = await burst(ds);
    expect(new Set(opened).size).toBe(4);
    expect(await backends(app)).toEqual(opened);
    await new Promise((r) => setTimeout(r, 1_500));
    const left = await backends(app);
    expect(left).toHaveLength(1);
    expect(opened).toContain(left[0]);
  });

  it('with a long idle timeout, the next burst reuses the backends the last one opened', async () => {
    const { ds, app } = await pool(60_000, 1);
    const first = await burst(ds);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await backends(app)).toEqual(first);
    expect(await burst(ds)).toEqual(first);
  });

  it('never keeps more than the pool size open, whatever the minimum', async () => {
    const { ds, app } = await pool(300, 50);
    await burst(ds);
    await Promise.all([0, 1, 2, 3, 4, 5].map(() => ds.query('select pg_sleep(0.05)')));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await backends(app)).toHaveLength(4);
  });
});
