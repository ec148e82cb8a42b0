import { CASE_ACTIONS, CASE_STATUSES, nextCaseStatus, resolutionOf } from './recon-case-state';

describe('reconciliation case transitions', () => {
  it('an amount mismatch goes to review, an adjustment is proposed, then approved', () => {
    expect(nextCaseStatus('open', 'to_review')).toBe('pending_review');
    expect(nextCaseStatus('pending_review', 'propose_adjustment')).toBe('pending_approval');
    expect(nextCaseStatus('pending_approval', 'approve_adjustment')).toBe('resolved');
    expect(resolutionOf('approve_adjustment')).toBe('adjustment_posted');
  });

  it('an adjustment cannot be approved before it is proposed, nor proposed twice', () => {
    expect(nextCaseStatus('open', 'approve_adjustment')).toBeUndefined();
    expect(nextCaseStatus('pending_review', 'approve_adjustment')).toBeUndefined();
    expect(nextCaseStatus('pending_approval', 'propose_adjustment')).toBeUndefined();
  });

  it('a resolved case accepts nothing (a re-run never reopens or doubles it)', () => {
    for (const a of CASE_ACTIONS) expect(nextCaseStatus('resolved', a)).toBeUndefined();
  });

  it('every action that ends in resolved names a resolution, and only those', () => {
    for (const s of CASE_STATUSES)
      for (const a of CASE_ACTIONS) {
        const to = nextCaseStatus(s, a);
        if (to === 'resolved') expect(resolutionOf(a)).toBeDefined();
        if (to && to !== 'resolved') expect(resolutionOf(a)).toBeUndefined();
      }
  });
});
