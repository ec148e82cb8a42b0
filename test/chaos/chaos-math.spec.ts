import { type Sample, formatTable, passed, recoveredAt, scenarioFigures } from './chaos-math';

const ok = (id: string, t0: number, t1 = t0 + 50): Sample => ({ t0, t1, outcome: 'succeeded', orderId: id, tenantId: 't510121', wallet: 'wechat' });
const err = (t0: number, code = 'service_unavailable'): Sample => ({ t0, t1: t0 + 10, outcome: 'error', code, tenantId: 't510121', wallet: 'alipay' });
const hooks = (ids: Record<string, string[]>) =>
  new Map(Object.entries(ids).map(([order, hs]) => [`payment.succeeded:${order}`, { headerIds: new Set(hs), bodyIds: new Set(hs.slice(0, 1)) }]));
const base = {
  notTaken: 0,
  unbalancedTenants: [],
  staleOrders: 0,
  ledgerLag: { p50: 0.1, p99: 0.4, max: 0.5 },
  refunds: [],
  failedWebhookDeliveries: '0',
  deadLetters: [],
};

describe('chaos figures', () => {
  it('counts lost (succeeded, never posted) and duplicated (posted twice) payments and unstable webhook ids', () => {
    const f = scenarioFigures({
      ...base,
      scenario: 'kill-9 settlement',
      samples: [ok('a', 0), ok('b', 10), ok('c', 20), err(30), err(40, 'connection_error')],
      posted: new Map([
        ['a', 1],
        ['b', 2],
      ]),
      hooks: hooks({ a: ['w1'], b: ['w2', 'w3'] }),
      refunds: [
        { state: 'succeeded', postings: 1 },
        { state: 'succeeded', postings: 0 },
        { state: 'pending', postings: 0 },
      ],
    });
    expect(f).toMatchObject({ attempted: 5, succeeded: 3, errors: 2, lost: 1, duplicated: 1, webhooksMissing: 1, webhookIdsUnstable: 1 });
    expect(f.codes).toEqual({ service_unavailable: 1, connection_error: 1 });
    expect(f.refunds).toEqual({ total: 3, succeeded: 2, lost: 1, duplicated: 0 });
    expect(passed(f)).toBe(false);
    const table = formatTable([f]);
    expect(table).toMatch(/kill-9 settlement\s+5\s+3\s+2\s+1\s+1/);
    expect(table).toContain('FAILED');
    expect(table).toContain('errors service_unavailable 1, connection_error 1');
  });

  it('passes a scenario that kept every promise', () => {
    const f = scenarioFigures({
      ...base,
      scenario: 'baseline',
      samples: [ok('a', 0)],
      posted: new Map([['a', 1]]),
      hooks: hooks({ a: ['w1', 'w1'] }),
      recoverS: 0,
    });
    expect(passed(f)).toBe(true);
    expect(formatTable([f])).toContain('OK');
    expect(passed({ ...f, unbalancedTenants: ['t510121'] })).toBe(false);
    expect(passed({ ...f, staleOrders: 1 })).toBe(false);
    expect(passed({ ...f, notTaken: 1 })).toBe(false);
  });

  it('recovers at the later of the first success sent after the heal and the ledger catching up', () => {
    const samples = [ok('a', 900, 950), err(1000), err(1500), ok('b', 2000, 2100), ok('c', 2500, 2600)];
    expect(recoveredAt(samples, 1000, undefined)).toBeUndefined();
    expect(recoveredAt(samples, 1000, 1200)).toBe(2100);
    expect(recoveredAt(samples, 1000, 5000)).toBe(5000);
    // a success sent before the heal does not count
    expect(recoveredAt([ok('a', 900, 1500)], 1000, 1000)).toBeUndefined();
  });
});
