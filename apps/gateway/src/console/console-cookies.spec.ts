import { CSRF_COOKIE, SESSION_COOKIE, cookieValue, sameOrigin, setCookie } from './console-cookies';

describe('console cookies', () => {
  it('reads one cookie from the header, ignoring others and malformed values', () => {
    const header = `theme=dark; ${SESSION_COOKIE}=cps_abc-DEF_123; ${CSRF_COOKIE}=xyz`;
    expect(cookieValue(header, SESSION_COOKIE)).toBe('cps_abc-DEF_123');
    expect(cookieValue(header, CSRF_COOKIE)).toBe('xyz');
    expect(cookieValue(header, 'missing')).toBeUndefined();
    expect(cookieValue(`${SESSION_COOKIE}=a;b<script>`, SESSION_COOKIE)).toBe('a');
    expect(cookieValue(`${SESSION_COOKIE}=<script>`, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue(undefined, SESSION_COOKIE)).toBeUndefined();
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, the CSRF cookie readable', () => {
    expect(setCookie(SESSION_COOKIE, 'cps_x', { httpOnly: true, maxAge: 43200, secure: false })).toBe(
      'cp_console=cps_x; Path=/; Max-Age=43200; SameSite=Strict; HttpOnly',
    );
    expect(setCookie(CSRF_COOKIE, 'c', { httpOnly: false, maxAge: 0, secure: true })).toBe('cp_csrf=c; Path=/; Max-Age=0; SameSite=Strict; Secure');
  });

  it('accepts an unsafe request from the same origin only', () => {
    expect(sameOrigin(undefined, '127.0.0.1:4000')).toBe(true);
    expect(sameOrigin('http://127.0.0.1:4000', '127.0.0.1:4000')).toBe(true);
    expect(sameOrigin('https://evil.example', '127.0.0.1:4000')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:4000')).toBe(false);
  });
});
