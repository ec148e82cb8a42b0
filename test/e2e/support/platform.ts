// What the e2e global setup tells the tests about the platform it booted, and the helpers every suite shares.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountypayApiError } from '@countypay/sdk';

export interface AppInfo {
  url: string;
  port: number;
}

export function e2eApps(): Record<string, AppInfo> {
  return JSON.parse(process.env.COUNTYPAY_E2E_APPS ?? '{}') as Record<string, AppInfo>;
}

/** The public base URL (the gateway). */
export function gatewayUrl(): string {
  const gw = e2eApps()['gateway'];
  if (!gw) throw new Error('the e2e global setup did not boot the platform');
  return gw.url;
}

/**
 * Every log file of the platform the global setup booted, read whole: where tools/platform.mjs
 * writes them (its local dir, COUNTYPAY_LOCAL_DIR when set). Throws when there are none, so a scan
 * for what must never be logged cannot pass by reading nothing.
 */
export function platformLogs(): Array<{ file: string; text: string }> {
  const dir = process.env.COUNTYPAY_E2E_LOG_DIR;
  if (!dir) throw new Error('COUNTYPAY_E2E_LOG_DIR is not set by the e2e global setup');
  const files = readdirSync(dir);
  if (files.length === 0) throw new Error(`no log files in ${dir}`);
  return files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/** The province operator's bootstrap token (handed over out of band in production). */
export function provinceToken(): string {
  const t = process.env.COUNTYPAY_E2E_OPERATOR_TOKEN;
  if (!t) throw new Error('COUNTYPAY_E2E_OPERATOR_TOKEN is not set by the e2e global setup');
  return t;
}

/** The platform's published SM2 public key, for verifying responses. */
export function platformPublicKey(): string {
  return process.env.COUNTYPAY_E2E_PLATFORM_SM2_PUBLIC_KEY ?? '';
}

/** An internal service's URL, for test-only calls (the channel sandbox's admin API). */
export function serviceUrl(name: string): string {
  const s = e2eApps()[name];
  if (!s) throw new Error(`no app ${name}`);
  return s.url;
}

/** The platform's refusal of a call that must fail (the documented error shape, as the SDK reads it); anything else fails the test. */
export async function apiError(p: Promise<unknown>): Promise<CountypayApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CountypayApiError)) throw new Error(`expected a CountypayApiError, got ${String(err)}`);
  return err;
}
