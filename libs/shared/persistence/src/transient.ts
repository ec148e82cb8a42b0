/**
 * Whether an error is a transaction conflict that running the same transaction again can cure:
 * a deadlock (SQLSTATE 40P01) or a serialization failure (40001). The work itself is fine;
 * retry it whole (after a short, jittered pause) rather than treating its input as bad.
 */
export function isTransientConflict(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === '40P01' || err.code === '40001') return true;
  return isTransientConflict(err.driverError) || (err.cause !== e && isTransientConflict(err.cause));
}
