/**
 * The credit state machines, as data (transition tables checked in one function).
 *
 *   application: pending ──approve──▶ approved
 *                        └─reject───▶ rejected
 *   line:        active ⇄ frozen (freeze / unfreeze); active|frozen ──close──▶ closed; expired lines
 *                are closed by `expire`
 *   hold:        held ──capture──▶ captured (became a drawdown)
 *                     └─release──▶ released (order closed or failed)
 *   loan:        active ──pay_off──▶ paid_off
 *                       └─reverse──▶ reversed (refund before billing)
 *   installment: pending ──bill──▶ billed ──pay──▶ paid; billed ──overdue──▶ overdue ──pay──▶ paid;
 *                pending|billed ──cancel──▶ cancelled (refund, early repayment of future principal)
 */
type TransitionTable<S extends string, E extends string> = { readonly [K in S]: { readonly [V in E]?: S } };

export const APPLICATION_STATES = ['pending', 'approved', 'rejected'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
export type ApplicationEvent = 'approve' | 'reject';
export const APPLICATION_TRANSITIONS: TransitionTable<ApplicationState, ApplicationEvent> = {
  pending: { approve: 'approved', reject: 'rejected' },
  approved: {},
  rejected: {},
};

export const LINE_STATES = ['active', 'frozen', 'closed'] as const;
export type LineState = (typeof LINE_STATES)[number];
export type LineEvent = 'freeze' | 'unfreeze' | 'close' | 'expire';
export const LINE_TRANSITIONS: TransitionTable<LineState, LineEvent> = {
  active: { freeze: 'frozen', close: 'closed', expire: 'closed' },
  frozen: { unfreeze: 'active', close: 'closed', expire: 'closed' },
  closed: {},
};

export const HOLD_STATES = ['held', 'captured', 'released'] as const;
export type HoldState = (typeof HOLD_STATES)[number];
export type HoldEvent = 'capture' | 'release';
export const HOLD_TRANSITIONS: TransitionTable<HoldState, HoldEvent> = {
  held: { capture: 'captured', release: 'released' },
  captured: {},
  released: {},
};

export const LOAN_STATES = ['active', 'paid_off', 'reversed'] as const;
export type LoanState = (typeof LOAN_STATES)[number];
export type LoanEvent = 'pay_off' | 'reverse';
export const LOAN_TRANSITIONS: TransitionTable<LoanState, LoanEvent> = {
  active: { pay_off: 'paid_off', reverse: 'reversed' },
  paid_off: {},
  reversed: {},
};

export const INSTALLMENT_STATES = ['pending', 'billed', 'overdue', 'paid', 'cancelled'] as const;
export type InstallmentState = (typeof INSTALLMENT_STATES)[number];
export type InstallmentEvent = 'bill' | 'overdue' | 'pay' | 'cancel';
export const INSTALLMENT_TRANSITIONS: TransitionTable<InstallmentState, InstallmentEvent> = {
  pending: { bill: 'billed', pay: 'paid', cancel: 'cancelled' },
  billed: { overdue: 'overdue', pay: 'paid', cancel: 'cancelled' },
  overdue: { pay: 'paid' },
  paid: {},
  cancelled: {},
};

export type Machine = 'credit_application' | 'credit_line' | 'credit_hold' | 'loan' | 'installment';

export type Transition<S extends string> =
  | { readonly ok: true; readonly state: S }
  | {
      readonly ok: false;
      readonly code: 'invalid_state_transition';
      readonly machine: Machine;
      readonly from: S;
      readonly event: string;
      readonly message: string;
    };

export function transitionOf<S extends string, E extends string>(machine: Machine, table: TransitionTable<S, E>, from: S, event: E): Transition<S> {
  const row: { readonly [V in E]?: S } | undefined = Object.hasOwn(table, from) ? table[from] : undefined;
  const next = row && Object.hasOwn(row, event) ? row[event] : undefined;
  if (next !== undefined) return { ok: true, state: next };
  const allowed = row ? Object.keys(row) : [];
  return {
    ok: false,
    code: 'invalid_state_transition',
    machine,
    from,
    event,
    message: row
      ? `cannot apply '${event}' to a ${machine.replace('_', ' ')} in state '${from}' (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `'${from}' is final`})`
      : `unknown ${machine} state '${from}'`,
  };
}

export const applicationTransition = (from: ApplicationState, e: ApplicationEvent) => transitionOf('credit_application', APPLICATION_TRANSITIONS, from, e);
export const lineTransition = (from: LineState, e: LineEvent) => transitionOf('credit_line', LINE_TRANSITIONS, from, e);
export const holdTransition = (from: HoldState, e: HoldEvent) => transitionOf('credit_hold', HOLD_TRANSITIONS, from, e);
export const loanTransition = (from: LoanState, e: LoanEvent) => transitionOf('loan', LOAN_TRANSITIONS, from, e);
export const installmentTransition = (from: InstallmentState, e: InstallmentEvent) => transitionOf('installment', INSTALLMENT_TRANSITIONS, from, e);
