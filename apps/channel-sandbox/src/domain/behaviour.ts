/**
 * How a simulated channel answers a payment. Chosen per payment: an admin scenario for the
 * order (or for the channel's next call) wins, else the amount's last two digits (the "magic
 * amounts" of README.md), else an immediate success.
 */
export const DECLINE_REASONS = ['insufficient_funds', 'card_frozen', 'risk_rejected', 'agreement_revoked', 'agreement_unknown'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export const BEHAVIOURS = [
  'succeed',
  'decline:insufficient_funds',
  'decline:card_frozen',
  'decline:risk_rejected',
  // card quick pay on an agreement the county bank revoked (解约) or never signed: chosen by the bank, not by amount
  'decline:agreement_revoked',
  'decline:agreement_unknown',
  'user_paying_then_success',
  'user_paying_forever',
  'timeout',
  'duplicate_notify',
  'out_of_order_notify',
  'late_notify',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export function isBehaviour(value: unknown): value is Behaviour {
  return typeof value === 'string' && (BEHAVIOURS as readonly string[]).includes(value);
}

/** The magic amounts: the last two digits of the amount in fen select a behaviour. */
const MAGIC: ReadonlyMap<bigint, Behaviour> = new Map<bigint, Behaviour>([
  [11n, 'decline:insufficient_funds'],
  [12n, 'decline:card_frozen'],
  [13n, 'decline:risk_rejected'],
  [21n, 'user_paying_then_success'],
  [22n, 'user_paying_forever'],
  [31n, 'timeout'],
  [41n, 'duplicate_notify'],
  [42n, 'out_of_order_notify'],
  [43n, 'late_notify'],
]);

export function behaviourForAmount(amountFen: bigint): Behaviour {
  return MAGIC.get(amountFen % 100n) ?? 'succeed';
}

/** What the channel does with a payment under a behaviour. */
export interface PaymentPlan {
  /** the answer of the payment call: decided now, or `user_paying` (the payer confirms later) */
  outcome: { status: 'succeeded' } | { status: 'failed'; reason: DeclineReason } | { status: 'user_paying'; settles: boolean };
  /** the HTTP call hangs for SANDBOX_TIMEOUT_MS and answers 504 (the payment itself went through) */
  hang: boolean;
  /** how the asynchronous notification of the final state is delivered */
  notify: 'once' | 'twice' | 'stale_after' | 'late';
}

export function planFor(behaviour: Behaviour): PaymentPlan {
  switch (behaviour) {
    case 'succeed':
      return { outcome: { status: 'succeeded' }, hang: false, notify: 'once' };
    case 'decline:insufficient_funds':
    case 'decline:card_frozen':
    case 'decline:risk_rejected':
    case 'decline:agreement_revoked':
    case 'decline:agreement_unknown':
      return { outcome: { status: 'failed', reason: behaviour.slice('decline:'.length) as DeclineReason }, hang: false, notify: 'once' };
    case 'user_paying_then_success':
      return { outcome: { status: 'user_paying', settles: true }, hang: false, notify: 'once' };
    case 'user_paying_forever':
      return { outcome: { status: 'user_paying', settles: false }, hang: false, notify: 'once' };
    case 'timeout':
      return { outcome: { status: 'succeeded' }, hang: true, notify: 'once' };
    case 'duplicate_notify':
      return { outcome: { status: 'succeeded' }, hang: false, notify: 'twice' };
    case 'out_of_order_notify':
      return { outcome: { status: 'succeeded' }, hang: false, notify: 'stale_after' };
    case 'late_notify':
      return { outcome: { status: 'succeeded' }, hang: false, notify: 'late' };
  }
}

/**
 * A `user_paying_then_success` payment: the payer confirms by the second status query or once
 * `settleAfterMs` have passed since it was created, whichever comes first.
 */
export function payerHasConfirmed(queries: number, ageMs: number, settleAfterMs: number): boolean {
  return queries >= 2 || ageMs >= settleAfterMs;
}
