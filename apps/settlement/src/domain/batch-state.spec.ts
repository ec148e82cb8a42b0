import { BATCH_ACTIONS, BATCH_STATUSES, nextBatchStatus, payoutsCommitted, type BatchStatus } from './batch-state';

describe('settlement batch transition table', () => {
  it('walks the happy path open → closed → pending_approval → approved → paying → settled', () => {
    let s: BatchStatus = 'open';
    for (const [action, to] of [
      ['close', 'closed'],
      ['submit', 'pending_approval'],
      ['approve', 'approved'],
      ['start_paying', 'paying'],
      ['complete', 'settled'],
    ] as const) {
      const next = nextBatchStatus(s, action);
      expect(next).toBe(to);
      s = next!;
    }
  });

  it('ends a paying batch with failures in partially_failed, settled once the retries succeed', () => {
    expect(nextBatchStatus('paying', 'complete_with_failures')).toBe('partially_failed');
    expect(nextBatchStatus('partially_failed', 'retry_succeeded')).toBe('settled');
  });

  it('aborts only before any payout is committed', () => {
    for (const s of BATCH_STATUSES) {
      const aborted = nextBatchStatus(s, 'abort');
      if (payoutsCommitted(s) || s === 'aborted') expect(aborted).toBeUndefined();
      else expect(aborted).toBe('aborted');
    }
    expect(['paying', 'settled', 'partially_failed'].every((s) => payoutsCommitted(s as BatchStatus))).toBe(true);
  });

  it('allows nothing from a final status, and no skipping (an unapproved batch cannot pay)', () => {
    for (const a of BATCH_ACTIONS) {
      expect(nextBatchStatus('settled', a)).toBeUndefined();
      expect(nextBatchStatus('aborted', a)).toBeUndefined();
    }
    expect(nextBatchStatus('pending_approval', 'start_paying')).toBeUndefined();
    expect(nextBatchStatus('closed', 'approve')).toBeUndefined();
    expect(nextBatchStatus('open', 'complete')).toBeUndefined();
  });

  it('allows exactly 11 transitions', () => {
    const n = BATCH_STATUSES.reduce((sum, s) => sum + BATCH_ACTIONS.filter((a) => nextBatchStatus(s, a) !== undefined).length, 0);
    expect(n).toBe(11);
  });
});
