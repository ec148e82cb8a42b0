import fc from 'fast-check';
import { REPAYMENT_METHODS, buildSchedule, equalInstallmentFen, periodDates, scheduleTotals } from './schedule';
import { formatAprPercent, monthlyScheduleAprPpm, scheduleAprPpm, withinAprCeiling } from './apr';
import { dailyInterestFen, divHalfUp } from './arithmetic';

const cycle = { statementDay: 1, dueDay: 20 };
const dues = (n: number) => periodDates('2026-03-10', n, cycle).map((d) => d.dueDate);
const parts = (lines: ReturnType<typeof buildSchedule>) => lines.map((l) => [l.principalFen, l.interestFen]);

describe('repayment schedules', () => {
  it('bills a drawdown on the next statement day and makes it due on the following due day, monthly', () => {
    expect(periodDates('2026-03-10', 3, cycle)).toEqual([
      { statementDate: '2026-04-01', dueDate: '2026-04-20' },
      { statementDate: '2026-05-01', dueDate: '2026-05-20' },
      { statementDate: '2026-06-01', dueDate: '2026-06-20' },
    ]);
    // statement day 25, due day 15: due the next month; a drawdown on the statement day waits a cycle
    expect(periodDates('2026-12-25', 2, { statementDay: 25, dueDay: 15 })).toEqual([
      { statementDate: '2027-01-25', dueDate: '2027-02-15' },
      { statementDate: '2027-02-25', dueDate: '2027-03-15' },
    ]);
  });

  it('equal installments of ¥12,000 at 18% in 3 periods: 4,120.60 a month, the residual on the last', () => {
    expect(equalInstallmentFen(1_200_000n, 1_800, 3)).toBe(412_060n);
    const s = buildSchedule({ principalFen: 1_200_000n, method: 'equal_installment', installments: 3, annualRateBp: 1_800, dueDates: dues(3) });
    expect(parts(s)).toEqual([
      [394_060n, 18_000n],
      [399_971n, 12_089n],
      [405_969n, 6_090n],
    ]);
    expect(s.map((l) => l.totalFen)).toEqual([412_060n, 412_060n, 412_059n]);
    expect(s.map((l) => l.dueDate)).toEqual(['2026-04-20', '2026-05-20', '2026-06-20']);
    expect(s[2]!.balanceAfterFen).toBe(0n);
  });

  it('equal installments in 6 periods', () => {
    const s = buildSchedule({ principalFen: 1_200_000n, method: 'equal_installment', installments: 6, annualRateBp: 1_800, dueDates: dues(6) });
    expect(parts(s)).toEqual([
      [192_630n, 18_000n],
      [195_519n, 15_111n],
      [198_452n, 12_178n],
      [201_429n, 9_201n],
      [204_450n, 6_180n],
      [207_520n, 3_113n],
    ]);
  });

  it('equal installments in 12 periods: 1,100.16 a month', () => {
    const s = buildSchedule({ principalFen: 1_200_000n, method: 'equal_installment', installments: 12, annualRateBp: 1_800, dueDates: dues(12) });
    expect(s.slice(0, 11).every((l) => l.totalFen === 110_016n)).toBe(true);
    expect(parts(s)).toEqual([
      [92_016n, 18_000n],
      [93_396n, 16_620n],
      [94_797n, 15_219n],
      [96_219n, 13_797n],
      [97_662n, 12_354n],
      [99_127n, 10_889n],
      [100_614n, 9_402n],
      [102_123n, 7_893n],
      [103_655n, 6_361n],
      [105_210n, 4_806n],
      [106_788n, 3_228n],
      [108_393n, 1_626n],
    ]);
    expect(scheduleTotals(s).principalFen).toBe(1_200_000n);
  });

  it('equal principal: 3,333.33 + 3,333.33 + 3,333.34 with interest on the falling balance', () => {
    const s = buildSchedule({ principalFen: 1_000_000n, method: 'equal_principal', installments: 3, annualRateBp: 1_800, dueDates: dues(3) });
    expect(parts(s)).toEqual([
      [333_333n, 15_000n],
      [333_333n, 10_000n],
      [333_334n, 5_000n],
    ]);
  });

  it('a zero rate splits the principal evenly', () => {
    const s = buildSchedule({ principalFen: 1_000n, method: 'equal_installment', installments: 3, annualRateBp: 0, dueDates: dues(3) });
    expect(parts(s)).toEqual([
      [333n, 0n],
      [333n, 0n],
      [334n, 0n],
    ]);
  });

  it('flat fee 0.6% a month over 12 months is disclosed as ≈ 13.03% APR, not 7.2%', () => {
    const s = buildSchedule({ principalFen: 1_200_000n, method: 'flat_fee', installments: 12, annualRateBp: 0, monthlyFeeBp: 60, dueDates: dues(12) });
    expect(s.every((l) => l.feeFen === 7_200n && l.principalFen === 100_000n && l.interestFen === 0n)).toBe(true);
    const apr = monthlyScheduleAprPpm(1_200_000n, s);
    expect(formatAprPercent(apr)).toBe('13.03');
    expect(withinAprCeiling(1_200_000n, s, 1_304, '2026-03-10', false)).toBe(true);
    expect(withinAprCeiling(1_200_000n, s, 1_303, '2026-03-10', false)).toBe(false);
    expect(withinAprCeiling(1_200_000n, s, 720, '2026-03-10', false)).toBe(false);
  });

  it('flat fee residuals: the fee parts sum to P × rate × n exactly', () => {
    const s = buildSchedule({ principalFen: 1_001n, method: 'flat_fee', installments: 3, annualRateBp: 0, monthlyFeeBp: 55, dueDates: dues(3) });
    expect(scheduleTotals(s).feeFen).toBe(divHalfUp(1_001n * 55n * 3n, 10_000n));
    expect(scheduleTotals(s).principalFen).toBe(1_001n);
  });

  it('single repayment: interest-free inside the interest-free days, daily interest (annual / 360) otherwise', () => {
    const free = buildSchedule({
      principalFen: 500_000n,
      method: 'single',
      installments: 1,
      annualRateBp: 1_800,
      dueDates: dues(1),
      drawdownDate: '2026-03-10',
      interestFreeDays: 50,
    });
    expect(free[0]).toMatchObject({ dueDate: '2026-04-20', principalFen: 500_000n, interestFen: 0n });
    const paid = buildSchedule({
      principalFen: 500_000n,
      method: 'single',
      installments: 1,
      annualRateBp: 1_800,
      dueDates: dues(1),
      drawdownDate: '2026-03-10',
      interestFreeDays: 0,
    });
    // 41 days × 5,000.00 × 18% / 360 = 102.50
    expect(paid[0]!.interestFen).toBe(10_250n);
    expect(dailyInterestFen(500_000n, 1_800, 41)).toBe(10_250n);
    expect(formatAprPercent(scheduleAprPpm(500_000n, paid, '2026-03-10', true))).toBe('18.00');
  });

  it('an equal-installment schedule discloses its nominal rate as APR', () => {
    const s = buildSchedule({ principalFen: 1_200_000n, method: 'equal_installment', installments: 12, annualRateBp: 1_800, dueDates: dues(12) });
    expect(formatAprPercent(monthlyScheduleAprPpm(1_200_000n, s))).toBe('18.00');
  });

  it('refuses nonsense', () => {
    expect(() => buildSchedule({ principalFen: 0n, method: 'equal_installment', installments: 3, annualRateBp: 1_800, dueDates: dues(3) })).toThrow(RangeError);
    expect(() => buildSchedule({ principalFen: 10n, method: 'equal_installment', installments: 3, annualRateBp: 1_800, dueDates: dues(2) })).toThrow(
      RangeError,
    );
    expect(() => buildSchedule({ principalFen: 10n, method: 'flat_fee', installments: 3, annualRateBp: 0, dueDates: dues(3) })).toThrow(RangeError);
  });

  it('property: principal parts always sum to the principal exactly, no part is negative, balances fall to zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.constantFrom(...REPAYMENT_METHODS.filter((m) => m !== 'single')),
        fc.integer({ min: 1, max: 36 }),
        fc.integer({ min: 0, max: 3_600 }),
        fc.integer({ min: 1, max: 200 }),
        (P, method, n, bp, feeBp) => {
          const s = buildSchedule({
            principalFen: P,
            method,
            installments: n,
            annualRateBp: bp,
            monthlyFeeBp: feeBp,
            dueDates: periodDates('2026-01-31', n, cycle).map((d) => d.dueDate),
          });
          expect(s).toHaveLength(n);
          expect(scheduleTotals(s).principalFen).toBe(P);
          for (const l of s) {
            expect(l.principalFen >= 0n && l.interestFen >= 0n && l.feeFen >= 0n).toBe(true);
            expect(l.totalFen).toBe(l.principalFen + l.interestFen + l.feeFen);
          }
          expect(s[n - 1]!.balanceAfterFen).toBe(0n);
          for (let k = 1; k < n; k++) expect(s[k]!.dueDate > s[k - 1]!.dueDate).toBe(true);
        },
      ),
    );
  });

  it('property: the exact ceiling check agrees with the disclosed APR', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 100n, max: 10n ** 9n }),
        fc.integer({ min: 2, max: 24 }),
        fc.integer({ min: 0, max: 3_600 }),
        fc.integer({ min: 0, max: 4_000 }),
        (P, n, bp, ceiling) => {
          const s = buildSchedule({ principalFen: P, method: 'equal_installment', installments: n, annualRateBp: bp, dueDates: dues(n) });
          const apr = monthlyScheduleAprPpm(P, s);
          expect(withinAprCeiling(P, s, ceiling, '2026-03-10', false)).toBe(apr <= BigInt(ceiling) * 100n);
        },
      ),
      { numRuns: 60 },
    );
  });
});
