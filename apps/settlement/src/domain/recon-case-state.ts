/**
 * The exception workflow (差错处理) of a reconciliation case, as a transition table checked in one
 * function:
 *
 *   open ──requery_matched / auto_refund / make_up_order / matched_on_rerun / resolve──▶ resolved
 *   open ──to_review──▶ pending_review ──propose_adjustment──▶ pending_approval
 *   pending_approval ──approve_adjustment──▶ resolved      (a second operator; posts once)
 *   pending_approval ──reject_adjustment──▶ pending_review
 *   pending_review ──requery_matched / matched_on_rerun / resolve──▶ resolved
 *
 * A resolved case stays resolved: a re-run of the date never reopens nor doubles it.
 */
export const CASE_STATUSES = ['open', 'pending_review', 'pending_approval', 'resolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_ACTIONS = [
  'to_review',
  'requery_matched',
  'auto_refund',
  'make_up_order',
  'matched_on_rerun',
  'resolve',
  'propose_adjustment',
  'approve_adjustment',
  'reject_adjustment',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const RESOLUTIONS = ['requery_matched', 'auto_refund', 'make_up_order', 'adjustment_posted', 'operator_resolved', 'matched_on_rerun'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const TRANSITIONS: Record<CaseStatus, Partial<Record<CaseAction, CaseStatus>>> = {
  open: {
    to_review: 'pending_review',
    requery_matched: 'resolved',
    auto_refund: 'resolved',
    make_up_order: 'resolved',
    matched_on_rerun: 'resolved',
    resolve: 'resolved',
  },
  pending_review: {
    requery_matched: 'resolved',
    matched_on_rerun: 'resolved',
    resolve: 'resolved',
    propose_adjustment: 'pending_approval',
  },
  pending_approval: {
    approve_adjustment: 'resolved',
    reject_adjustment: 'pending_review',
    matched_on_rerun: 'resolved',
  },
  resolved: {},
};

/** The status a case moves to, or undefined when the action is not allowed from `from`. */
export function nextCaseStatus(from: CaseStatus, action: CaseAction): CaseStatus | undefined {
  return TRANSITIONS[from][action];
}

/** The resolution an action that resolves a case records. */
export function resolutionOf(action: CaseAction): Resolution | undefined {
  switch (action) {
    case 'requery_matched':
    case 'auto_refund':
    case 'make_up_order':
    case 'matched_on_rerun':
      return action;
    case 'resolve':
      return 'operator_resolved';
    case 'approve_adjustment':
      return 'adjustment_posted';
    case 'to_review':
    case 'propose_adjustment':
    case 'reject_adjustment':
      return undefined;
  }
}
