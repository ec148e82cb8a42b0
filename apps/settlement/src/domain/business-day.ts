/**
 * The business day of a tenant (pure). China has had no daylight saving time since 1991, so
 * Asia/Shanghai is exactly UTC+8.
 *
 * A tenant's cut-off `HH:mm` (Shanghai) ends each business day: the window of business date D is
 * [cut-off on D−1, cut-off on D). A cut-off of `00:00` is the natural day: the window of D is
 * [D 00:00, D+1 00:00). So with the default 23:00, a payment at 23:30 on the 1st counts on the 2nd.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export type SettlementCycle = 'T1' | 'D0';

export interface BusinessWindow {
  readonly businessDate: string;
  /** inclusive */
  readonly start: Date;
  /** exclusive: the cut-off instant */
  readonly end: Date;
}

export function isBusinessDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function minutesOf(cutoff: string): number {
  const m = TIME.exec(cutoff);
  if (!m) throw new RangeError(`cut-off ${cutoff} is not HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The calendar date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  if (!isBusinessDate(date)) throw new RangeError(`${date} is not a date`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant business date `date` closes (its cut-off). */
export function cutoffInstant(date: string, cutoff: string): Date {
  const minutes = minutesOf(cutoff);
  const day = minutes === 0 ? addDays(date, 1) : date;
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + minutes * 60_000);
}

export function businessWindow(date: string, cutoff: string): BusinessWindow {
  return { businessDate: date, start: cutoffInstant(addDays(date, -1), cutoff), end: cutoffInstant(date, cutoff) };
}

/** The business date an instant belongs to under `cutoff`. */
export function businessDateOf(instant: Date, cutoff: string): string {
  const minutes = minutesOf(cutoff);
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  const date = local.toISOString().slice(0, 10);
  if (minutes === 0) return date;
  const localMinutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return localMinutes >= minutes ? addDays(date, 1) : date;
}

/** The day the merchants are paid for business date `date`: the next day (T+1) or the same day (D+0). */
export function settlementDate(date: string, cycle: SettlementCycle): string {
  return cycle === 'D0' ? date : addDays(date, 1);
}

/** The latest business date whose window has closed at `now`. */
export function lastClosedBusinessDate(now: Date, cutoff: string): string {
  return addDays(businessDateOf(now, cutoff), -1);
}
