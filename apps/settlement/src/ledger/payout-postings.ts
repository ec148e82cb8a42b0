import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { BANK_CLEARING, merchantPayable } from '../domain/chart-of-accounts';
import { isBalanced, type PostingLine } from '../domain/posting-rules';
import { gatherPostings } from './balance-batch';
import type { LedgerRepository } from './ledger.repository';

/**
 * Posting rule of a merchant payout the county core banking made:
 *
 *   payout.succeeded P:  Dr merchant_payable:<merchant>  P
 *                        Cr bank_clearing                P
 *
 * Posted once per payout (the payout id is the entry's source event and order; its instruction
 * id the business key), in the caller's transaction.
 */
export function payoutSucceededLines(merchantId: string, amountFen: bigint): PostingLine[] {
  if (amountFen <= 0n) throw new RangeError('a payout amount must be positive');
  return [
    { account: merchantPayable(merchantId), direction: 'debit', amountFen },
    { account: BANK_CLEARING, direction: 'credit', amountFen },
  ];
}

export async function postPayoutSucceeded(
  em: EntityManager,
  repo: LedgerRepository,
  p: { tenantId: string; payoutId: string; instructionId: string; merchantId: string; amountFen: bigint; at: Date },
): Promise<string | undefined> {
  const lines = payoutSucceededLines(p.merchantId, p.amountFen);
  if (!isBalanced(lines)) throw new Error('payout posting unbalanced'); // unreachable
  const entryId = randomUUID();
  const inserted = await repo.insertEntry(em, {
    id: entryId,
    tenantId: p.tenantId,
    sourceEventId: p.payoutId,
    sourceType: 'payout.succeeded',
    sourceRef: p.instructionId,
    orderId: p.payoutId,
    refundId: null,
    merchantId: p.merchantId,
    partnerAppId: null,
    product: 'settlement',
    channel: 'county_bank',
    amountFen: p.amountFen,
    feeFen: 0n,
    feeRateBp: null,
    feeMinFen: null,
    feeRuleChannel: null,
    occurredAt: p.at,
    postedAt: new Date(),
  });
  if (!inserted) return undefined;
  gatherPostings(em, p.tenantId, { entryId, lines }, repo);
  return entryId;
}
