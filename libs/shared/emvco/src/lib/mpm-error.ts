/**
 * Stable error codes of the EMVCo MPM codec. They are part of the public API: partner
 * developers and our own services branch on them, so never rename one.
 */
export const MPM_ERROR_CODES = [
  'empty_payload',
  'payload_too_long',
  'truncated',
  'bad_tag',
  'bad_length',
  'length_overflow',
  'duplicate_tag',
  'payload_format_indicator_not_first',
  'missing_required_tag',
  'crc_missing',
  'crc_not_last',
  'crc_mismatch',
  'invalid_value',
  'nested_template_invalid',
  'amount_invalid',
  'amount_required_on_dynamic',
] as const;

export type MpmErrorCode = (typeof MPM_ERROR_CODES)[number];

export interface MpmError {
  readonly code: MpmErrorCode;
  /** Human-readable, for a partner developer: says which tag, what was expected and what was found. */
  readonly message: string;
  /** Position in the payload, counted in characters (Unicode code points), of the offending TLV. */
  readonly offset?: number;
  /** The top-level tag concerned (for nested templates, the template's tag). */
  readonly tag?: string;
}

/** Thrown by `encodeMpm` when the fields cannot make a valid payload. */
export class MpmEncodeError extends Error {
  constructor(readonly errors: readonly MpmError[]) {
    super(`cannot encode EMVCo MPM payload: ${errors.map((e) => `[${e.code}] ${e.message}`).join('; ')}`);
    this.name = 'MpmEncodeError';
  }
}
