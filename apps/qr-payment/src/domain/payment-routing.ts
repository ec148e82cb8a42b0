import { createHash } from 'node:crypto';
import type { PaymentChannel, TenantConfig } from '@countypay/contracts';
import type { Decision } from '@countypay/payment-intake';
import type { OrderEvent } from './order-state';
import { createPayerCodeRouter, type PayerWallet } from './payer-code-router';
import { countyBankRule } from './tenant-rules';
import { detectWallet, type DetectedWallet } from './wallet-detect';

/**
 * Small pure rules of the payment flows: which channel serves a wallet, what a channel's
 * answer means for the order state machine, the payer key of a payer code, the polling
 * schedule of a payment waiting for the payer's confirmation, compact ids for QR payloads.
 */

const WALLET_CHANNEL: Readonly<Record<PayerWallet, PaymentChannel>> = {
  wechat_pay: 'wechat',
  alipay: 'alipay',
  unionpay: 'unionpay',
  county_bank: 'county_bank',
};

/** The channel that settles a payer code issued by `wallet`. */
export function channelOfPayerWallet(wallet: PayerWallet): PaymentChannel {
  return WALLET_CHANNEL[wallet];
}

/** The channel of the wallet that opened a static code's resolve page; undefined when unknown. */
export function channelOfDetectedWallet(wallet: DetectedWallet): PaymentChannel | undefined {
  return wallet === 'unknown' ? undefined : wallet;
}

/** The channel of a payer code scanned at the POS, by the code's shape (`payer_code_unrecognised` otherwise). */
export function channelOfPayerCode(config: Pick<TenantConfig, 'countyBankPayerCodePrefix'>, payerCode: string): Decision<PaymentChannel> {
  const route = createPayerCodeRouter(countyBankRule(config))(payerCode);
  return route.ok ? { ok: true, value: channelOfPayerWallet(route.wallet) } : { ok: false, code: route.code, message: route.message, param: 'payerCode' };
}

/**
 * The channel of the wallet app that opened a static code (its User-Agent); any other browser is
 * refused with `wallet_not_supported`, naming the payment apps the county takes.
 */
export function channelOfOpeningWallet(enabledChannels: readonly PaymentChannel[], userAgent: string | undefined): Decision<PaymentChannel> {
  const channel = channelOfDetectedWallet(detectWallet(userAgent));
  if (channel) return { ok: true, value: channel };
  return {
    ok: false,
    code: 'wallet_not_supported',
    message: `this code must be scanned with a payment app: ${enabledChannels.map((c) => CHANNEL_NAMES[c]).join(', ')}`,
    param: 'user-agent',
  };
}

/**
 * The payer of a wallet payment, for the payment intake's payer lock: a wallet's payer id is
 * scoped to its channel (`<channel>:<payer id>`). A payer code's payer is `payerCodeKey`.
 */
export function walletPayerRef(channel: PaymentChannel, payerId: string): string {
  return `${channel}:${payerId}`;
}

const REASON = /^[a-z_]+$/;
/** A stable reason code for the event contract (`^[a-z_]+$`): the channel's own when it is one, else `fallback`. */
export function reasonCode(reason: string | undefined, fallback: string): string {
  return reason && REASON.test(reason) ? reason : fallback;
}

/** Human names, for pages and messages. */
export const CHANNEL_NAMES: Readonly<Record<PaymentChannel, string>> = {
  wechat: 'WeChat Pay',
  alipay: 'Alipay',
  unionpay: 'UnionPay (Cloud QuickPass)',
  county_bank: 'the county bank app',
  county_credit: 'county credit (the county bank app)',
};

export type ChannelPaymentStatus = 'succeeded' | 'failed' | 'user_paying' | 'reversed' | 'closed';

/**
 * The order event a channel status stands for; `undefined` while the payer is still
 * confirming (`user_paying`). A channel-side reversal or closure closes the order.
 */
export function orderEventOfChannelStatus(status: ChannelPaymentStatus): OrderEvent | undefined {
  switch (status) {
    case 'succeeded':
      return 'payment_succeeded';
    case 'failed':
      return 'payment_failed';
    case 'reversed':
    case 'closed':
      return 'reverse';
    case 'user_paying':
      return undefined;
    default: {
      const never: never = status;
      throw new Error(`unknown channel status ${String(never)}`);
    }
  }
}

/**
 * The payer key used for the PBoC daily limit BEFORE the channel has told us who the payer
 * is. A payer code carries no stable payer part we can read (wallets rotate the digits), so
 * the key is a SHA-256 of the tenant and the code: a repeated code maps to the same payer,
 * and once a channel has answered with its payerId for that code, the daily sum also counts
 * every payment of that payerId (see the orders repository). The raw code is never stored.
 */
export function payerCodeKey(tenantId: string, payerCode: string): string {
  return `pc_${createHash('sha256').update(`${tenantId}\n${payerCode}`).digest('hex').slice(0, 40)}`;
}

/**
 * Delays between queries of a payment waiting for the payer (ms): doubling from `initialMs`,
 * capped at `maxMs`, never past `deadlineMs` in total. The last entry may be shorter so the
 * final query lands on the deadline.
 */
export function pollSchedule(initialMs: number, maxMs: number, deadlineMs: number): number[] {
  if (!(initialMs > 0) || !(maxMs >= initialMs) || !(deadlineMs >= 0)) throw new RangeError(`invalid poll schedule (${initialMs}, ${maxMs}, ${deadlineMs})`);
  const delays: number[] = [];
  let total = 0;
  let next = initialMs;
  while (total < deadlineMs) {
    const d = Math.min(next, deadlineMs - total);
    delays.push(d);
    total += d;
    next = Math.min(next * 2, maxMs);
  }
  return delays;
}

/** A UUID as 22 characters of base64url (fits EMVCo sub-fields of 25/32 characters). */
export function compactUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: '${uuid}'`);
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The UUID of a compact (22-character base64url) or canonical id; undefined when neither. */
export function expandUuid(id: string): string | undefined {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return id.toLowerCase();
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
  const hex = Buffer.from(id, 'base64url').toString('hex');
  if (hex.length !== 32) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
