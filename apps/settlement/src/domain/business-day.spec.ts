import { addDays, businessDateOf, businessWindow, cutoffInstant, isBusinessDate, lastClosedBusinessDate, settlementDate } from './business-day';

describe('business day', () => {
  it('closes business date D at the cut-off on D, Shanghai time (23:00 → 15:00Z)', () => {
    expect(cutoffInstant('2026-11-02', '23:00').toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(businessWindow('2026-11-02', '23:00')).toEqual({
      businessDate: '2026-11-02',
      start: new Date('2026-11-01T15:00:00.000Z'),
      end: new Date('2026-11-02T15:00:00.000Z'),
    });
  });

  it('treats a 00:00 cut-off as the natural day', () => {
    expect(businessWindow('2026-11-02', '00:00')).toEqual({
      businessDate: '2026-11-02',
      start: new Date('2026-11-01T16:00:00.000Z'),
      end: new Date('2026-11-02T16:00:00.000Z'),
    });
    expect(businessDateOf(new Date('2026-11-02T15:59:59.999Z'), '00:00')).toBe('2026-11-02');
    expect(businessDateOf(new Date('2026-11-02T16:00:00.000Z'), '00:00')).toBe('2026-11-03');
  });

  it('puts a payment at or after the cut-off into the next business date, one just before into this one', () => {
    expect(businessDateOf(new Date('2026-11-02T14:59:59.999Z'), '23:00')).toBe('2026-11-02'); // 22:59:59 Shanghai
    expect(businessDateOf(new Date('2026-11-02T15:00:00.000Z'), '23:00')).toBe('2026-11-03'); // 23:00 Shanghai
    expect(businessDateOf(new Date('2026-11-01T16:30:00.000Z'), '23:00')).toBe('2026-11-02'); // 00:30 on the 2nd
  });

  it('agrees with its windows: every instant lies in the window of its business date', () => {
    for (const cutoff of ['00:00', '06:30', '17:00', '23:00', '23:59']) {
      for (let t = Date.parse('2026-12-30T00:00:00Z'); t < Date.parse('2027-01-02T00:00:00Z'); t += 17 * 60_000) {
        const d = businessDateOf(new Date(t), cutoff);
        const w = businessWindow(d, cutoff);
        expect(w.start.getTime() <= t && t < w.end.getTime()).toBe(true);
      }
    }
  });

  it('crosses month and year ends and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(isBusinessDate('2026-02-30')).toBe(false);
    expect(isBusinessDate('2026-2-3')).toBe(false);
    expect(() => addDays('2026-13-01', 1)).toThrow(RangeError);
  });

  it('pays T+1 the next day and D+0 the same day', () => {
    expect(settlementDate('2026-12-31', 'T1')).toBe('2027-01-01');
    expect(settlementDate('2026-12-31', 'D0')).toBe('2026-12-31');
  });

  it('names the last closed business date', () => {
    expect(lastClosedBusinessDate(new Date('2026-11-02T15:00:00.000Z'), '23:00')).toBe('2026-11-02');
    expect(lastClosedBusinessDate(new Date('2026-11-02T14:59:00.000Z'), '23:00')).toBe('2026-11-01');
  });

  it('refuses a malformed cut-off', () => {
    expect(() => cutoffInstant('2026-11-02', '24:00')).toThrow(RangeError);
  });
});
