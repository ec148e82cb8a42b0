import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * SMS verification codes of card quick pay: 6 digits, valid 5 minutes, single use, bound to what
 * they confirm (the binding, or order + amount + card), kept only as a keyed hash; a resend no
 * sooner than 60 s after the last send; 5 wrong tries invalidate a code; at most 10 sends per
 * card per day. Pure rules — the service stores what they decide.
 */
export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_RESEND_AFTER_MS = 60_000;
export const SMS_MAX_WRONG_TRIES = 5;
export const SMS_MAX_SENDS_PER_CARD_PER_DAY = 10;

export function newSmsCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What a code is bound to: a binding, one payment of one order with one card, or setting an agreement's payment password. */
export function smsBinding(
  b:
    | { purpose: 'bind'; bindingId: string }
    | { purpose: 'pay'; orderId: string; amountFen: bigint; cardRef: string }
    | { purpose: 'password'; agreementId: string },
): string {
  switch (b.purpose) {
    case 'bind':
      return `bind:${b.bindingId}`;
    case 'pay':
      return `pay:${b.orderId}:${b.amountFen}:${b.cardRef}`;
    case 'password':
      return `password:${b.agreementId}`;
  }
}

/** HMAC-SHA256 of the code and what it is bound to (a code for another order, amount or card never matches). */
export function hashSmsCode(code: string, binding: string, key: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(`sms-code|${binding}|${code}`).digest('hex');
}

export function codeMatches(code: string, binding: string, storedHash: string, key: string): boolean {
  const a = Buffer.from(hashSmsCode(code, binding, key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export type SendRefusal = 'sms_resend_too_soon' | 'sms_send_limit_reached';

/** May a code be sent now? `lastSentAt`: the latest send for the same binding; `sentToday`: sends for the card today. */
export function maySend(now: Date, lastSentAt: Date | null, sentToday: number): { ok: true } | { ok: false; code: SendRefusal; retryAfterSeconds?: number } {
  if (sentToday >= SMS_MAX_SENDS_PER_CARD_PER_DAY) return { ok: false, code: 'sms_send_limit_reached' };
  if (lastSentAt && now.getTime() - lastSentAt.getTime() < SMS_RESEND_AFTER_MS)
    return { ok: false, code: 'sms_resend_too_soon', retryAfterSeconds: Math.ceil((SMS_RESEND_AFTER_MS - (now.getTime() - lastSentAt.getTime())) / 1000) };
  return { ok: true };
}

export type CheckRefusal = 'sms_code_expired' | 'sms_code_used' | 'sms_code_invalid' | 'sms_code_locked';

export interface StoredCode {
  codeHash: string;
  binding: string;
  expiresAt: Date;
  wrongTries: number;
  usedAt: Date | null;
}

/** Checks an entered code: the decision, and the wrong-try count to store. */
export function checkCode(
  now: Date,
  stored: StoredCode,
  entered: string,
  key: string,
): { ok: true } | { ok: false; code: CheckRefusal; wrongTries: number; triesLeft: number } {
  const left = (n: number) => Math.max(0, SMS_MAX_WRONG_TRIES - n);
  if (stored.usedAt) return { ok: false, code: 'sms_code_used', wrongTries: stored.wrongTries, triesLeft: left(stored.wrongTries) };
  if (stored.wrongTries >= SMS_MAX_WRONG_TRIES) return { ok: false, code: 'sms_code_locked', wrongTries: stored.wrongTries, triesLeft: 0 };
  if (now >= stored.expiresAt) return { ok: false, code: 'sms_code_expired', wrongTries: stored.wrongTries, triesLeft: left(stored.wrongTries) };
  if (!/^\d{6}$/.test(entered) || !codeMatches(entered, stored.binding, stored.codeHash, key)) {
    const wrong = stored.wrongTries + 1;
    return { ok: false, code: wrong >= SMS_MAX_WRONG_TRIES ? 'sms_code_locked' : 'sms_code_invalid', wrongTries: wrong, triesLeft: left(wrong) };
  }
  return { ok: true };
}
