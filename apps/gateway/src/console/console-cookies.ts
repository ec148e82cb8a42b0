/**
 * The ops console's cookies (ADR 0010): the session token in an HttpOnly, SameSite=Strict cookie
 * the page's scripts cannot read, and the session's CSRF token in a readable one that the page
 * sends back in `X-CSRF-Token` on every unsafe request (the gateway checks it against the session).
 */
export const SESSION_COOKIE = 'cp_console';
export const CSRF_COOKIE = 'cp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie's value from a Cookie header (the last one wins), undefined when absent or malformed. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{1,200}$/.test(raw)) found = raw;
  }
  return found;
}

export interface CookieOptions {
  httpOnly: boolean;
  /** seconds; 0 deletes the cookie */
  maxAge: number;
  secure: boolean;
}

/** A Set-Cookie value: Path=/ (the console calls /v1 and /console/api), SameSite=Strict always. */
export function setCookie(name: string, value: string, o: CookieOptions): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${o.maxAge}`, 'SameSite=Strict', ...(o.httpOnly ? ['HttpOnly'] : []), ...(o.secure ? ['Secure'] : [])].join(
    '; ',
  );
}

/** True when an unsafe request's Origin (if the browser sent one) is the gateway's own host. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
