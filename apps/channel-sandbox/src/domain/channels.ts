import { randomInt } from 'node:crypto';

/** The external systems the sandbox simulates. */
export const CHANNELS = ['wechat', 'alipay', 'unionpay', 'county_bank'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Each channel's own prefix for the numbers it hands out (trade and refund numbers). */
const PREFIX: Record<Channel, { trade: string; refund: string }> = {
  wechat: { trade: '4200', refund: '5030' },
  alipay: { trade: '2088', refund: '2089' },
  unionpay: { trade: '6201', refund: '6202' },
  county_bank: { trade: 'CB01', refund: 'CB02' },
};

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

function yyyymmdd(at: Date): string {
  // Asia/Shanghai is UTC+8 all year (no daylight saving)
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A channel trade number, e.g. `42002026112812345678901234` (prefix, Shanghai date, 14 random digits). */
export function newTradeNo(channel: Channel, at = new Date()): string {
  return `${PREFIX[channel].trade}${yyyymmdd(at)}${digits(14)}`;
}

export function newRefundNo(channel: Channel, at = new Date()): string {
  return `${PREFIX[channel].refund}${yyyymmdd(at)}${digits(14)}`;
}
