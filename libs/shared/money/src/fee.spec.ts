import fc from 'fast-check';
import { feeFen, fenToJson, formatYuan, toFen } from './fee';

describe('fee rule', () => {
  it('charges 0.38% of 100.00 yuan as 0.38 yuan', () => {
    expect(feeFen(10_000n, 38, 1n)).toBe(38n);
  });
  it('rounds half up to the fen', () => {
    expect(feeFen(1_250n, 38, 0n)).toBe(5n); // 4.75 → 5
    expect(feeFen(1_000n, 38, 0n)).toBe(4n); // 3.8 → 4
    expect(feeFen(1_184n, 38, 0n)).toBe(4n); // 4.4992 → 4
    expect(feeFen(1_316n, 38, 0n)).toBe(5n); // 5.0008 → 5
  });
  it('applies the minimum fee but never charges more than the amount', () => {
    expect(feeFen(10n, 38, 1n)).toBe(1n);
    expect(feeFen(0n, 38, 1n)).toBe(0n);
  });
  it('is monotone in the amount and bounded by amount × rate (rounded) or the minimum', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 10_000 }), fc.bigInt({ min: 0n, max: 1000n }), (a, bp, min) => {
        const f = feeFen(a, bp, min);
        expect(f).toBeGreaterThanOrEqual(0n);
        expect(f).toBeLessThanOrEqual(a);
        expect(feeFen(a + 1n, bp, min)).toBeGreaterThanOrEqual(f);
        const exact2 = a * BigInt(bp) * 2n; // 2 × 10 000 × fee, compare without division
        const rounded = (a * BigInt(bp) + 5_000n) / 10_000n;
        expect(rounded * 20_000n - exact2).toBeLessThanOrEqual(10_000n);
      }),
    );
  });
  it('formats yuan for people and converts JSON amounts strictly', () => {
    expect(formatYuan(123_45n)).toBe('123.45');
    expect(formatYuan(5n)).toBe('0.05');
    expect(toFen(100)).toBe(100n);
    expect(() => toFen(1.5)).toThrow(RangeError);
    expect(() => toFen(-1)).toThrow(RangeError);
    expect(fenToJson(42n)).toBe(42);
  });
});
