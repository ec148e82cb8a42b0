/** TypeORM answers `[rows, rowCount]` for UPDATE/DELETE … RETURNING on PostgreSQL: the rows. */
export function updatedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** The constraint a PostgreSQL unique violation (23505) names, if `e` is one. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const d = err.driverError ?? err;
  return d.code === '23505' && typeof d.constraint === 'string' ? d.constraint : undefined;
}
