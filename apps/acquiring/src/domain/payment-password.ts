/**
 * The payment password (支付密码) of card quick pay: 6 digits the payer sets per card agreement,
 * confirmed by an SMS code to the bank-reserved mobile, that a county may accept instead of the
 * SMS code of each payment (tenant config `quickPayPassword`). Kept only as a scrypt hash; 5
 * consecutive wrong tries lock it until it is set again. Agreement + password is two factors (PBoC
 * 2015 No. 43), the same strength — and so the same daily limit — as agreement + SMS code. Pure rules.
 */
export const PAY_PASSWORD_MAX_WRONG_TRIES = 5;
export const PAY_PASSWORD_PATTERN = /^\d{6}$/;

export type PaymentPasswordState = 'none' | 'set' | 'locked';

export function paymentPasswordState(a: { payPasswordHash: string | null; payPasswordWrongTries: number }): PaymentPasswordState {
  if (!a.payPasswordHash) return 'none';
  return a.payPasswordWrongTries >= PAY_PASSWORD_MAX_WRONG_TRIES ? 'locked' : 'set';
}

/** Too easy to guess: one digit six times, or a run up or down (123456, 654321, 901234). */
export function isWeakPaymentPassword(p: string): boolean {
  if (!PAY_PASSWORD_PATTERN.test(p)) return true;
  const d = [...p].map(Number);
  const steps = d.slice(1).map((x, i) => (x - d[i]! + 10) % 10);
  return steps.every((s) => s === 0) || steps.every((s) => s === 1) || steps.every((s) => s === 9);
}

/** The outcome of one try: what to store and what to answer. */
export function afterPasswordTry(
  wrongTriesBefore: number,
  matched: boolean,
): { ok: true; wrongTries: 0 } | { ok: false; code: 'payment_password_invalid' | 'payment_password_locked'; wrongTries: number; triesLeft: number } {
  if (wrongTriesBefore >= PAY_PASSWORD_MAX_WRONG_TRIES) return { ok: false, code: 'payment_password_locked', wrongTries: wrongTriesBefore, triesLeft: 0 };
  if (matched) return { ok: true, wrongTries: 0 };
  const wrong = wrongTriesBefore + 1;
  const left = Math.max(0, PAY_PASSWORD_MAX_WRONG_TRIES - wrong);
  return { ok: false, code: left === 0 ? 'payment_password_locked' : 'payment_password_invalid', wrongTries: wrong, triesLeft: left };
}
