import { nextStatus } from './payment-state';

describe('channel order state machine', () => {
  it('a waiting order can succeed, fail, be reversed or be closed', () => {
    expect(nextStatus('user_paying', 'succeed')).toBe('succeeded');
    expect(nextStatus('user_paying', 'fail')).toBe('failed');
    expect(nextStatus('user_paying', 'reverse')).toBe('reversed');
    expect(nextStatus('user_paying', 'close')).toBe('closed');
  });

  it('a succeeded order can only be reversed (closing a paid order is refused)', () => {
    expect(nextStatus('succeeded', 'reverse')).toBe('reversed');
    expect(nextStatus('succeeded', 'close')).toBeUndefined();
    expect(nextStatus('succeeded', 'succeed')).toBeUndefined();
    expect(nextStatus('succeeded', 'fail')).toBeUndefined();
  });

  it('reverse and close are idempotent; final states stay final', () => {
    expect(nextStatus('reversed', 'reverse')).toBe('reversed');
    expect(nextStatus('closed', 'close')).toBe('closed');
    expect(nextStatus('closed', 'reverse')).toBeUndefined();
    expect(nextStatus('reversed', 'succeed')).toBeUndefined();
    expect(nextStatus('failed', 'succeed')).toBeUndefined();
  });
});
