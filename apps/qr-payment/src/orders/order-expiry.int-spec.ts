/**
 * When the order-expiry sweep runs next (issue 14: an idle service must not poll every 5 s), against
 * the real PostgreSQL: after a sweep, the next one is due when the earliest open order falls due,
 * at least QR_EXPIRY_SWEEP_MS and at most the shortest deadline an order can get after that sweep.
 * The service's own loop is stopped first, so that only the test's sweeps run; the assertions are on
 * the pause each sweep computes from the rows, not on time passing.
 */
import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '@countypay/testing';
import { ChannelModule } from '../channel/channel.module';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { migrations } from '../data-source';
import { QrReadModelModule } from '../onboarding-read-model';
import { OrderExpiryService } from './order-expiry.service';
import { OrdersModule } from './orders.module';

const T1 = 't510121';
const APP = 'app_aaaaaaaaaaaaaaaaaaaa';
const SWEEP_MS = 1000;

let svc: TestService;
let expiry: OrderExpiryService;

beforeAll(async () => {
  const config = Object.assign(new QrPaymentConfig(), {
    QR_EXPIRY_SWEEP_MS: SWEEP_MS,
    QR_ORDER_EXPIRES_SECONDS: 900,
    QR_POS_CONFIRM_DEADLINE_MS: 30_000,
    QR_CHANNEL_TIMEOUT_MS: 10_000,
  });
  svc = await startTestService({
    service: 'qrexpiry',
    migrations,
    imports: [ChannelModule, QrReadModelModule, OrdersModule],
    override: (b) => b.overrideProvider(QrPaymentConfig).useValue(config),
  });
  expiry = svc.app.get(OrderExpiryService);
  // the service's loop: stopped (it waits for a sweep under way), the test sweeps itself
  await expiry.onApplicationShutdown();
}, 60_000);

afterAll(async () => {
  await svc?.close();
});

afterEach(async () => {
  await svc.schema.adminQuery(`delete from payment_orders`);
});

/** An order as the API or a payer-code payment leaves it: `created` until `expiresAt`, or `paying` since `updatedAt` (SQL expressions). */
async function order(kind: 'dynamic' | 'static' | 'payer_code', state: 'created' | 'paying', at: { expiresAt?: string; updatedAt?: string }): Promise<string> {
  const id = randomUUID();
  await svc.schema.adminQuery(
    `insert into payment_orders (id, tenant_id, app_id, out_trade_no, merchant_id, kind, channel, amount_fen, state, business_day, expires_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, 1288, $8, current_date, ${at.expiresAt ?? 'null'}, ${at.updatedAt ?? 'now()'})`,
    [id, T1, APP, `E-${id.slice(0, 8)}`, randomUUID(), kind, state === 'paying' ? 'wechat' : null, state],
  );
  return id;
}

describe('the order-expiry sweep: when it runs next', () => {
  it('waits at most the shortest deadline an order can get: here a payer-code payment’s (30 s + 2 × 10 s), not the 60 s order validity', () => {
    expect(expiry.longestPauseMs).toBe(50_000);
  });

  it('with no order open: the longest pause (≈ 50 s, was every QR_EXPIRY_SWEEP_MS)', async () => {
    expect(await expiry.sweep()).toBe(0);
    expect(expiry.nextPauseMs).toBeGreaterThan(10 * SWEEP_MS);
    expect(expiry.nextPauseMs).toBeLessThanOrEqual(50_000);
  });

  it('an unpaid order expiring in 20 s: the sweep after next comes when it falls due', async () => {
    await order('dynamic', 'created', { expiresAt: `now() + interval '20 seconds'` });
    await order('dynamic', 'created', { expiresAt: `now() + interval '40 seconds'` });
    expect(await expiry.sweep()).toBe(0);
    expect(expiry.nextPauseMs).toBeLessThanOrEqual(20_000);
    expect(expiry.nextPauseMs).toBeGreaterThan(SWEEP_MS);
  });

  it('a QR payment paying for 890 s (stale at 900 s) and a payer-code one paying for 40 s (stale at 50 s): the earlier deadline counts', async () => {
    await order('static', 'paying', { updatedAt: `now() - interval '890 seconds'` });
    await order('payer_code', 'paying', { updatedAt: `now() - interval '40 seconds'` });
    expect(await expiry.sweep()).toBe(0);
    expect(expiry.nextPauseMs).toBeLessThanOrEqual(10_000);
    expect(expiry.nextPauseMs).toBeGreaterThan(SWEEP_MS);
  });

  it('an order falling due within QR_EXPIRY_SWEEP_MS: the next sweep after QR_EXPIRY_SWEEP_MS, never sooner', async () => {
    await order('payer_code', 'paying', { updatedAt: `now() - interval '49900 milliseconds'` });
    await order('dynamic', 'created', { expiresAt: `now() + interval '30 seconds'` });
    // the sweep's clock 5 s behind: on a slow box more than 100 ms can pass before the sweep reads,
    // and the order must not be stale yet (the sweep would reverse it through the channel); when it
    // falls due is read from the database's clock, so it is still within QR_EXPIRY_SWEEP_MS (or past)
    expect(await expiry.sweep(new Date(Date.now() - 5_000))).toBe(0);
    expect(expiry.nextPauseMs).toBe(SWEEP_MS);
  });

  it('orders already closed, paid or failed do not count', async () => {
    for (const state of ['closed', 'succeeded', 'failed'] as const) {
      const id = await order('dynamic', 'created', { expiresAt: `now() + interval '5 seconds'` });
      await svc.schema.adminQuery(`update payment_orders set state = $2 where id = $1`, [id, state]);
    }
    await expiry.sweep();
    expect(expiry.nextPauseMs).toBeGreaterThan(10 * SWEEP_MS);
  });
});
