import { classify, daysPastDue } from './classification';
import {
  type ProductTerms,
  availableFen,
  checkDrawdown,
  checkLimit,
  dailyPenaltyFen,
  earlyRepaymentInterestFen,
  minimumPaymentFen,
  penaltyDue,
  sameRegion,
  validateProduct,
  lapsedInterestFreeFen,
} from './credit-rules';
import { lineTransition, holdTransition, installmentTransition, applicationTransition } from './state-machines';
import { addDays } from './business-date';

const terms: ProductTerms = {
  method: 'equal_installment',
  annualRateBp: 1_800,
  monthlyFeeBp: 0,
  installmentCounts: [1, 3, 6, 12],
  interestFreeDays: 50,
  statementDay: 1,
  dueDay: 20,
  graceDays: 3,
  penaltyMultiplierBp: 15_000,
  minPaymentPrincipalBp: 1_000,
};
const line = { state: 'active' as const, limitFen: 1_000_000n, heldFen: 200_000n, drawnFen: 300_000n, expiresOn: '2027-03-01', region: '510122' };

describe('credit rules', () => {
  it('classifies loans in five categories at 0 / 1 / 91 / 271 / 361 days past due', () => {
    expect([0, 1, 90, 91, 270, 271, 360, 361].map(classify)).toEqual([
      'normal',
      'special_mention',
      'special_mention',
      'substandard',
      'substandard',
      'doubtful',
      'doubtful',
      'loss',
    ]);
    expect(daysPastDue('2026-04-20', '2026-04-20')).toBe(0);
    expect(daysPastDue('2026-04-20', addDays('2026-04-20', 91))).toBe(91);
    expect(daysPastDue(null, '2026-04-20')).toBe(0);
  });

  it('available = limit − held − drawn', () => {
    expect(availableFen(1_000_000n, 200_000n, 300_000n)).toBe(500_000n);
    expect(availableFen(100n, 200n, 0n)).toBe(0n);
  });

  it('accepts a product within the 24% ceiling and refuses one above it (rate or flat fee)', () => {
    expect(validateProduct(terms, 2_400)).toEqual({ ok: true });
    expect(validateProduct({ ...terms, annualRateBp: 2_500 }, 2_400)).toMatchObject({ ok: false, code: 'apr_above_ceiling' });
    // 1.2% a month flat over 12 months ≈ 25.6% APR: above 24% although 14.4% "flat"
    expect(validateProduct({ ...terms, method: 'flat_fee', annualRateBp: 0, monthlyFeeBp: 120, installmentCounts: [12] }, 2_400)).toMatchObject({
      ok: false,
      code: 'apr_above_ceiling',
    });
    expect(validateProduct({ ...terms, method: 'flat_fee', annualRateBp: 0, monthlyFeeBp: 60, installmentCounts: [3, 6, 12] }, 2_400)).toEqual({ ok: true });
    expect(validateProduct({ ...terms, statementDay: 31 }, 2_400)).toMatchObject({ ok: false, code: 'product_invalid', param: 'statementDay' });
    expect(validateProduct({ ...terms, installmentCounts: [3, 3] }, 2_400)).toMatchObject({ ok: false, code: 'product_invalid' });
  });

  it('checks a drawdown: active line, region, installments, available credit, APR ceiling', () => {
    const ok = checkDrawdown(line, terms, 300_000n, 3, '2026-03-10', '510122', 2_400);
    expect(ok.ok).toBe(true);
    expect(checkDrawdown(line, terms, 500_001n, 3, '2026-03-10', '510122', 2_400)).toMatchObject({ code: 'credit_insufficient' });
    expect(checkDrawdown(line, terms, 100n, 3, '2026-03-10', '510124', 2_400)).toMatchObject({ code: 'out_of_region' });
    expect(checkDrawdown(line, terms, 100n, 4, '2026-03-10', '510122', 2_400)).toMatchObject({ code: 'installments_not_allowed' });
    expect(checkDrawdown({ ...line, state: 'frozen' }, terms, 100n, 3, '2026-03-10', '510122', 2_400)).toMatchObject({ code: 'line_not_active' });
    expect(checkDrawdown(line, terms, 100n, 3, '2027-03-02', '510122', 2_400)).toMatchObject({ code: 'line_expired' });
    // the tenant lowered its ceiling below the product's rate after set-up: refused at drawdown
    expect(checkDrawdown(line, terms, 100_000n, 3, '2026-03-10', '510122', 1_500)).toMatchObject({ code: 'apr_above_ceiling' });
  });

  it('a region is the county code or a township inside it', () => {
    expect(sameRegion('510122', '510122')).toBe(true);
    expect(sameRegion('510122101', '510122')).toBe(true);
    expect(sameRegion('510123', '510122')).toBe(false);
    expect(sameRegion('abc', '510122')).toBe(false);
  });

  it('caps unsecured lines at ¥200,000', () => {
    expect(checkLimit(20_000_000n, 20_000_000n)).toEqual({ ok: true });
    expect(checkLimit(20_000_001n, 20_000_000n)).toMatchObject({ code: 'limit_above_unsecured_cap' });
    expect(checkLimit(0n, 20_000_000n)).toMatchObject({ code: 'amount_invalid' });
  });

  it('minimum payment: fees, penalty, interest plus 10% of principal (rounded up)', () => {
    expect(minimumPaymentFen({ feeFen: 1n, penaltyFen: 2n, interestFen: 3n, principalFen: 1_001n }, 1_000)).toBe(107n);
    expect(minimumPaymentFen({ feeFen: 0n, penaltyFen: 0n, interestFen: 0n, principalFen: 0n }, 1_000)).toBe(0n);
  });

  it('penalty: 1.5 × the daily rate, only after the grace days', () => {
    // 10,000.00 × 27% / 360 = 7.50 a day
    expect(dailyPenaltyFen(1_000_000n, 1_800, 15_000)).toBe(750n);
    expect(penaltyDue('2026-04-20', 3, '2026-04-23')).toBe(false);
    expect(penaltyDue('2026-04-20', 3, '2026-04-24')).toBe(true);
  });

  it('early repayment charges interest only to the repayment date', () => {
    // 10 days on 8,000.00 at 18% = 40.00
    expect(earlyRepaymentInterestFen(800_000n, 1_800, '2026-04-20', '2026-04-30')).toBe(4_000n);
  });

  it('state machines: lines freeze and close, holds capture once, installments pay once', () => {
    expect(lineTransition('active', 'freeze')).toEqual({ ok: true, state: 'frozen' });
    expect(lineTransition('frozen', 'unfreeze')).toEqual({ ok: true, state: 'active' });
    expect(lineTransition('closed', 'unfreeze')).toMatchObject({ ok: false, code: 'invalid_state_transition' });
    expect(holdTransition('held', 'capture')).toEqual({ ok: true, state: 'captured' });
    expect(holdTransition('captured', 'release').ok).toBe(false);
    expect(installmentTransition('billed', 'overdue')).toEqual({ ok: true, state: 'overdue' });
    expect(installmentTransition('paid', 'pay').ok).toBe(false);
    expect(applicationTransition('rejected', 'approve').ok).toBe(false);
  });
});

describe('an interest-free single repayment not repaid in full by its due date', () => {
  it('owes simple interest from the drawdown to the due date (1,000.00 × 18 % × 41 / 360 = 20.50)', () => {
    expect(lapsedInterestFreeFen(100_000n, 1_800, '2026-03-10', '2026-04-20')).toBe(2_050n);
    expect(lapsedInterestFreeFen(100_000n, 1_800, '2026-04-20', '2026-04-20')).toBe(0n);
  });
});
