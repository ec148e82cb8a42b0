/**
 * Channel reconciliation (对账): the platform's records of one tenant, channel and business date
 * against the channel's statement of that day. Pure: the service fetches, this decides.
 *
 * Per transaction type (payment, refund) an item is keyed by the platform's number: the order
 * number of a payment, the refund number of a refund; a channel row without that number is
 * matched by the channel's transaction id. Classes:
 *
 * - matched: both sides, same status, same amount;
 * - channel_only (长款): the channel has a money movement the platform has no record of;
 * - platform_only (短款): the platform has a money movement the channel's statement lacks;
 * - amount_mismatch: both sides, same status, different amounts;
 * - status_mismatch: both sides, different outcome (e.g. the channel succeeded an order the
 *   platform closed — a late success).
 *
 * Before an item is classified channel_only or platform_only, the other side's records of the
 * adjacent days (and the channel's answer to a query) are consulted: a movement booked across
 * midnight is matched, not a discrepancy.
 */

export type TxnKind = 'payment' | 'refund';
export const RECON_CLASSES = ['matched', 'channel_only', 'platform_only', 'amount_mismatch', 'status_mismatch'] as const;
export type ReconClass = (typeof RECON_CLASSES)[number];

/** The outcome of a movement: money moved (succeeded), it was given back whole (reversed), or none moved (closed). */
export type Outcome = 'succeeded' | 'reversed' | 'closed';

export interface PlatformTxn {
  kind: TxnKind;
  orderId: string;
  refundId: string | null;
  channelTradeNo: string | null;
  merchantId: string;
  amountFen: bigint;
  outcome: Outcome;
}

export interface ChannelTxn {
  kind: TxnKind;
  orderId: string;
  refundId: string | null;
  channelTradeNo: string;
  channelRefundNo: string | null;
  amountFen: bigint;
  outcome: Outcome;
}

export interface ReconItem {
  class: ReconClass;
  kind: TxnKind;
  /** the platform's number of the movement: the order id (payment) or the refund id (refund) */
  txnKey: string;
  orderId: string;
  refundId: string | null;
  channelTradeNo: string | null;
  merchantId: string | null;
  platformAmountFen: bigint | null;
  channelAmountFen: bigint | null;
  platformOutcome: Outcome | null;
  channelOutcome: Outcome | null;
  /** matched only through a record of another day (or the channel's query answer) */
  acrossDays: boolean;
}

export interface ReconInput {
  /** the platform's movements of the business date (any outcome) */
  platform: readonly PlatformTxn[];
  /** the channel's statement of the business date */
  channel: readonly ChannelTxn[];
  /** the platform's records of other days for keys the day does not hold */
  platformElsewhere?: readonly PlatformTxn[];
  /** the channel's statements of the adjacent days and its query answers */
  channelElsewhere?: readonly ChannelTxn[];
}

export function platformKey(t: { kind: TxnKind; orderId: string; refundId: string | null }): string {
  return t.kind === 'payment' ? t.orderId : (t.refundId ?? '');
}

/** A movement that moved money: what a statement lists and what must be on it. */
function movedMoney(o: Outcome): boolean {
  return o !== 'closed';
}

function index<T extends { kind: TxnKind; orderId: string; refundId: string | null }>(list: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const t of list) m.set(`${t.kind}:${platformKey(t)}`, t);
  return m;
}

function compare(p: PlatformTxn, c: ChannelTxn, acrossDays: boolean): ReconItem {
  const cls: ReconClass = p.outcome !== c.outcome ? 'status_mismatch' : p.amountFen !== c.amountFen ? 'amount_mismatch' : 'matched';
  return {
    class: cls,
    kind: p.kind,
    txnKey: platformKey(p),
    orderId: p.orderId,
    refundId: p.refundId,
    channelTradeNo: c.channelTradeNo,
    merchantId: p.merchantId,
    platformAmountFen: p.amountFen,
    channelAmountFen: c.amountFen,
    platformOutcome: p.outcome,
    channelOutcome: c.outcome,
    acrossDays,
  };
}

/** Classifies every movement of the day, each once, in a stable order (payments before refunds, by key). */
export function reconcile(input: ReconInput): ReconItem[] {
  const platformDay = index(input.platform);
  const platformOther = index(input.platformElsewhere ?? []);
  const channelOther = index(input.channelElsewhere ?? []);
  const byTradeNo = new Map<string, PlatformTxn>();
  for (const p of [...(input.platformElsewhere ?? []), ...input.platform]) if (p.kind === 'payment' && p.channelTradeNo) byTradeNo.set(p.channelTradeNo, p);

  const items: ReconItem[] = [];
  const seen = new Set<string>();
  for (const c of input.channel) {
    const key = `${c.kind}:${platformKey(c)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fromTradeNo = c.kind === 'payment' ? byTradeNo.get(c.channelTradeNo) : undefined;
    const p = platformDay.get(key) ?? platformOther.get(key) ?? fromTradeNo;
    if (p) {
      items.push(compare(p, c, !platformDay.has(key)));
      seen.add(`${p.kind}:${platformKey(p)}`);
    } else if (movedMoney(c.outcome)) {
      items.push({
        class: 'channel_only',
        kind: c.kind,
        txnKey: platformKey(c) || (c.channelRefundNo ?? c.channelTradeNo),
        orderId: c.orderId,
        refundId: c.refundId,
        channelTradeNo: c.channelTradeNo,
        merchantId: null,
        platformAmountFen: null,
        channelAmountFen: c.amountFen,
        platformOutcome: null,
        channelOutcome: c.outcome,
        acrossDays: false,
      });
    }
  }
  for (const p of input.platform) {
    const key = `${p.kind}:${platformKey(p)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const c = channelOther.get(key);
    if (c) items.push(compare(p, c, true));
    else if (movedMoney(p.outcome))
      items.push({
        class: 'platform_only',
        kind: p.kind,
        txnKey: platformKey(p),
        orderId: p.orderId,
        refundId: p.refundId,
        channelTradeNo: p.channelTradeNo,
        merchantId: p.merchantId,
        platformAmountFen: p.amountFen,
        channelAmountFen: null,
        platformOutcome: p.outcome,
        channelOutcome: null,
        acrossDays: false,
      });
  }
  return items.sort((a, b) => (a.kind === b.kind ? (a.txnKey < b.txnKey ? -1 : a.txnKey > b.txnKey ? 1 : 0) : a.kind === 'payment' ? -1 : 1));
}

/** The channel rows whose platform record is not among the day's: their keys, to look up on other days. */
export function keysToLookUp(input: Pick<ReconInput, 'platform' | 'channel'>): Array<{ kind: TxnKind; key: string; channelTradeNo: string }> {
  const day = index(input.platform);
  return input.channel
    .filter((c) => !day.has(`${c.kind}:${platformKey(c)}`))
    .map((c) => ({ kind: c.kind, key: platformKey(c), channelTradeNo: c.channelTradeNo }));
}

/** The platform movements of the day the statement lacks: to look for in the adjacent days' statements and by query. */
export function missingFromStatement(input: Pick<ReconInput, 'platform' | 'channel'>): PlatformTxn[] {
  const onStatement = index(input.channel);
  const tradeNos = new Set(input.channel.filter((c) => c.kind === 'payment').map((c) => c.channelTradeNo));
  return input.platform.filter(
    (p) =>
      movedMoney(p.outcome) && !onStatement.has(`${p.kind}:${platformKey(p)}`) && !(p.kind === 'payment' && p.channelTradeNo && tradeNos.has(p.channelTradeNo)),
  );
}

/** Σ of what each side says moved, per the platform's and the channel's records (for the run summary). */
export function summarize(items: readonly ReconItem[]): Record<ReconClass, number> {
  const out = Object.fromEntries(RECON_CLASSES.map((c) => [c, 0])) as Record<ReconClass, number>;
  for (const i of items) out[i.class] += 1;
  return out;
}
