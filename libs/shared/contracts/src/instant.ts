import { Matches } from 'class-validator';

/** An ISO 8601 instant with its offset (e.g. 2026-11-29T00:00:00+08:00): a point in time, never a local time. */
export const INSTANT_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Validates an instant query or body field (list filters `createdFrom`/`createdTo`…). A pattern,
 * not `IsISO8601`, so the OpenAPI document describes it as a plain patterned string that a
 * client (and the fuzzer) can read.
 */
export function IsInstant(): PropertyDecorator {
  return Matches(INSTANT_PATTERN, { message: '$property must be an ISO 8601 instant with its offset, e.g. 2026-11-29T00:00:00+08:00' });
}
