import type { EntityManager } from 'typeorm';
import { query } from '@countypay/persistence';
import { assertTenantId } from '@countypay/tenancy';

/**
 * Serialises the payments of one payer within one tenant until the transaction ends, so that two
 * concurrent payments of the same payer cannot both pass a daily limit. ONE key format for every
 * product — qr, acquiring and credit lock the same payer with the same key:
 *
 *   payer:<tenantId>:<payerRef>
 *
 * `payerRef` is the product's stable name of the payer (a hashed payer code, `<channel>:<payer id>`,
 * a card or account reference…); the products agree on it where they share payers.
 */
export function payerLockKey(tenantId: string, payerRef: string): string {
  assertTenantId(tenantId);
  if (typeof payerRef !== 'string' || payerRef.length === 0 || payerRef.length > 200 || /[\s\u0000-\u001f]/.test(payerRef))
    throw new RangeError(`a payer reference is 1-200 characters without spaces or control characters, got '${String(payerRef).slice(0, 40)}'`);
  return `payer:${tenantId}:${payerRef}`;
}

/** Takes a lock by key inside the caller's transaction (the intake's port; tests pass a fake). */
export type PayerLock = (em: EntityManager, key: string) => Promise<void>;

/** `pg_advisory_xact_lock` on the key's 64-bit hash: released when the transaction commits or rolls back. */
export const advisoryPayerLock: PayerLock = async (em, key) => {
  await query(em, `select pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
};
