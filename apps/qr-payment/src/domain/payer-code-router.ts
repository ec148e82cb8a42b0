/**
 * Customer-presented mode: the cashier scans the payer's code (barcode or QR shown in the
 * payer's wallet) and we route it to the wallet that issued it, by prefix and length.
 *
 * | wallet        | prefix                | total length |
 * |---------------|-----------------------|--------------|
 * | WeChat Pay    | 10–15                 | 18           |
 * | Alipay        | 25–30                 | 16–24        |
 * | UnionPay      | 62                    | 19           |
 * | county bank   | per tenant (e.g. 88)  | per tenant   |
 *
 * Input must be digits only; callers strip a scanner's trailing CR/LF before calling.
 */
export type PayerWallet = 'wechat_pay' | 'alipay' | 'unionpay' | 'county_bank';

export type PayerCodeErrorCode = 'payer_code_unrecognised';

export interface PayerCodeError {
  readonly ok: false;
  readonly code: PayerCodeErrorCode;
  readonly message: string;
}

export type PayerCodeRoute = { readonly ok: true; readonly wallet: PayerWallet } | PayerCodeError;

/** A tenant's own app: its payer codes start with `prefix` and are `length` digits long in total. */
export interface CountyBankPayerCodeRule {
  readonly prefix: string;
  readonly length: number;
}

interface Rule {
  readonly wallet: PayerWallet;
  readonly prefixes: readonly string[];
  readonly minLength: number;
  readonly maxLength: number;
  readonly shape: string;
}

const range = (low: number, high: number): string[] => Array.from({ length: high - low + 1 }, (_, i) => String(low + i));

export const BUILT_IN_PAYER_CODE_RULES: readonly Rule[] = [
  { wallet: 'wechat_pay', prefixes: range(10, 15), minLength: 18, maxLength: 18, shape: 'WeChat Pay: 10–15 then 16 digits (18 in all)' },
  { wallet: 'alipay', prefixes: range(25, 30), minLength: 16, maxLength: 24, shape: 'Alipay: 25–30 then 14–22 digits (16–24 in all)' },
  { wallet: 'unionpay', prefixes: ['62'], minLength: 19, maxLength: 19, shape: 'UnionPay: 62 then 17 digits (19 in all)' },
];

const DIGITS = /^\d+$/;

function countyRule(rule: CountyBankPayerCodeRule): Rule {
  return {
    wallet: 'county_bank',
    prefixes: [rule.prefix],
    minLength: rule.length,
    maxLength: rule.length,
    shape: `county bank app: ${rule.prefix} then ${rule.length - rule.prefix.length} digits (${rule.length} in all)`,
  };
}

function overlaps(a: Rule, b: Rule): boolean {
  const lengthsOverlap = a.minLength <= b.maxLength && b.minLength <= a.maxLength;
  return lengthsOverlap && a.prefixes.some((p) => b.prefixes.some((q) => p.startsWith(q) || q.startsWith(p)));
}

/**
 * Build a tenant's router. Throws RangeError at configuration time if the county bank
 * rule is malformed or could claim codes of a built-in wallet (so no code is ambiguous).
 */
export function createPayerCodeRouter(countyBank?: CountyBankPayerCodeRule): (code: string) => PayerCodeRoute {
  const rules: Rule[] = [...BUILT_IN_PAYER_CODE_RULES];
  if (countyBank) {
    if (!DIGITS.test(countyBank.prefix) || countyBank.prefix.length > 6)
      throw new RangeError(`county bank payer-code prefix must be 1–6 digits, got '${countyBank.prefix}'`);
    if (!Number.isInteger(countyBank.length) || countyBank.length <= countyBank.prefix.length || countyBank.length > 32)
      throw new RangeError(`county bank payer-code length must be an integer above the prefix length and at most 32, got ${countyBank.length}`);
    const county = countyRule(countyBank);
    const clash = BUILT_IN_PAYER_CODE_RULES.find((r) => overlaps(county, r));
    if (clash) throw new RangeError(`county bank payer-code rule (${county.shape}) overlaps ${clash.shape}`);
    rules.push(county);
  }
  const accepted = rules.map((r) => r.shape).join('; ');

  return (code: string): PayerCodeRoute => {
    if (typeof code !== 'string' || code.length === 0)
      return { ok: false, code: 'payer_code_unrecognised', message: `the payer code is empty; accepted shapes: ${accepted}` };
    if (!DIGITS.test(code))
      return {
        ok: false,
        code: 'payer_code_unrecognised',
        message: `a payer code contains digits only (got ${code.length} characters with non-digits); accepted shapes: ${accepted}`,
      };
    const rule = rules.find((r) => code.length >= r.minLength && code.length <= r.maxLength && r.prefixes.some((p) => code.startsWith(p)));
    if (rule) return { ok: true, wallet: rule.wallet };
    return {
      ok: false,
      code: 'payer_code_unrecognised',
      message: `no wallet issues payer codes of ${code.length} digits starting with ${code.slice(0, 2)}; accepted shapes: ${accepted}`,
    };
  };
}

/** One-off routing; prefer `createPayerCodeRouter` once per tenant configuration. */
export function routePayerCode(code: string, countyBank?: CountyBankPayerCodeRule): PayerCodeRoute {
  return createPayerCodeRouter(countyBank)(code);
}
