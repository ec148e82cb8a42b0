import { join } from 'node:path';
import { IsIn, IsOptional, IsString } from 'class-validator';

/** The ops console's settings in the gateway (env variables of the same names). */
export class ConsoleEnv {
  /** `off`: no ops console on this gateway: `/console/` and its API `/console/api/*` answer 404 */
  @IsOptional()
  @IsIn(['on', 'off', ''])
  COUNTYPAY_CONSOLE_ENABLED = '';

  /** where the built console is (default: dist/console, Vite's output) */
  @IsOptional()
  @IsString()
  COUNTYPAY_CONSOLE_DIR = '';

  /** the trace UI operators open (the local Zipkin's `/zipkin` under `npm start`); empty: no links */
  @IsOptional()
  @IsString()
  COUNTYPAY_TRACE_UI_URL = '';

  /** the Zipkin spans URL the apps export to; its API finds a payment's trace */
  @IsOptional()
  @IsString()
  COUNTYPAY_ZIPKIN_URL = '';

  /** `on`: console cookies are Secure (behind TLS) whatever the request's protocol */
  @IsOptional()
  @IsIn(['on', 'off', ''])
  COUNTYPAY_CONSOLE_SECURE_COOKIES = '';
}

export class ConsoleConfig {
  constructor(private readonly env: ConsoleEnv) {}

  /** on unless COUNTYPAY_CONSOLE_ENABLED is `off` */
  get enabled(): boolean {
    return this.env.COUNTYPAY_CONSOLE_ENABLED !== 'off';
  }

  get staticDir(): string {
    // dist/apps/gateway/src/console → dist/console (Vite's outDir)
    return this.env.COUNTYPAY_CONSOLE_DIR || join(__dirname, '..', '..', '..', '..', 'console');
  }

  get traceUiUrl(): string | null {
    return this.env.COUNTYPAY_TRACE_UI_URL.replace(/\/+$/, '') || null;
  }

  /** Zipkin's API base (`http://host:9411`), from the spans URL. */
  get zipkinApi(): string | null {
    const url = this.env.COUNTYPAY_ZIPKIN_URL;
    if (!url || !URL.canParse(url)) return null;
    return new URL(url).origin;
  }

  get secureCookies(): boolean {
    return this.env.COUNTYPAY_CONSOLE_SECURE_COOKIES === 'on';
  }
}
