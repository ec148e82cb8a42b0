import { decodeMpm, payability, type MpmFields } from '@countypay/emvco';
import { fenToJson } from '@countypay/money';
import type { DecodedQrPayload, QrPayloadFields } from './dto/decode.dto';

/** JSON has no bigint: amounts leave as integer fen numbers, like everywhere else on the API. */
function jsonFields(f: MpmFields): QrPayloadFields {
  const { amountFen, tipOrConvenience, networkAccounts, merchantAccounts, additionalData, additionalTags, ...rest } = f;
  const { otherSubfields, ...data } = additionalData ?? {};
  return {
    ...rest,
    merchantAccounts: merchantAccounts.map((a) => ({ ...a, subfields: [...a.subfields] })),
    ...(networkAccounts ? { networkAccounts: [...networkAccounts] } : {}),
    ...(additionalTags ? { additionalTags: [...additionalTags] } : {}),
    ...(additionalData ? { additionalData: { ...data, ...(otherSubfields ? { otherSubfields: [...otherSubfields] } : {}) } } : {}),
    ...(amountFen !== undefined ? { amountFen: fenToJson(amountFen) } : {}),
    ...(tipOrConvenience
      ? {
          tipOrConvenience: tipOrConvenience.kind === 'fixed_fee' ? { kind: 'fixed_fee', feeFen: fenToJson(tipOrConvenience.feeFen) } : { ...tipOrConvenience },
        }
      : {}),
  };
}

/**
 * Decodes any scanned EMVCo MPM payload: a valid one with every field and whether this platform
 * can pay it (and why not), an invalid one with exactly what is wrong.
 */
export function decodePayload(payload: string): DecodedQrPayload {
  const r = decodeMpm(payload);
  if (!r.ok) return { valid: false, payable: false, errors: r.errors.map((e) => ({ ...e })) };
  const p = payability(r.value);
  return { valid: true, payable: p.payable, ...(p.payable ? {} : { notPayable: p.reasons.map((x) => ({ ...x })) }), fields: jsonFields(r.value) };
}
