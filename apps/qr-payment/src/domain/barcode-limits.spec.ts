import fc from 'fast-check';
import {
  applicableBarcodeLimit,
  barcodeLimitDecision,
  type BarcodeCodeKind,
  type BarcodeRiskLevel,
  checkBarcodeLimit,
  formatYuan,
  REGULATORY_LIMIT_FEN,
  type TenantBarcodeLimits,
  verificationLevel,
  type VerificationFactor,
} from './barcode-limits';

describe('verificationLevel', () => {
  it.each<[VerificationFactor[], BarcodeRiskLevel]>([
    [[], 'C'],
    [['payment_password'], 'C'],
    [['digital_certificate'], 'C'],
    [['payment_password', 'payment_password'], 'C'],
    [['payment_password', 'sms_otp'], 'B'],
    [['fingerprint', 'device_binding', 'sms_otp'], 'B'],
    [['payment_password', 'digital_certificate'], 'A'],
    [['electronic_signature', 'face'], 'A'],
  ])('%j -> level %s', (factors, level) => {
    expect(verificationLevel(factors)).toBe(level);
  });
});

describe('checkBarcodeLimit scenarios', () => {
  it('static code: ¥500 per day whatever the verification', () => {
    const base = { codeKind: 'static' as const, verification: { level: 'A' as const }, alreadyPaidTodayFen: 0n };
    expect(checkBarcodeLimit({ ...base, amountFen: 50_000n })).toEqual({ allowed: true, limitFen: 50_000n });
    expect(checkBarcodeLimit({ ...base, amountFen: 50_001n })).toEqual({
      allowed: false,
      code: 'barcode_limit_exceeded',
      limitFen: 50_000n,
      remainingFen: 50_000n,
      message:
        "the payer's static-code payments are limited to ¥500.00 per day (Asia/Shanghai); ¥0.00 already paid today, ¥500.00 remaining, ¥500.01 requested",
    });
  });

  it('dynamic level C: ¥1,000 per day, counting what was already paid', () => {
    const base = { codeKind: 'dynamic' as const, verification: { factors: ['payment_password' as const] } };
    expect(checkBarcodeLimit({ ...base, alreadyPaidTodayFen: 80_000n, amountFen: 20_000n }).allowed).toBe(true);
    expect(checkBarcodeLimit({ ...base, alreadyPaidTodayFen: 80_000n, amountFen: 20_001n })).toMatchObject({
      allowed: false,
      limitFen: 100_000n,
      remainingFen: 20_000n,
      message:
        "the payer's dynamic-code payments at verification level C are limited to ¥1,000.00 per day (Asia/Shanghai); ¥800.00 already paid today, ¥200.00 remaining, ¥200.01 requested",
    });
  });

  it('dynamic level B: ¥5,000 per day', () => {
    const base = { codeKind: 'dynamic' as const, verification: { factors: ['payment_password', 'sms_otp'] as VerificationFactor[] } };
    expect(checkBarcodeLimit({ ...base, alreadyPaidTodayFen: 0n, amountFen: 500_000n }).allowed).toBe(true);
    expect(checkBarcodeLimit({ ...base, alreadyPaidTodayFen: 1n, amountFen: 500_000n })).toMatchObject({
      allowed: false,
      limitFen: 500_000n,
      remainingFen: 499_999n,
    });
  });

  it('dynamic level A: by agreement, possibly unlimited; level B limit when there is no agreement', () => {
    const base = { codeKind: 'dynamic' as const, verification: { level: 'A' as const }, alreadyPaidTodayFen: 0n };
    expect(checkBarcodeLimit({ ...base, amountFen: 2_000_000n, tenantLimits: { levelAFen: 'unlimited' } })).toEqual({ allowed: true, limitFen: 'unlimited' });
    expect(checkBarcodeLimit({ ...base, amountFen: 2_000_000n, tenantLimits: { levelAFen: 2_000_000n } }).allowed).toBe(true);
    expect(checkBarcodeLimit({ ...base, amountFen: 2_000_001n, tenantLimits: { levelAFen: 2_000_000n } }).allowed).toBe(false);
    expect(checkBarcodeLimit({ ...base, amountFen: 500_001n })).toMatchObject({ allowed: false, limitFen: 500_000n });
  });

  it('tenant limits lower the regulation but never raise it', () => {
    const dyn = (level: BarcodeRiskLevel, tenantLimits: TenantBarcodeLimits) => applicableBarcodeLimit('dynamic', level, tenantLimits);
    expect(applicableBarcodeLimit('static', 'C', { staticFen: 20_000n })).toBe(20_000n);
    expect(applicableBarcodeLimit('static', 'C', { staticFen: 90_000n })).toBe(50_000n);
    expect(dyn('C', { levelCFen: 30_000n })).toBe(30_000n);
    expect(dyn('C', { levelCFen: 300_000n })).toBe(100_000n);
    expect(dyn('B', { levelBFen: 900_000n })).toBe(500_000n);
    expect(dyn('B', { levelBFen: 0n })).toBe(0n);
  });

  it('payer already over the limit (e.g. the tenant lowered it mid-day): remaining is 0', () => {
    expect(checkBarcodeLimit({ codeKind: 'static', verification: { level: 'C' }, alreadyPaidTodayFen: 60_000n, amountFen: 1n })).toMatchObject({
      allowed: false,
      remainingFen: 0n,
    });
  });

  it('refuses nonsense inputs loudly', () => {
    const base = { codeKind: 'static' as const, verification: { level: 'C' as const }, alreadyPaidTodayFen: 0n };
    expect(() => checkBarcodeLimit({ ...base, amountFen: 0n })).toThrow(RangeError);
    expect(() => checkBarcodeLimit({ ...base, amountFen: -1n })).toThrow(RangeError);
    expect(() => checkBarcodeLimit({ ...base, amountFen: 1n, alreadyPaidTodayFen: -1n })).toThrow(RangeError);
    expect(() => checkBarcodeLimit({ ...base, amountFen: 1n, tenantLimits: { staticFen: -1n } })).toThrow(RangeError);
  });
});

describe('checkBarcodeLimit properties', () => {
  const codeKind = fc.constantFrom<BarcodeCodeKind>('static', 'dynamic');
  const level = fc.constantFrom<BarcodeRiskLevel>('A', 'B', 'C');
  const fen = (max: bigint) => fc.bigInt({ min: 0n, max });
  const tenantLimits: fc.Arbitrary<TenantBarcodeLimits> = fc.record(
    {
      staticFen: fen(2_000_000n),
      levelCFen: fen(2_000_000n),
      levelBFen: fen(2_000_000n),
      levelAFen: fc.oneof(fen(5_000_000n), fc.constant('unlimited' as const)),
    },
    { requiredKeys: [] },
  );
  const input = fc.record({
    codeKind,
    verification: level.map((l) => ({ level: l })),
    amountFen: fc.bigInt({ min: 1n, max: 2_000_000n }),
    alreadyPaidTodayFen: fen(2_000_000n),
    tenantLimits,
  });

  it('allowed iff the day total stays within the applicable limit', () => {
    fc.assert(
      fc.property(input, (i) => {
        const limit = applicableBarcodeLimit(i.codeKind, i.verification.level, i.tenantLimits);
        const decision = checkBarcodeLimit(i);
        const total = i.alreadyPaidTodayFen + i.amountFen;
        expect(decision.allowed).toBe(limit === 'unlimited' || total <= limit);
        if (!decision.allowed) {
          expect(decision.limitFen).toBe(limit);
          expect(decision.remainingFen).toBe(i.alreadyPaidTodayFen >= decision.limitFen ? 0n : decision.limitFen - i.alreadyPaidTodayFen);
          expect(decision.remainingFen).toBeLessThan(i.amountFen);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets a sequence of payments exceed the limit in one day', () => {
    fc.assert(
      fc.property(
        codeKind,
        level.filter((l) => l !== 'A'),
        tenantLimits,
        fc.array(fc.bigInt({ min: 1n, max: 300_000n }), { maxLength: 40 }),
        (kind, lvl, limits, attempts) => {
          let paid = 0n;
          for (const amountFen of attempts) {
            const d = checkBarcodeLimit({ codeKind: kind, verification: { level: lvl }, amountFen, alreadyPaidTodayFen: paid, tenantLimits: limits });
            if (d.allowed) paid += amountFen;
          }
          const limit = applicableBarcodeLimit(kind, lvl, limits);
          expect(limit).not.toBe('unlimited');
          if (limit !== 'unlimited') expect(paid).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });

  it('a tenant override never raises a limit above the regulation (level A aside)', () => {
    fc.assert(
      fc.property(codeKind, level, tenantLimits, (kind, lvl, limits) => {
        const limit = applicableBarcodeLimit(kind, lvl, limits);
        const ceiling =
          kind === 'static'
            ? REGULATORY_LIMIT_FEN.static
            : lvl === 'C'
              ? REGULATORY_LIMIT_FEN.dynamicC
              : lvl === 'B'
                ? REGULATORY_LIMIT_FEN.dynamicB
                : undefined;
        if (ceiling !== undefined) {
          expect(limit !== 'unlimited' && limit <= ceiling).toBe(true);
        }
        // and never above the tenant's own lower value
        const own = kind === 'static' ? limits.staticFen : lvl === 'C' ? limits.levelCFen : lvl === 'B' ? limits.levelBFen : undefined;
        if (own !== undefined && limit !== 'unlimited') expect(limit <= own).toBe(true);
      }),
    );
  });
});

describe('barcodeLimitDecision', () => {
  it('is the same decision as a payment-intake rule: a refusal names amountFen', () => {
    const base = { codeKind: 'static' as const, verification: { level: 'C' as const }, alreadyPaidTodayFen: 40_000n };
    expect(barcodeLimitDecision({ ...base, amountFen: 10_000n })).toEqual({ ok: true, value: 50_000n });
    expect(barcodeLimitDecision({ ...base, amountFen: 10_001n })).toMatchObject({ ok: false, code: 'barcode_limit_exceeded', param: 'amountFen' });
  });
});

describe('formatYuan', () => {
  it.each([
    [0n, '¥0.00'],
    [1n, '¥0.01'],
    [50_000n, '¥500.00'],
    [123_456_789n, '¥1,234,567.89'],
  ])('%s fen -> %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });
});
