import { shanghaiBusinessDay } from '@countypay/payment-intake';

/** Today's calendar date in Asia/Shanghai: a new tenant's first business date. */
export function calendarToday(now: Date = new Date()): string {
  return shanghaiBusinessDay(now);
}
