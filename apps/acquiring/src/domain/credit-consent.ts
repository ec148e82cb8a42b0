import { maskPhone } from '@countypay/security';

/**
 * County credit at the cashier (ADR 0015): the payer names their line (the partner's customer
 * number) and the bank-reserved mobile; the consent code goes to that mobile only when it matches
 * the line's masked mobile; the consent lasts long enough to read the plans and confirm.
 */
export const CREDIT_CONSENT_VALID_MS = 15 * 60 * 1000;

/** The entered mobile is the line's reserved one as far as the masked number tells (credit keeps no clear number). */
export function mobileMatchesLine(entered: string, lineMobileMasked: string): boolean {
  return maskPhone(entered) === lineMobileMasked;
}

/** What a consent code is bound to: this order, its amount and the payer's line (a code for another never matches). */
export function creditConsentBinding(orderId: string, amountFen: bigint, lineId: string): string {
  return `credit:${orderId}:${amountFen}:${lineId}`;
}

/** The SMS send limit counts codes per line and day, under this key (no personal data). */
export function creditSendKey(lineId: string): string {
  return `credit-line:${lineId}`;
}

/** A consent given at `consentedAt` still allows confirming at `now`. */
export function consentStillValid(consentedAt: Date | null, now: Date): boolean {
  return consentedAt !== null && now.getTime() - consentedAt.getTime() <= CREDIT_CONSENT_VALID_MS && consentedAt.getTime() <= now.getTime();
}

/** The hold's payment reference at credit: one hold per order (idempotent). */
export function creditPaymentRef(orderId: string): string {
  return `acquiring-order:${orderId}`;
}
