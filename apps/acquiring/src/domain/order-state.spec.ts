import { ORDER_STATES, ORDER_TRANSITIONS, isFinalOrderState, refundSubState, transition, transitionRefund } from './order-state';

describe('acquiring order state table', () => {
  it.each([
    ['created', 'start_payment', 'paying'],
    ['created', 'close', 'closed'],
    ['created', 'expire', 'closed'],
    ['paying', 'payment_succeeded', 'succeeded'],
    ['paying', 'payment_failed', 'failed'],
    ['paying', 'close', 'closed'],
    ['paying', 'expire', 'closed'],
    ['paying', 'start_payment', 'paying'],
    ['closed', 'make_up', 'succeeded'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, state: to });
  });

  it('a created order cannot succeed without a payment, and final states accept nothing but the make-up of a closed order', () => {
    expect(transition('created', 'payment_succeeded')).toMatchObject({ ok: false });
    for (const s of ORDER_STATES.filter(isFinalOrderState)) {
      expect(Object.keys(ORDER_TRANSITIONS[s])).toEqual(s === 'closed' ? ['make_up'] : []);
      expect(transition(s, 'payment_succeeded')).toMatchObject({ ok: false });
    }
    expect(transition('succeeded', 'payment_succeeded')).toMatchObject({ message: expect.stringContaining('final') });
    // only a closed order is made up: never a failed one, never one that is still in progress
    for (const s of ['created', 'paying', 'succeeded', 'failed'] as const) expect(transition(s, 'make_up')).toMatchObject({ ok: false });
  });

  it('refunds: pending → succeeded | failed, once', () => {
    expect(transitionRefund('pending', 'refund_succeeded')).toEqual({ ok: true, state: 'succeeded' });
    expect(transitionRefund('succeeded', 'refund_failed')).toMatchObject({ ok: false });
  });

  it('refund sub-state follows what was refunded', () => {
    expect(refundSubState(100n, 0n)).toBe('none');
    expect(refundSubState(100n, 1n)).toBe('partial');
    expect(refundSubState(100n, 100n)).toBe('full');
    expect(() => refundSubState(100n, 101n)).toThrow(RangeError);
  });
});
