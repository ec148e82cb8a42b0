import { proRataFen } from './credit-rules';
import type { InstallmentState } from './state-machines';

/**
 * A refund of a drawdown (全额或部分退款), before or after billing, in one rule:
 *
 * - principal first: the refunded amount reduces the unpaid principal of the billed and overdue
 *   installments, oldest first (it credits the statement), then what is left is spread over the
 *   pending ones pro rata to their principal (half up, the residual on the last; the schedule
 *   keeps its length and shape);
 * - the interest of each open installment is returned pro rata to the refunded principal:
 *   interest × refund / the loan's unpaid principal (half up), never more than is unpaid — a
 *   refund of everything still owed returns all the unpaid interest;
 * - a refund above the unpaid principal is refused (the customer has repaid it already: a cash
 *   refund to the customer is not this rule's business).
 *
 * Pure; amounts in bigint fen.
 */
export interface RefundableInstallment {
  readonly period: number;
  readonly state: InstallmentState;
  readonly principalFen: bigint;
  readonly paidPrincipalFen: bigint;
  readonly interestFen: bigint;
  readonly paidInterestFen: bigint;
}

export interface RefundCut {
  readonly period: number;
  readonly principalCutFen: bigint;
  readonly interestCutFen: bigint;
}

export type RefundPlan =
  | { ok: true; cuts: RefundCut[]; principalFen: bigint; interestReturnedFen: bigint }
  | { ok: false; code: 'refund_exceeds_refundable' | 'refund_amount_invalid'; message: string };

const OPEN: readonly InstallmentState[] = ['pending', 'billed', 'overdue'];

export function planRefund(installments: readonly RefundableInstallment[], refundFen: bigint): RefundPlan {
  if (refundFen <= 0n) return { ok: false, code: 'refund_amount_invalid', message: 'a refund must be a positive amount of fen' };
  const open = installments.filter((i) => OPEN.includes(i.state));
  const unpaid = open.reduce((s, i) => s + (i.principalFen - i.paidPrincipalFen), 0n);
  if (refundFen > unpaid) return { ok: false, code: 'refund_exceeds_refundable', message: `at most ${unpaid} fen of the drawdown's principal is refundable` };
  const billed = open.filter((i) => i.state !== 'pending').sort((a, b) => a.period - b.period);
  const pending = open.filter((i) => i.state === 'pending').sort((a, b) => a.period - b.period);
  const principalCut = new Map<number, bigint>();
  let left = refundFen;
  for (const i of billed) {
    if (left === 0n) break;
    const room = i.principalFen - i.paidPrincipalFen;
    const cut = room < left ? room : left;
    if (cut > 0n) principalCut.set(i.period, cut);
    left -= cut;
  }
  const pendingTotal = pending.reduce((s, i) => s + i.principalFen, 0n);
  if (left > 0n) {
    // pro rata over the pending installments, the residual on the last; a rounding that overshoots one is spread back over the others
    let spread = 0n;
    pending.forEach((i, k) => {
      const share = k === pending.length - 1 ? left - spread : proRataFen(i.principalFen, left, pendingTotal);
      const cut = share < i.principalFen ? share : i.principalFen;
      principalCut.set(i.period, cut);
      spread += cut;
    });
    let rest = left - spread;
    for (const i of pending) {
      if (rest === 0n) break;
      const room = i.principalFen - (principalCut.get(i.period) ?? 0n);
      const more = room < rest ? room : rest;
      principalCut.set(i.period, (principalCut.get(i.period) ?? 0n) + more);
      rest -= more;
    }
  }
  const cuts: RefundCut[] = [];
  let interestReturned = 0n;
  for (const i of open.slice().sort((a, b) => a.period - b.period)) {
    const share = proRataFen(i.interestFen, refundFen, unpaid);
    const room = i.interestFen - i.paidInterestFen;
    const interestCut = share < room ? share : room;
    const p = principalCut.get(i.period) ?? 0n;
    if (p === 0n && interestCut === 0n) continue;
    cuts.push({ period: i.period, principalCutFen: p, interestCutFen: interestCut });
    interestReturned += interestCut;
  }
  return { ok: true, cuts, principalFen: refundFen, interestReturnedFen: interestReturned };
}
