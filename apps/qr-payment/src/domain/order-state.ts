/**
 * Payment order and refund state machines, as data. Services never compare states with
 * `if`s: they call `transition` / `transitionRefund` and persist the state it returns
 * (with a conditional UPDATE on the previous state).
 *
 *   created ──start_payment──▶ paying ──payment_succeeded──▶ succeeded
 *      │                         ├────payment_failed─────▶ failed
 *      │                         └────reverse────────────▶ closed   (reversal after a timeout)
 *      ├──close──▶ closed      (merchant or partner closes the order)
 *      └──expire─▶ closed      (order expiry)
 *
 *   refund: pending ──refund_succeeded──▶ succeeded
 *                   └─refund_failed─────▶ failed
 *
 * Terminal states accept no event: a duplicate channel notification is answered by the
 * service from the stored state, not by the machine.
 */
export const ORDER_STATES = ['created', 'paying', 'succeeded', 'failed', 'closed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_EVENTS = ['start_payment', 'payment_succeeded', 'payment_failed', 'close', 'expire', 'reverse'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** Why an order was closed: expired unpaid, closed by the partner, reversed at the channel. */
export const CLOSE_REASONS = ['expired', 'closed_by_partner', 'reversed'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_EVENTS = ['refund_succeeded', 'refund_failed'] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

type TransitionTable<S extends string, E extends string> = { readonly [K in S]: { readonly [V in E]?: S } };

/** Every state must appear (compile-time check through the mapped type). */
export const ORDER_TRANSITIONS: TransitionTable<OrderState, OrderEvent> = {
  created: { start_payment: 'paying', close: 'closed', expire: 'closed' },
  paying: { payment_succeeded: 'succeeded', payment_failed: 'failed', reverse: 'closed' },
  succeeded: {},
  failed: {},
  closed: {},
};

export const REFUND_TRANSITIONS: TransitionTable<RefundState, RefundEvent> = {
  pending: { refund_succeeded: 'succeeded', refund_failed: 'failed' },
  succeeded: {},
  failed: {},
};

export type StateMachineErrorCode = 'invalid_state_transition';

export interface InvalidTransition<S extends string, E extends string> {
  readonly ok: false;
  readonly code: StateMachineErrorCode;
  readonly machine: 'payment_order' | 'refund';
  readonly from: S;
  readonly event: E;
  readonly message: string;
}

export type TransitionResult<S extends string, E extends string> = { readonly ok: true; readonly state: S } | InvalidTransition<S, E>;

function apply<S extends string, E extends string>(
  machine: 'payment_order' | 'refund',
  table: TransitionTable<S, E>,
  from: S,
  event: E,
): TransitionResult<S, E> {
  const row: { readonly [V in E]?: S } | undefined = Object.hasOwn(table, from) ? table[from] : undefined;
  const next = row && Object.hasOwn(row, event) ? row[event] : undefined;
  if (next !== undefined) return { ok: true, state: next };
  const allowed = row ? Object.keys(row) : [];
  const noun = machine === 'payment_order' ? 'a payment order' : 'a refund';
  return {
    ok: false,
    code: 'invalid_state_transition',
    machine,
    from,
    event,
    message: row
      ? `cannot apply '${event}' to ${noun} in state '${from}' (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `'${from}' is final`})`
      : `unknown ${machine} state '${from}'`,
  };
}

export function transition(from: OrderState, event: OrderEvent): TransitionResult<OrderState, OrderEvent> {
  return apply('payment_order', ORDER_TRANSITIONS, from, event);
}

export function transitionRefund(from: RefundState, event: RefundEvent): TransitionResult<RefundState, RefundEvent> {
  return apply('refund', REFUND_TRANSITIONS, from, event);
}

/** Exhaustive over the states: adding a state without deciding here fails to compile. */
export function isTerminalOrderState(state: OrderState): boolean {
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

export function isTerminalRefundState(state: RefundState): boolean {
  switch (state) {
    case 'pending':
      return false;
    case 'succeeded':
    case 'failed':
      return true;
    default:
      return assertUnreachable(state);
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

// ---------------------------------------------------------------------------------------
// Refund amount rule
// ---------------------------------------------------------------------------------------

export type RefundRuleErrorCode = 'refund_amount_invalid' | 'refund_exceeds_refundable';

export type RefundableDecision =
  | { readonly ok: true; readonly refundableFen: bigint; readonly remainingAfterFen: bigint }
  | { readonly ok: false; readonly code: RefundRuleErrorCode; readonly refundableFen: bigint; readonly message: string };

/**
 * May a refund of `requestFen` be accepted on an order that was paid `paidFen`, of which
 * `refundedFen` is already refunded and `pendingFen` is in pending refunds? Pending refunds
 * count as spent (they may still succeed), so the sum of refunds never exceeds the payment.
 * Amounts are integer fen (`bigint`); a negative input is a bug and throws RangeError.
 */
export function refundable(paidFen: bigint, refundedFen: bigint, pendingFen: bigint, requestFen: bigint): RefundableDecision {
  for (const [name, value] of [
    ['paidFen', paidFen],
    ['refundedFen', refundedFen],
    ['pendingFen', pendingFen],
  ] as const) {
    if (typeof value !== 'bigint' || value < 0n) throw new RangeError(`${name} must be a non-negative bigint, got ${String(value)}`);
  }
  const committed = refundedFen + pendingFen;
  const refundableFen = committed >= paidFen ? 0n : paidFen - committed;
  if (typeof requestFen !== 'bigint' || requestFen <= 0n)
    return {
      ok: false,
      code: 'refund_amount_invalid',
      refundableFen,
      message: `a refund amount must be a positive integer number of fen, got ${String(requestFen)}`,
    };
  if (requestFen > refundableFen)
    return {
      ok: false,
      code: 'refund_exceeds_refundable',
      refundableFen,
      message: `a refund of ${requestFen} fen exceeds what can still be refunded: ${refundableFen} fen (paid ${paidFen}, refunded ${refundedFen}, pending ${pendingFen})`,
    };
  return { ok: true, refundableFen, remainingAfterFen: refundableFen - requestFen };
}
