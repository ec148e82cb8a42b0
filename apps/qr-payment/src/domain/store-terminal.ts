import type { Decision, Place } from '@countypay/payment-intake';

/**
 * Where a payment is taken: the merchant's store (a store's code, a dynamic order for a store)
 * or terminal (the POS that scanned a payer code). The store and terminal must be the
 * merchant's own (else `not_found`) and active, with their store (else `merchant_not_active`).
 */
export interface MerchantPlaces {
  readonly merchantId: string;
  readonly stores: ReadonlyArray<{
    readonly storeId: string;
    readonly status: string;
    readonly terminals: ReadonlyArray<{ readonly terminalId: string; readonly status: string }>;
  }>;
}

export function placeOfPayment(m: MerchantPlaces, at: { storeId?: string | undefined; terminalId?: string | undefined }): Decision<Place> {
  if (at.terminalId !== undefined) {
    const store = m.stores.find((s) => s.terminals.some((t) => t.terminalId === at.terminalId));
    const terminal = store?.terminals.find((t) => t.terminalId === at.terminalId);
    if (!store || !terminal) return { ok: false, code: 'not_found', message: `merchant ${m.merchantId} has no terminal ${at.terminalId}`, param: 'terminalId' };
    if (at.storeId !== undefined && store.storeId !== at.storeId)
      return { ok: false, code: 'not_found', message: `terminal ${at.terminalId} is not in store ${at.storeId}`, param: 'terminalId' };
    if (terminal.status !== 'active' || store.status !== 'active')
      return { ok: false, code: 'merchant_not_active', message: `terminal ${at.terminalId} (store ${store.storeId}) is not active`, param: 'terminalId' };
    return { ok: true, value: { storeId: store.storeId, terminalId: terminal.terminalId } };
  }
  if (at.storeId !== undefined) {
    const store = m.stores.find((s) => s.storeId === at.storeId);
    if (!store) return { ok: false, code: 'not_found', message: `merchant ${m.merchantId} has no store ${at.storeId}`, param: 'storeId' };
    if (store.status !== 'active') return { ok: false, code: 'merchant_not_active', message: `store ${at.storeId} is ${store.status}`, param: 'storeId' };
    return { ok: true, value: { storeId: store.storeId, terminalId: null } };
  }
  return { ok: true, value: { storeId: null, terminalId: null } };
}
