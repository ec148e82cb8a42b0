import { decodeMpm, type MpmError, type MpmFields } from '@countypay/emvco';
import { fenToJson } from '@countypay/money';

/** JSON has no bigint: amounts leave as integer fen numbers, like everywhere else on the API. */
function jsonFields(f: MpmFields): Record<string, unknown> {
  const { amountFen, tipOrConvenience, ...rest } = f;
  return {
    ...rest,
    ...(amountFen !== undefined ? { amountFen: fenToJson(amountFen) } : {}),
    ...(tipOrConvenience
      ? { tipOrConvenience: tipOrConvenience.kind === 'fixed_fee' ? { kind: 'fixed_fee', feeFen: fenToJson(tipOrConvenience.feeFen) } : tipOrConvenience }
      : {}),
  };
}

export type DecodeResult = { valid: true; fields: Record<string, unknown> } | { valid: false; errors: MpmError[] };

/** Decodes any scanned EMVCo MPM payload and says exactly what is wrong with a bad one. */
export function decodePayload(payload: string): DecodeResult {
  const r = decodeMpm(payload);
  return r.ok ? { valid: true, fields: jsonFields(r.value) } : { valid: false, errors: r.errors };
}
