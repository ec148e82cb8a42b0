/**
 * The ops console's daily payment stats against the real PostgreSQL (own schema, non-owner role,
 * RLS): orders written straight into payment_orders with known times and states, read back through
 * the HTTP API as the gateway forwards a county operator, a province operator naming a county and
 * the province over every county.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '@countypay/service-kit';
import { startTestService, testActors, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { OpsStatsModule } from './ops-stats.module';

const T1 = 't510121';
const T2 = 't511381';
const DAY = '2026-11-20';
let svc: TestService;

/** An order created at `createdAt` (ISO, with zone), paid `paidAfterMs` later when succeeded. */
async function order(tenantId: string, createdAt: string, state: 'succeeded' | 'failed' | 'created', amountFen: number, paidAfterMs = 0): Promise<void> {
  const created = new Date(createdAt);
  await svc.schema.adminQuery(
    `insert into payment_orders (id, tenant_id, out_trade_no, merchant_id, kind, channel, amount_fen, state, business_day, created_at, paid_at)
     values ($1, $2, $3, $4, 'dynamic', 'wechat', $5, $6, $7, $8, $9)`,
    [
      randomUUID(),
      tenantId,
      `S-${randomUUID()}`,
      randomUUID(),
      amountFen,
      state,
      DAY,
      created,
      state === 'succeeded' ? new Date(created.getTime() + paidAfterMs) : null,
    ],
  );
}

const daily = async (actor: Actor, date = DAY) => svc.call('GET', `/qr/stats/daily?date=${date}`, { actor });

beforeAll(async () => {
  svc = await startTestService({ service: 'qrstats', migrations, imports: [OpsStatsModule] });
  // T1: 09:xx Beijing — two succeeded (1 s and 3 s), one failed; 14:xx — one still open
  await order(T1, `${DAY}T09:05:00+08:00`, 'succeeded', 12_300, 1000);
  await order(T1, `${DAY}T09:45:00+08:00`, 'succeeded', 700, 3000);
  await order(T1, `${DAY}T09:50:00+08:00`, 'failed', 5000);
  await order(T1, `${DAY}T14:00:00+08:00`, 'created', 900);
  // the Beijing day's edges: 00:00 is in, 24:00 is the next day (and 23:59 the day before is out)
  await order(T2, `${DAY}T00:00:00+08:00`, 'succeeded', 100, 500);
  await order(T2, '2026-11-19T23:59:59+08:00', 'succeeded', 100_000, 500);
  await order(T2, '2026-11-21T00:00:00+08:00', 'succeeded', 100_000, 500);
}, 60_000);

afterAll(async () => {
  await svc?.close();
});

describe('GET /qr/stats/daily', () => {
  it('gives the province every county with payments that day, computed per Beijing hour', async () => {
    const res = await daily(testActors.province());
    expect(res.status).toBe(200);
    expect(res.body.date).toBe(DAY);
    expect(res.body.counties.map((c: { tenantId: string }) => c.tenantId)).toEqual([T1, T2]);
    const [t1, t2] = res.body.counties;
    expect(t1).toMatchObject({ orders: 4, succeeded: 2, failed: 1, amountFen: 13_000, successRate: 0.6667, latencyMsAvg: 2000 });
    expect(t1.latencyMsP95).toBe(2900);
    expect(t1.hours[9]).toEqual({ hour: 9, orders: 3, succeeded: 2, amountFen: 13_000, latencyMsAvg: 2000 });
    expect(t1.hours[14]).toEqual({ hour: 14, orders: 1, succeeded: 0, amountFen: 0, latencyMsAvg: null });
    expect(t2).toMatchObject({ orders: 1, succeeded: 1, amountFen: 100, successRate: 1, latencyMsAvg: 500 });
    expect(t2.hours[0].orders).toBe(1);
  });

  it('restricts a county operator to its own county, and a province operator naming a county to that one', async () => {
    const county = await daily(testActors.county(T2));
    expect(county.status).toBe(200);
    expect(county.body.counties.map((c: { tenantId: string }) => c.tenantId)).toEqual([T2]);
    const named = await daily(testActors.province(T1));
    expect(named.body.counties.map((c: { tenantId: string }) => c.tenantId)).toEqual([T1]);
    const quiet = await daily(testActors.county('t510182'));
    expect(quiet.body.counties).toEqual([]);
  });

  it('refuses a partner app, and a date that is not a day with a 400 naming the parameter', async () => {
    expect((await daily(testActors.app(T1, { appId: 'app_aaaaaaaaaaaaaaaaaaaa', scopes: ['qr:pay'] }))).status).toBe(403);
    const bad = await daily(testActors.province(), '2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'date' });
    const worse = await daily(testActors.province(), 'today');
    expect(worse.status).toBe(400);
    expect(worse.body.error.param).toBe('date');
  });
});
