/**
 * Business dates are calendar dates `YYYY-MM-DD` (the tenant's Asia/Shanghai day), computed in
 * UTC so that no local timezone or daylight saving ever shifts a day.
 */
export type BusinessDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isBusinessDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function toUtc(date: BusinessDate): number {
  if (!isBusinessDate(date)) throw new RangeError(`not a business date: ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function fromUtc(ms: number): BusinessDate {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

export function dayOfMonth(date: BusinessDate): number {
  return Number(date.slice(8, 10));
}

/** The same day-of-month `months` later (days are 1..28 in products, so it always exists). */
export function withDay(year: number, month0: number, day: number): BusinessDate {
  return fromUtc(Date.UTC(year, month0, day));
}

/** The first date strictly after `date` whose day of month is `day` (1..28). */
export function nextDayOfMonth(date: BusinessDate, day: number): BusinessDate {
  if (!Number.isInteger(day) || day < 1 || day > 28) throw new RangeError('day of month must be 1..28');
  const t = new Date(toUtc(date));
  const sameMonth = withDay(t.getUTCFullYear(), t.getUTCMonth(), day);
  return sameMonth > date ? sameMonth : withDay(t.getUTCFullYear(), t.getUTCMonth() + 1, day);
}

/** The date `months` months after `date` on the same day of month (day ≤ 28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  const t = new Date(toUtc(date));
  const day = t.getUTCDate();
  if (day > 28) throw new RangeError('addMonths only on days 1..28');
  return withDay(t.getUTCFullYear(), t.getUTCMonth() + months, day);
}

export function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a > b ? a : b;
}
