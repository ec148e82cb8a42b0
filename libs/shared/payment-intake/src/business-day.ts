const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The calendar day (YYYY-MM-DD) in Asia/Shanghai of an instant: the day a payment counts against
 * its payer's daily limits (PBoC barcode limits, quick-pay limits…). China has had no daylight
 * saving time since 1991, so UTC+8 is exact.
 */
export function shanghaiBusinessDay(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
