import type { EntityManager } from 'typeorm';
import { ApiError, type PaymentChannel, type PaymentProduct } from '@countypay/contracts';
import { shanghaiBusinessDay } from './business-day';
import { payerLockKey } from './payer-lock';
import { allow, PaymentIntake, refuse, type Decision, type PaymentRequest, type Place, type TenantPort } from './payment-intake';

// Fakes of the ports: a tenant with a config and merchants, a ledger of what payers paid, a
// lock that records its keys, a two-state table. Every call is written to `steps`, so the
// tests read the order in which the intake asks.

interface FakeConfig {
  status: 'active' | 'suspended';
  products: PaymentProduct[];
  channels: PaymentChannel[];
}
interface FakeMerchant {
  merchantId: string;
  status: 'active' | 'suspended';
  stores: string[];
}
type State = 'created' | 'paying' | 'succeeded';
type Event = 'start_payment' | 'payment_succeeded';

const em = {} as EntityManager;
const T = 't510121';
const NOON_SHANGHAI = new Date('2026-11-29T04:00:00.000Z');

function setup(o: { config?: Partial<FakeConfig>; merchants?: FakeMerchant[]; paid?: bigint } = {}) {
  const steps: string[] = [];
  const config: FakeConfig = { status: 'active', products: ['qr'], channels: ['wechat', 'alipay'], ...o.config };
  const merchants = o.merchants ?? [{ merchantId: 'm1', status: 'active', stores: ['s1'] }];
  const tenants: TenantPort<FakeConfig, FakeMerchant> = {
    async tenantConfig() {
      steps.push('config');
      if (config.status === 'suspended') throw new ApiError('tenant_suspended', 'suspended');
      return config;
    },
    assertEnabled(c, product, channel) {
      steps.push(channel ? `enabled:${product}:${channel}` : `enabled:${product}`);
      if (!c.products.includes(product) || (channel && !c.channels.includes(channel)))
        throw new ApiError('channel_not_enabled', `${channel ?? product} is not enabled`);
    },
    async activeMerchant(_em, id) {
      steps.push(`merchant:${id}`);
      const m = merchants.find((x) => x.merchantId === id);
      if (!m) throw new ApiError('not_found', `no merchant ${id}`, 'merchantId');
      if (m.status !== 'active') throw new ApiError('merchant_not_active', `merchant ${id} is ${m.status}`, 'merchantId');
      return m;
    },
  };
  const intake = new PaymentIntake<FakeConfig, FakeMerchant, { payerId: string }, State, Event>({
    product: 'qr',
    tenants,
    payers: {
      async paidToday(_em, q) {
        steps.push(`paid-today:${q.payer.payerId}:${q.businessDay}:${q.channel ?? '-'}`);
        return o.paid ?? 0n;
      },
    },
    transition(from, event) {
      steps.push(`transition:${from}:${event}`);
      if (from === 'created' && event === 'start_payment') return { ok: true, state: 'paying' };
      if (from === 'paying' && event === 'payment_succeeded') return { ok: true, state: 'succeeded' };
      return { ok: false, message: `cannot ${event} in ${from}` };
    },
    async lockPayer(_em, key) {
      steps.push(`lock:${key}`);
    },
    clock: () => NOON_SHANGHAI,
  });
  return { steps, intake };
}

/** A store rule of the merchant (pure, recorded). */
const atStore =
  (steps: string[], storeId: string) =>
  (m: FakeMerchant): Decision<Place> => {
    steps.push(`place:${storeId}`);
    return m.stores.includes(storeId) ? allow({ storeId, terminalId: null }) : refuse('not_found', `no store ${storeId}`, 'storeId');
  };

/** A daily limit rule (pure, recorded). */
const limitOf =
  (steps: string[], limitFen: bigint) =>
  (x: { amountFen: bigint; alreadyPaidTodayFen: bigint }): Decision<unknown> => {
    steps.push(`limit:${x.alreadyPaidTodayFen}+${x.amountFen}`);
    return x.alreadyPaidTodayFen + x.amountFen <= limitFen ? allow(limitFen) : refuse('barcode_limit_exceeded', `over ${limitFen}`, 'amountFen');
  };

type Req = PaymentRequest<FakeConfig, FakeMerchant, { payerId: string }, State, Event, { id: string; state: State }>;

function payment(steps: string[], over: Partial<Req> = {}): Req {
  return {
    tenantId: T,
    merchantId: 'm1',
    amountFen: 1_000n,
    channel: (c) => {
      steps.push('channel');
      return c.channels.includes('wechat') ? allow<PaymentChannel>('wechat') : refuse('payer_code_unrecognised', 'no wallet', 'payerCode');
    },
    place: atStore(steps, 's1'),
    payer: { ref: 'wechat:wx_1', identity: { payerId: 'wx_1' } },
    limit: limitOf(steps, 100_000n),
    from: 'created',
    event: 'start_payment',
    persist: async (_em, i) => {
      steps.push(`persist:${i.state}:${i.channel}:${i.place.storeId}:${i.businessDay}`);
      return { id: 'o1', state: i.state };
    },
    ...over,
  };
}

async function refusedWith(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  throw new Error('the intake did not refuse');
}

describe('PaymentIntake: the order of the steps', () => {
  it('config → product → channel → channel enabled → merchant → place → payer lock → paid today → limit → transition → persist', async () => {
    const { steps, intake } = setup({ paid: 30_000n });
    const started = await intake.start(em, payment(steps));
    expect(steps).toEqual([
      'config',
      'enabled:qr',
      'channel',
      'enabled:qr:wechat',
      'merchant:m1',
      'place:s1',
      `lock:payer:${T}:wechat:wx_1`,
      'paid-today:wx_1:2026-11-29:wechat',
      'limit:30000+1000',
      'transition:created:start_payment',
      'persist:paying:wechat:s1:2026-11-29',
    ]);
    expect(started).toMatchObject({
      order: { id: 'o1', state: 'paying' },
      state: 'paying',
      channel: 'wechat',
      paidTodayFen: 30_000n,
      businessDay: '2026-11-29',
      place: { storeId: 's1', terminalId: null },
    });
  });

  it('an order recorded before any payer (no channel, payer, limit or event) is checked and written as it is', async () => {
    const { steps, intake } = setup();
    const { channel: _c, payer: _p, limit: _l, event: _e, place: _pl, ...bare } = payment(steps);
    const started = await intake.start(em, bare);
    expect(steps).toEqual(['config', 'enabled:qr', 'merchant:m1', 'persist:created:undefined:null:2026-11-29']);
    expect(started.paidTodayFen).toBeNull();
  });

  it('a payer without a limit is still serialised (nothing is summed)', async () => {
    const { steps, intake } = setup();
    const { limit: _l, ...noLimit } = payment(steps);
    await intake.start(em, noLimit);
    expect(steps.filter((s) => s.startsWith('lock') || s.startsWith('paid'))).toEqual([`lock:payer:${T}:wechat:wx_1`]);
  });

  it('a payer named only once the channel is chosen (a wallet payer id) is locked under that name', async () => {
    const { steps, intake } = setup();
    const started = await intake.start(em, payment(steps, { payer: (a) => ({ ref: `${a.channel}:wx_9`, identity: { payerId: 'wx_9' } }) }));
    expect(steps).toContain(`lock:payer:${T}:wechat:wx_9`);
    expect(started.payer).toEqual({ ref: 'wechat:wx_9', identity: { payerId: 'wx_9' } });
  });

  it('a fixed channel is checked like a chosen one', async () => {
    const { steps, intake } = setup({ config: { channels: ['alipay'] } });
    expect(await refusedWith(intake.start(em, payment(steps, { channel: 'wechat' })))).toBe('channel_not_enabled');
    expect(steps).toEqual(['config', 'enabled:qr', 'enabled:qr:wechat']);
  });

  it('admit runs steps 1-3 only', async () => {
    const { steps, intake } = setup();
    const a = await intake.admit(em, { tenantId: T, merchantId: 'm1', place: atStore(steps, 's1') });
    expect(steps).toEqual(['config', 'enabled:qr', 'merchant:m1', 'place:s1']);
    expect(a).toMatchObject({ channel: undefined, place: { storeId: 's1' }, merchant: { merchantId: 'm1' } });
  });
});

describe('PaymentIntake: a refusal stops everything after it (no lock, nothing written)', () => {
  it.each([
    ['a suspended tenant', { config: { status: 'suspended' as const } }, () => ({}), 'tenant_suspended', ['config']],
    ['a product the tenant has not enabled', { config: { products: ['acquiring' as const] } }, () => ({}), 'channel_not_enabled', ['config', 'enabled:qr']],
    [
      'a payer code no wallet issues',
      { config: { channels: ['alipay' as const] } },
      () => ({}),
      'payer_code_unrecognised',
      ['config', 'enabled:qr', 'channel'],
    ],
    ['an unknown merchant', {}, () => ({ merchantId: 'mx' }), 'not_found', ['config', 'enabled:qr', 'channel', 'enabled:qr:wechat', 'merchant:mx']],
    [
      'a suspended merchant',
      { merchants: [{ merchantId: 'm1', status: 'suspended' as const, stores: ['s1'] }] },
      () => ({}),
      'merchant_not_active',
      ['config', 'enabled:qr', 'channel', 'enabled:qr:wechat', 'merchant:m1'],
    ],
    [
      'a store of another merchant',
      {},
      (steps: string[]) => ({ place: atStore(steps, 's9') }),
      'not_found',
      ['config', 'enabled:qr', 'channel', 'enabled:qr:wechat', 'merchant:m1', 'place:s9'],
    ],
  ])('%s', async (_what, setupOpts, over: (steps: string[]) => Partial<Req>, code, expected) => {
    const { steps, intake } = setup(setupOpts);
    expect(await refusedWith(intake.start(em, payment(steps, over(steps))))).toBe(code);
    expect(steps).toEqual(expected);
  });

  it('over the limit: refused after the lock and the sum, before the transition and the write', async () => {
    const { steps, intake } = setup({ paid: 99_500n });
    expect(await refusedWith(intake.start(em, payment(steps)))).toBe('barcode_limit_exceeded');
    expect(steps.slice(-3)).toEqual([`lock:payer:${T}:wechat:wx_1`, 'paid-today:wx_1:2026-11-29:wechat', 'limit:99500+1000']);
  });

  it('a ledger that takes the lock with its sum (lockedPaidToday) is asked once, under the same key, when the intake locks by default', async () => {
    const { steps, intake: withFakeLock } = setup({ paid: 99_500n });
    const calls: string[] = [];
    const ports = (withFakeLock as unknown as { ports: ConstructorParameters<typeof PaymentIntake>[0] }).ports;
    const payers = {
      paidToday: async () => {
        calls.push('paid-today');
        return 0n;
      },
      lockedPaidToday: async (_em: EntityManager, key: string, q: { businessDay: string; channel: PaymentChannel | undefined }) => {
        calls.push(`locked-paid-today:${key}:${q.businessDay}:${q.channel ?? '-'}`);
        return 99_500n;
      },
    };
    const byDefault = new PaymentIntake({ ...ports, lockPayer: undefined, payers } as ConstructorParameters<typeof PaymentIntake>[0]);
    expect(await refusedWith(byDefault.start(em, payment(steps) as never))).toBe('barcode_limit_exceeded');
    expect(calls).toEqual([`locked-paid-today:payer:${T}:wechat:wx_1:2026-11-29:wechat`]);
    expect(steps).not.toContain(`lock:payer:${T}:wechat:wx_1`);
    expect(steps.at(-1)).toBe('limit:99500+1000');

    // a lock port of its own (the tests' fake here): the lock, then the plain sum, as before
    calls.length = 0;
    const own = new PaymentIntake({ ...ports, payers } as ConstructorParameters<typeof PaymentIntake>[0]);
    await expect(own.start(em, payment(steps) as never)).resolves.toMatchObject({ state: 'paying', paidTodayFen: 0n });
    expect(calls).toEqual(['paid-today']);
  });

  it('exactly up to the limit is allowed', async () => {
    const { steps, intake } = setup({ paid: 99_000n });
    await expect(intake.start(em, payment(steps))).resolves.toMatchObject({ state: 'paying' });
  });

  it('an existing order the table does not let start: the product’s refusal, nothing written', async () => {
    const { steps, intake } = setup();
    const r = intake.start(em, payment(steps, { from: 'succeeded', notAllowed: (m) => refuse('order_not_payable', m) }));
    expect(await refusedWith(r)).toBe('order_not_payable');
    expect(steps.at(-1)).toBe('transition:succeeded:start_payment');
  });

  it('a refused transition without a refusal is a bug, not an answer', async () => {
    const { steps, intake } = setup();
    await expect(intake.start(em, payment(steps, { from: 'succeeded' }))).rejects.toThrow(/payment intake: cannot start_payment in succeeded/);
  });

  it('refuses a limit without a payer and a non-positive amount before asking anything', async () => {
    const { steps, intake } = setup();
    const { payer: _p, ...noPayer } = payment(steps);
    await expect(intake.start(em, noPayer)).rejects.toThrow(/needs its payer/);
    await expect(intake.start(em, payment(steps, { amountFen: 0n }))).rejects.toThrow(RangeError);
    expect(steps).toEqual([]);
  });
});

describe('payerLockKey', () => {
  it('is one format for every product: payer:<tenant>:<payer ref>', () => {
    expect(payerLockKey('t510121', 'pc_0f3a')).toBe('payer:t510121:pc_0f3a');
    expect(payerLockKey('t510121', 'wechat:wx_1')).toBe('payer:t510121:wechat:wx_1');
  });
  it('refuses a malformed tenant or payer reference', () => {
    expect(() => payerLockKey('510121', 'x')).toThrow();
    expect(() => payerLockKey('t510121', '')).toThrow(RangeError);
    expect(() => payerLockKey('t510121', 'two words')).toThrow(RangeError);
  });
});

describe('shanghaiBusinessDay', () => {
  it('turns at 16:00 UTC (midnight Asia/Shanghai)', () => {
    expect(shanghaiBusinessDay(new Date('2024-06-01T15:59:59.999Z'))).toBe('2024-06-01');
    expect(shanghaiBusinessDay(new Date('2024-06-01T16:00:00.000Z'))).toBe('2024-06-02');
    expect(shanghaiBusinessDay(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
  });
});
