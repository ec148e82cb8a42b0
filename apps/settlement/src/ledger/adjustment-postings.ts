import type { EntityManager } from 'typeorm';
import { channelReceivable, merchantPayable } from '../domain/chart-of-accounts';
import { isBalanced, type PostingLine } from '../domain/posting-rules';
import { gatherPostings } from './balance-batch';
import type { LedgerRepository } from './ledger.repository';

/**
 * Posting rule of a reconciliation adjustment (差错调账), approved by a second operator, or of a
 * make-up order for a late channel success. `deltaFen` is what the channel moved beyond the
 * platform's records (negative: less):
 *
 *   deltaFen > 0:  Dr channel_receivable:<channel>   Δ      (the channel owes us more)
 *                  Cr merchant_payable:<merchant>    Δ      (and we owe the merchant more)
 *   deltaFen < 0:  the same lines the other way round, |Δ|.
 *
 * Posted once per reconciliation case (the case id is the entry's source event and reference: a
 * re-run or a repeated approval inserts nothing), in the caller's transaction.
 */
export function adjustmentLines(channel: string, merchantId: string, deltaFen: bigint): PostingLine[] {
  if (deltaFen === 0n) throw new RangeError('an adjustment moves a non-zero amount');
  const amountFen = deltaFen < 0n ? -deltaFen : deltaFen;
  const up = deltaFen > 0n;
  return [
    { account: channelReceivable(channel), direction: up ? 'debit' : 'credit', amountFen },
    { account: merchantPayable(merchantId), direction: up ? 'credit' : 'debit', amountFen },
  ];
}

/** The journal entry id, or undefined when the case's adjustment was already posted. */
export async function postReconciliationAdjustment(
  em: EntityManager,
  repo: LedgerRepository,
  a: { tenantId: string; caseId: string; orderId: string; refundId: string | null; merchantId: string; channel: string; deltaFen: bigint; at: Date },
): Promise<string | undefined> {
  const lines = adjustmentLines(a.channel, a.merchantId, a.deltaFen);
  if (!isBalanced(lines)) throw new Error('adjustment posting unbalanced'); // unreachable
  const entryId = a.caseId;
  const inserted = await repo.insertEntry(em, {
    id: entryId,
    tenantId: a.tenantId,
    sourceEventId: a.caseId,
    sourceType: 'reconciliation.adjustment',
    sourceRef: a.caseId,
    orderId: a.orderId,
    refundId: a.refundId,
    merchantId: a.merchantId,
    partnerAppId: null,
    product: 'settlement',
    channel: a.channel,
    amountFen: lines[0].amountFen,
    feeFen: 0n,
    feeRateBp: null,
    feeMinFen: null,
    feeRuleChannel: null,
    occurredAt: a.at,
    postedAt: new Date(),
  });
  if (!inserted) return undefined;
  gatherPostings(em, a.tenantId, { entryId, lines }, repo);
  return entryId;
}
