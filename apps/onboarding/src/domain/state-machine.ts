import { ApiError } from '@countypay/contracts';

/** A transition table: for each action, the states it may start from and the state it leads to. */
export type TransitionTable<S extends string, A extends string> = Readonly<Record<A, { readonly from: readonly S[]; readonly to: S }>>;

/** The one check of a state machine: the next state, or 409 invalid_state_transition. */
export function transition<S extends string, A extends string>(table: TransitionTable<S, A>, what: string, current: S, action: A): S {
  const t = table[action];
  if (!t.from.includes(current)) {
    throw new ApiError('invalid_state_transition', `cannot ${action} a ${what} that is ${current.replace(/_/g, ' ')} (allowed from: ${t.from.join(', ')})`);
  }
  return t.to;
}

/** Tenants, partners and apps: active ⇄ suspended. */
export type ActivityStatus = 'active' | 'suspended';
export const ACTIVITY_TRANSITIONS: TransitionTable<ActivityStatus, 'suspend' | 'resume'> = {
  suspend: { from: ['active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
};
