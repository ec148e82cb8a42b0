/**
 * Online acquiring order and refund state machines, as data (a transition table checked in one
 * function). Services never compare states with `if`s: they call `transition` and persist the
 * state it returns with a conditional UPDATE on the previous state.
 *
 *   created ──start_payment──▶ paying ──payment_succeeded──▶ succeeded
 *      │                        ├──────payment_failed─────▶ failed
 *      │                        ├──────close / expire─────▶ closed   (the channel's order is closed first)
 *      │                        └──────start_payment──────▶ paying   (the payer picks another method)
 *      ├──close──▶ closed
 *      └──expire─▶ closed
 *   closed ──make_up──▶ succeeded   (补单: reconciliation found the channel took the money of the
 *                                    closed order and the county chose to make it up; the channel
 *                                    is queried first — see PaymentSyncService.makeUp)
 *
 * Only a channel notification or an active query applies `payment_succeeded`/`payment_failed`;
 * a return URL never does. Final states accept no event.
 *
 * Refund sub-state of a succeeded order: none → partial → full, derived from what was refunded.
 */
export const ORDER_STATES = ['created', 'paying', 'succeeded', 'failed', 'closed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_EVENTS = ['start_payment', 'payment_succeeded', 'payment_failed', 'close', 'expire', 'make_up'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

export const CLOSE_REASONS = ['expired', 'closed_by_partner'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const REFUND_SUB_STATES = ['none', 'partial', 'full'] as const;
export type RefundSubState = (typeof REFUND_SUB_STATES)[number];

export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];
export const REFUND_EVENTS = ['refund_succeeded', 'refund_failed'] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

type TransitionTable<S extends string, E extends string> = { readonly [K in S]: { readonly [V in E]?: S } };

export const ORDER_TRANSITIONS: TransitionTable<OrderState, OrderEvent> = {
  created: { start_payment: 'paying', close: 'closed', expire: 'closed' },
  paying: { start_payment: 'paying', payment_succeeded: 'succeeded', payment_failed: 'failed', close: 'closed', expire: 'closed' },
  succeeded: {},
  failed: {},
  closed: { make_up: 'succeeded' },
};

export const REFUND_TRANSITIONS: TransitionTable<RefundState, RefundEvent> = {
  pending: { refund_succeeded: 'succeeded', refund_failed: 'failed' },
  succeeded: {},
  failed: {},
};

export type TransitionResult<S extends string> = { readonly ok: true; readonly state: S } | { readonly ok: false; readonly message: string };

function apply<S extends string, E extends string>(noun: string, table: TransitionTable<S, E>, from: S, event: E): TransitionResult<S> {
  const row: { readonly [V in E]?: S } | undefined = Object.hasOwn(table, from) ? table[from] : undefined;
  const next = row && Object.hasOwn(row, event) ? row[event] : undefined;
  if (next !== undefined) return { ok: true, state: next };
  if (!row) return { ok: false, message: `unknown ${noun} state '${from}'` };
  const allowed = Object.keys(row);
  return {
    ok: false,
    message: `cannot apply '${event}' to ${noun} in state '${from}' (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `'${from}' is final`})`,
  };
}

export function transition(from: OrderState, event: OrderEvent): TransitionResult<OrderState> {
  return apply('an acquiring order', ORDER_TRANSITIONS, from, event);
}

export function transitionRefund(from: RefundState, event: RefundEvent): TransitionResult<RefundState> {
  return apply('a refund', REFUND_TRANSITIONS, from, event);
}

export function isFinalOrderState(state: OrderState): boolean {
  switch (state) {
    case 'created':
    case 'paying':
      return false;
    case 'succeeded':
    case 'failed':
    case 'closed':
      return true;
    default:
      return assertUnreachable(state);
  }
}

/** The refund sub-state of an order paid `paidFen` of which `refundedFen` is refunded. */
export function refundSubState(paidFen: bigint, refundedFen: bigint): RefundSubState {
  if (refundedFen < 0n || refundedFen > paidFen) throw new RangeError(`refunded ${refundedFen} of ${paidFen} fen is impossible`);
  if (refundedFen === 0n) return 'none';
  return refundedFen === paidFen ? 'full' : 'partial';
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
