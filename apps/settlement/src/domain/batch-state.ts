/**
 * A settlement batch's life, as a transition table (pure).
 *
 *   open ─close→ closed ─submit→ pending_approval ─approve→ approved ─start_paying→ paying
 *   paying ─complete→ settled | ─complete_with_failures→ partially_failed ─retry_succeeded→ settled
 *   open | closed | pending_approval | approved ─abort→ aborted
 *
 * Once a payout has been committed (paying and after) a batch can no longer be aborted: the
 * money has left, or may have left, the county's settlement account.
 */
export const BATCH_STATUSES = ['open', 'closed', 'pending_approval', 'approved', 'paying', 'settled', 'partially_failed', 'aborted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BATCH_ACTIONS = ['close', 'submit', 'approve', 'start_paying', 'complete', 'complete_with_failures', 'retry_succeeded', 'abort'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

export const BATCH_TRANSITIONS: Readonly<Record<BatchStatus, Partial<Record<BatchAction, BatchStatus>>>> = {
  open: { close: 'closed', abort: 'aborted' },
  closed: { submit: 'pending_approval', abort: 'aborted' },
  pending_approval: { approve: 'approved', abort: 'aborted' },
  approved: { start_paying: 'paying', abort: 'aborted' },
  paying: { complete: 'settled', complete_with_failures: 'partially_failed' },
  partially_failed: { retry_succeeded: 'settled' },
  settled: {},
  aborted: {},
};

/** The status `action` leads to from `from`; undefined when the table does not allow it. */
export function nextBatchStatus(from: BatchStatus, action: BatchAction): BatchStatus | undefined {
  return BATCH_TRANSITIONS[from][action];
}

/** Whether a payout may have been committed in this status (no abort from here on). */
export function payoutsCommitted(status: BatchStatus): boolean {
  return status === 'paying' || status === 'settled' || status === 'partially_failed';
}
