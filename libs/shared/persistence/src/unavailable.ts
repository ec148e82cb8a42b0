/**
 * Whether an error says the database cannot be reached or is going away (a restart, a
 * failover, a full pool) — a temporary condition the caller should meet with 503 and
 * Retry-After, never with a 500. Integrity errors, bad SQL and the like are not this.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : undefined;
  // SQLSTATE 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections)
  if (code && (/^08/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300')) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i.test(
      message,
    )
  )
    return true;
  return isDatabaseUnavailable(err.driverError) || (err.cause !== e && isDatabaseUnavailable(err.cause));
}
