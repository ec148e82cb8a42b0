import fc from 'fast-check';
import {
  isTerminalOrderState,
  isTerminalRefundState,
  ORDER_EVENTS,
  ORDER_STATES,
  type OrderEvent,
  type OrderState,
  REFUND_EVENTS,
  REFUND_STATES,
  refundable,
  transition,
  transitionRefund,
} from './order-state';

describe('payment order state machine', () => {
  const allowed: [OrderState, OrderEvent, OrderState][] = [
    ['created', 'start_payment', 'paying'],
    ['created', 'close', 'closed'],
    ['created', 'expire', 'closed'],
    ['paying', 'payment_succeeded', 'succeeded'],
    ['paying', 'payment_failed', 'failed'],
    ['paying', 'reverse', 'closed'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, state: to });
  });

  it('rejects every other (state, event) pair with invalid_state_transition', () => {
    let rejected = 0;
    for (const from of ORDER_STATES) {
      for (const event of ORDER_EVENTS) {
        if (allowed.some(([f, e]) => f === from && e === event)) continue;
        expect(transition(from, event)).toMatchObject({ ok: false, code: 'invalid_state_transition', machine: 'payment_order', from, event });
        rejected++;
      }
    }
    expect(rejected).toBe(ORDER_STATES.length * ORDER_EVENTS.length - allowed.length);
  });

  it('explains the rejection', () => {
    expect(transition('created', 'payment_succeeded')).toMatchObject({
      message: "cannot apply 'payment_succeeded' to a payment order in state 'created' (allowed: start_payment, close, expire)",
    });
    expect(transition('succeeded', 'reverse')).toMatchObject({
      message: "cannot apply 'reverse' to a payment order in state 'succeeded' ('succeeded' is final)",
    });
  });

  it('does not treat prototype keys as states or events', () => {
    expect(transition('toString' as OrderState, 'close').ok).toBe(false);
    expect(transition('created', 'constructor' as OrderEvent).ok).toBe(false);
  });

  it('terminal states are exactly those with no outgoing transition', () => {
    for (const state of ORDER_STATES) {
      const hasExit = ORDER_EVENTS.some((e) => transition(state, e).ok);
      expect(isTerminalOrderState(state)).toBe(!hasExit);
    }
  });

  it('any event sequence from created ends in a reachable state and stops at a terminal one', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_EVENTS), { maxLength: 20 }), (events) => {
        let state: OrderState = 'created';
        let terminalSeen = false;
        for (const event of events) {
          const result = transition(state, event);
          if (terminalSeen) expect(result.ok).toBe(false);
          if (result.ok) state = result.state;
          if (isTerminalOrderState(state)) terminalSeen = true;
        }
        expect(ORDER_STATES).toContain(state);
      }),
    );
  });
});

describe('refund state machine', () => {
  it('pending -> succeeded | failed', () => {
    expect(transitionRefund('pending', 'refund_succeeded')).toEqual({ ok: true, state: 'succeeded' });
    expect(transitionRefund('pending', 'refund_failed')).toEqual({ ok: true, state: 'failed' });
  });

  it('final states accept nothing', () => {
    for (const from of REFUND_STATES.filter((s) => s !== 'pending'))
      for (const event of REFUND_EVENTS) {
        expect(transitionRefund(from, event)).toMatchObject({ ok: false, code: 'invalid_state_transition', machine: 'refund' });
        expect(isTerminalRefundState(from)).toBe(true);
      }
    expect(isTerminalRefundState('pending')).toBe(false);
  });
});

describe('refundable', () => {
  it('allows a partial refund and reports what remains', () => {
    expect(refundable(10_000n, 2_000n, 3_000n, 5_000n)).toEqual({ ok: true, refundableFen: 5_000n, remainingAfterFen: 0n });
  });

  it('counts pending refunds: refuses one fen more than what is left', () => {
    expect(refundable(10_000n, 2_000n, 3_000n, 5_001n)).toEqual({
      ok: false,
      code: 'refund_exceeds_refundable',
      refundableFen: 5_000n,
      message: 'a refund of 5001 fen exceeds what can still be refunded: 5000 fen (paid 10000, refunded 2000, pending 3000)',
    });
  });

  it('refuses zero and negative requests', () => {
    expect(refundable(100n, 0n, 0n, 0n)).toMatchObject({ ok: false, code: 'refund_amount_invalid' });
    expect(refundable(100n, 0n, 0n, -1n)).toMatchObject({ ok: false, code: 'refund_amount_invalid' });
  });

  it('an order already over-committed (inconsistent data) refunds nothing', () => {
    expect(refundable(100n, 80n, 40n, 1n)).toMatchObject({ ok: false, refundableFen: 0n });
  });

  it('throws on negative bookkeeping inputs', () => {
    expect(() => refundable(-1n, 0n, 0n, 1n)).toThrow(RangeError);
    expect(() => refundable(1n, -1n, 0n, 1n)).toThrow(RangeError);
    expect(() => refundable(1n, 0n, -1n, 1n)).toThrow(RangeError);
  });

  it('property: accepted refunds (pending or settled, some failing back) never sum above the payment', () => {
    const step = fc.record({ amount: fc.bigInt({ min: 1n, max: 20_000n }), outcome: fc.constantFrom('succeed', 'fail', 'stay_pending') });
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 50_000n }), fc.array(step, { maxLength: 30 }), (paid, steps) => {
        let refunded = 0n;
        let pending = 0n;
        for (const { amount, outcome } of steps) {
          const decision = refundable(paid, refunded, pending, amount);
          expect(decision.ok).toBe(amount <= paid - refunded - pending);
          if (!decision.ok) continue;
          if (outcome === 'succeed') refunded += amount;
          else if (outcome === 'stay_pending') pending += amount;
          expect(refunded + pending).toBeLessThanOrEqual(paid);
        }
      }),
      { numRuns: 500 },
    );
  });
});
