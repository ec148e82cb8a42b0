import { beijingDay, beijingToday, foldCountyStats, type HourRow } from './payment-stats';

const row = (tenantId: string, hour: number, o: Partial<HourRow> = {}): HourRow => ({
  tenantId,
  hour,
  orders: 1,
  succeeded: 1,
  failed: 0,
  amountFen: 100n,
  latencySumMs: 1000,
  latencyCount: 1,
  ...o,
});

describe('foldCountyStats', () => {
  it("folds hourly rows into each county's totals, success rate over final orders, mean latency and 24 hourly slots", () => {
    const stats = foldCountyStats(
      [
        row('t510121', 9, { orders: 4, succeeded: 3, failed: 1, amountFen: 30_000n, latencySumMs: 3000, latencyCount: 3 }),
        row('t510121', 14, { orders: 2, succeeded: 0, failed: 0, amountFen: 0n, latencySumMs: 0, latencyCount: 0 }),
        row('t510112', 0),
      ],
      new Map([['t510121', 1800.4]]),
    );
    expect(stats.map((s) => s.tenantId)).toEqual(['t510112', 't510121']);
    const jt = stats[1]!;
    expect(jt).toMatchObject({ orders: 6, succeeded: 3, failed: 1, amountFen: 30_000, successRate: 0.75, latencyMsAvg: 1000, latencyMsP95: 1800 });
    expect(jt.hours).toHaveLength(24);
    expect(jt.hours[9]).toEqual({ hour: 9, orders: 4, succeeded: 3, amountFen: 30_000, latencyMsAvg: 1000 });
    expect(jt.hours[14]).toEqual({ hour: 14, orders: 2, succeeded: 0, amountFen: 0, latencyMsAvg: null });
    expect(jt.hours[10]).toEqual({ hour: 10, orders: 0, succeeded: 0, amountFen: 0, latencyMsAvg: null });
    expect(stats[0]).toMatchObject({ successRate: 1, latencyMsP95: null });
  });

  it('has no success rate before any order is final, and refuses an hour outside 0-23 or a day of fen beyond 2^53', () => {
    expect(foldCountyStats([row('t510121', 3, { succeeded: 0, latencyCount: 0, latencySumMs: 0 })], new Map())[0]!.successRate).toBeNull();
    expect(() => foldCountyStats([row('t510121', 24)], new Map())).toThrow(RangeError);
    expect(() => foldCountyStats([row('t510121', 1, { amountFen: 2n ** 53n + 1n })], new Map())).toThrow(RangeError);
  });
});

describe('Beijing days', () => {
  it('spans a Beijing calendar day in UTC and names today across the UTC midnight', () => {
    expect(beijingDay('2026-11-29')).toEqual({ from: new Date('2026-11-28T16:00:00Z'), to: new Date('2026-11-29T16:00:00Z') });
    expect(() => beijingDay('2026-13-01')).toThrow(RangeError);
    expect(() => beijingDay('2026-02-30')).toThrow(RangeError);
    expect(beijingDay('2028-02-29').from).toEqual(new Date('2028-02-28T16:00:00Z'));
    expect(() => beijingDay('yesterday')).toThrow(RangeError);
    expect(beijingToday(new Date('2026-11-29T15:59:59Z'))).toBe('2026-11-29');
    expect(beijingToday(new Date('2026-11-29T16:00:00Z'))).toBe('2026-11-30');
  });
});
