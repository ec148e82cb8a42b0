import { ApiError, MERCHANT_STATUSES as PUBLISHED } from '@countypay/contracts';
import {
  MERCHANT_ACTIONS,
  MERCHANT_STATUSES,
  MERCHANT_TRANSITIONS,
  merchantAcceptsChanges,
  nextMerchantStatus,
  publishedMerchantStatus,
} from './merchant-status';

describe('merchant status machine', () => {
  it.each([
    ['pending_review', 'approve', 'active'],
    ['pending_review', 'reject', 'rejected'],
    ['active', 'suspend', 'suspended'],
    ['suspended', 'resume', 'active'],
    ['active', 'close', 'closed'],
    ['suspended', 'close', 'closed'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextMerchantStatus(from, action)).toBe(to);
  });

  it('refuses every other transition with 409 invalid_state_transition', () => {
    let refused = 0;
    for (const from of MERCHANT_STATUSES) {
      for (const action of MERCHANT_ACTIONS) {
        if (MERCHANT_TRANSITIONS[action].from.includes(from)) continue;
        refused += 1;
        try {
          nextMerchantStatus(from, action);
          throw new Error(`expected ${action} from ${from} to be refused`);
        } catch (e) {
          expect(e).toBeInstanceOf(ApiError);
          expect((e as ApiError).code).toBe('invalid_state_transition');
        }
      }
    }
    expect(refused).toBe(5 * 5 - 6);
  });

  it('closed and rejected are final', () => {
    for (const action of MERCHANT_ACTIONS) {
      expect(() => nextMerchantStatus('closed', action)).toThrow(ApiError);
      expect(() => nextMerchantStatus('rejected', action)).toThrow(ApiError);
    }
    expect(merchantAcceptsChanges('closed')).toBe(false);
    expect(merchantAcceptsChanges('rejected')).toBe(false);
    expect(merchantAcceptsChanges('pending_review')).toBe(true);
  });

  it('publishes only statuses the event contract knows (rejected as closed)', () => {
    for (const s of MERCHANT_STATUSES) expect(PUBLISHED).toContain(publishedMerchantStatus(s));
    expect(publishedMerchantStatus('rejected')).toBe('closed');
    expect(publishedMerchantStatus('active')).toBe('active');
  });
});
