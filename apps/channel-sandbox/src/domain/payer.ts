import { createHash } from 'node:crypto';
import type { Channel } from './channels';

/**
 * The payer behind a payment, stable across that payer's payments (the platform applies the
 * PBoC per-payer daily limits with it). An explicit `payerId` wins. A payer code is a one-time
 * code whose last 6 digits change from scan to scan: the rest identifies the payer's wallet.
 * For a county-bank payment the payer is the debited deposit account (see core banking).
 */
export function derivePayerId(channel: Channel, input: { payerId?: string; payerCode?: string; orderId: string }): string {
  if (input.payerId) return input.payerId;
  const basis = input.payerCode ? `code:${input.payerCode.slice(0, Math.max(1, input.payerCode.length - 6))}` : `order:${input.orderId}`;
  return `${channel}_${createHash('sha256').update(`${channel}|${basis}`).digest('hex').slice(0, 20)}`;
}
