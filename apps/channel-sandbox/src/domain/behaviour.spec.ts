import { behaviourForAmount, isBehaviour, payerHasConfirmed, planFor, BEHAVIOURS } from './behaviour';

describe('magic amounts', () => {
  it.each([
    [1011n, 'decline:insufficient_funds'],
    [12n, 'decline:card_frozen'],
    [99913n, 'decline:risk_rejected'],
    [2021n, 'user_paying_then_success'],
    [2022n, 'user_paying_forever'],
    [531n, 'timeout'],
    [10041n, 'duplicate_notify'],
    [10042n, 'out_of_order_notify'],
    [10043n, 'late_notify'],
  ] as const)('%s fen selects %s by its last two digits', (amount, behaviour) => {
    expect(behaviourForAmount(amount)).toBe(behaviour);
  });

  it.each([1n, 100n, 10000n, 1110n, 1124n, 1014n, 1023n, 1044n, 111n * 10n])('%s fen succeeds immediately', (amount) => {
    expect(behaviourForAmount(amount)).toBe('succeed');
  });

  it('looks at the last two digits only, however large the amount', () => {
    expect(behaviourForAmount(9_007_199_254_740_911n)).toBe('decline:insufficient_funds');
    expect(behaviourForAmount(100_000_000_021n)).toBe('user_paying_then_success');
  });
});

describe('payment plans', () => {
  it('declines with the reason named by the behaviour', () => {
    expect(planFor('decline:insufficient_funds').outcome).toEqual({ status: 'failed', reason: 'insufficient_funds' });
    expect(planFor('decline:card_frozen').outcome).toEqual({ status: 'failed', reason: 'card_frozen' });
    expect(planFor('decline:risk_rejected').outcome).toEqual({ status: 'failed', reason: 'risk_rejected' });
  });

  it('keeps the payer paying, settling later or never', () => {
    expect(planFor('user_paying_then_success').outcome).toEqual({ status: 'user_paying', settles: true });
    expect(planFor('user_paying_forever').outcome).toEqual({ status: 'user_paying', settles: false });
  });

  it('a timeout hangs but the payment goes through', () => {
    expect(planFor('timeout')).toEqual({ outcome: { status: 'succeeded' }, hang: true, notify: 'once' });
    expect(planFor('succeed').hang).toBe(false);
  });

  it('delivers notifications as the behaviour says', () => {
    expect(planFor('duplicate_notify').notify).toBe('twice');
    expect(planFor('out_of_order_notify').notify).toBe('stale_after');
    expect(planFor('late_notify').notify).toBe('late');
    expect(planFor('succeed').notify).toBe('once');
  });

  it('has a plan for every behaviour and knows the list', () => {
    for (const b of BEHAVIOURS) expect(planFor(b)).toBeDefined();
    expect(isBehaviour('late_notify')).toBe(true);
    expect(isBehaviour('decline:whatever')).toBe(false);
  });
});

describe('a waiting payer confirms', () => {
  it('on the second status query', () => {
    expect(payerHasConfirmed(1, 0, 2000)).toBe(false);
    expect(payerHasConfirmed(2, 0, 2000)).toBe(true);
  });

  it('or once the delay has passed', () => {
    expect(payerHasConfirmed(0, 1999, 2000)).toBe(false);
    expect(payerHasConfirmed(0, 2000, 2000)).toBe(true);
  });
});
