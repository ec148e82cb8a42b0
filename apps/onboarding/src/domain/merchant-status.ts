import type { MerchantStatus as PublishedMerchantStatus } from '@countypay/contracts';
import { transition, type TransitionTable } from './state-machine';

/**
 * A merchant's life: it is created `pending_review`; the county bank approves (→ active) or
 * rejects it (→ rejected, final); an active merchant can be suspended and resumed; an active
 * or suspended one can be closed (final). Only `active` merchants may take payments.
 */
export const MERCHANT_STATUSES = ['pending_review', 'active', 'suspended', 'closed', 'rejected'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

export const MERCHANT_ACTIONS = ['approve', 'reject', 'suspend', 'resume', 'close'] as const;
export type MerchantAction = (typeof MERCHANT_ACTIONS)[number];

export const MERCHANT_TRANSITIONS: TransitionTable<MerchantStatus, MerchantAction> = {
  approve: { from: ['pending_review'], to: 'active' },
  reject: { from: ['pending_review'], to: 'rejected' },
  suspend: { from: ['active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  close: { from: ['active', 'suspended'], to: 'closed' },
};

/** The next status, or ApiError 409 invalid_state_transition. */
export function nextMerchantStatus(current: MerchantStatus, action: MerchantAction): MerchantStatus {
  return transition(MERCHANT_TRANSITIONS, 'merchant', current, action);
}

/** Stores and terminals can be added while the merchant is not finished (closed or rejected). */
export function merchantAcceptsChanges(status: MerchantStatus): boolean {
  return status !== 'closed' && status !== 'rejected';
}

/**
 * The status in MerchantUpdatedV1: the contract knows no `rejected` (a rejected application,
 * like a closed merchant, can never take payments), so it is published as `closed`.
 */
export function publishedMerchantStatus(status: MerchantStatus): PublishedMerchantStatus {
  return status === 'rejected' ? 'closed' : status;
}
