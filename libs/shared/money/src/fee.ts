/**
 * The one fee rule of the platform. fee = amount × rateBp / 10 000, rounded half up to the
 * fen (四舍五入), then raised to `minFeeFen`, and never above the amount itself.
 * Integer arithmetic only (bigint): no float ever touches an amount.
 */
export function feeFen(amountFen: bigint, rateBp: number, minFeeFen: bigint): bigint {
  if (amountFen < 0n) throw new RangeError('amountFen must not be negative');
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10_000) throw new RangeError('rateBp must be an integer 0..10000');
  if (minFeeFen < 0n) throw new RangeError('minFeeFen must not be negative');
  const raw = (amountFen * BigInt(rateBp) + 5_000n) / 10_000n;
  const withMin = raw < minFeeFen ? minFeeFen : raw;
  return withMin > amountFen ? amountFen : withMin;
}

/** A fee-plan rule as the tenant config carries it (amounts as JSON fen). */
export interface FeeRuleLike {
  readonly product: string;
  readonly channel: string;
  readonly rateBp: number;
  readonly minFeeFen: number;
}

/** The most specific rule of the plan for (product, channel): the exact channel beats `*`; the first of equals wins. */
export function selectFeeRule<R extends FeeRuleLike>(plan: readonly R[], product: string, channel: string): R | undefined {
  return plan.find((r) => r.product === product && r.channel === channel) ?? plan.find((r) => r.product === product && r.channel === '*');
}

/** The fee of a payment under a tenant's plan (0 when the plan has no rule for the product). */
export function planFeeFen(plan: readonly FeeRuleLike[], product: string, channel: string, amountFen: bigint): bigint {
  const rule = selectFeeRule(plan, product, channel);
  return rule ? feeFen(amountFen, rule.rateBp, BigInt(rule.minFeeFen)) : 0n;
}

/** Formats fen as yuan for people (`12345n` → `123.45`); never parse this back. */
export function formatYuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A JSON amount (integer number of fen) as bigint; refuses anything but a safe non-negative integer. */
export function toFen(value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an amount in fen: ${value}`);
  return BigInt(value);
}

/** A bigint amount back to its JSON number form; refuses amounts beyond the safe range. */
export function fenToJson(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount out of the safe range');
  return Number(value);
}
