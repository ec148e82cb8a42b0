import { quickPayLimitsOf, withinDailyLimit } from './quickpay-limits';

describe('quick-pay daily limits by verification strength', () => {
  it('two factors: ¥5,000 a day per card, exactly up to it', () => {
    expect(withinDailyLimit('two_factor', 400_000n, 100_000n)).toEqual({ ok: true });
    expect(withinDailyLimit('two_factor', 400_000n, 100_001n)).toMatchObject({ ok: false, limitFen: 500_000n });
  });
  it('fewer factors: ¥1,000; a certificate with two factors: by agreement', () => {
    expect(withinDailyLimit('single_factor', 0n, 100_001n)).toMatchObject({ ok: false, limitFen: 100_000n });
    expect(withinDailyLimit('certificate_two_factor', 10n ** 9n, 10n ** 9n)).toEqual({ ok: true });
  });
  it('a county may lower the limits', () => {
    expect(withinDailyLimit('two_factor', 0n, 300_000n, { twoFactorFen: 200_000n, singleFactorFen: 50_000n })).toMatchObject({ ok: false, limitFen: 200_000n });
  });
  it("a county's config lowers them, never raises them; the certificate limit is the county's agreement", () => {
    expect(quickPayLimitsOf(undefined)).toEqual({ twoFactorFen: 500_000n, singleFactorFen: 100_000n, certificateTwoFactorFen: null });
    expect(quickPayLimitsOf({ twoFactorFen: 10_000, singleFactorFen: 900_000 })).toEqual({
      twoFactorFen: 10_000n,
      singleFactorFen: 100_000n,
      certificateTwoFactorFen: null,
    });
    const agreed = quickPayLimitsOf({ certificateTwoFactorFen: 5_000_000 });
    expect(withinDailyLimit('certificate_two_factor', 4_000_000n, 1_000_001n, agreed)).toMatchObject({ ok: false, limitFen: 5_000_000n });
    expect(withinDailyLimit('certificate_two_factor', 4_000_000n, 1_000_000n, agreed)).toEqual({ ok: true });
  });
});
