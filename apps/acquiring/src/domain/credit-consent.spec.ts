import { consentStillValid, creditConsentBinding, creditPaymentRef, CREDIT_CONSENT_VALID_MS, mobileMatchesLine } from './credit-consent';

describe('county credit consent at the cashier', () => {
  it('the entered mobile must match the masked reserved one', () => {
    expect(mobileMatchesLine('13800138000', '138****8000')).toBe(true);
    expect(mobileMatchesLine('13900138000', '138****8000')).toBe(false);
    expect(mobileMatchesLine('13800138001', '138****8000')).toBe(false);
  });
  it('a consent code is bound to order, amount and line', () => {
    const b = creditConsentBinding('o1', 12_800n, 'l1');
    expect(b).toBe('credit:o1:12800:l1');
    expect(creditConsentBinding('o1', 12_801n, 'l1')).not.toBe(b);
    expect(creditConsentBinding('o1', 12_800n, 'l2')).not.toBe(b);
    expect(b.startsWith('pay:')).toBe(false);
  });
  it('a consent lasts 15 minutes; none is no consent', () => {
    const at = new Date('2026-11-30T01:00:00Z');
    expect(consentStillValid(at, new Date(at.getTime() + CREDIT_CONSENT_VALID_MS))).toBe(true);
    expect(consentStillValid(at, new Date(at.getTime() + CREDIT_CONSENT_VALID_MS + 1))).toBe(false);
    expect(consentStillValid(null, at)).toBe(false);
    expect(consentStillValid(at, new Date(at.getTime() - 1000))).toBe(false);
  });
  it('one hold per order', () => {
    expect(creditPaymentRef('9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c')).toBe('acquiring-order:9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c');
  });
});
