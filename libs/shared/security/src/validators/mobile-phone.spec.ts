import { isMainlandMobile, normalizeMainlandMobile } from './mobile-phone';

describe('mainland mobile numbers', () => {
  it.each(['13800138000', '19912345678', '16601234567'])('accepts %s', (n) => expect(isMainlandMobile(n)).toBe(true));

  it.each(['12800138000', '1380013800', '138001380000', '+8613800138000', '1380013800a', ''])('rejects %s', (n) => expect(isMainlandMobile(n)).toBe(false));

  it('normalises country codes and separators', () => {
    expect(normalizeMainlandMobile('+86 138 0013 8000')).toBe('13800138000');
    expect(normalizeMainlandMobile('0086-13800138000')).toBe('13800138000');
    expect(normalizeMainlandMobile('8613800138000')).toBe('13800138000');
    expect(normalizeMainlandMobile('13800138000')).toBe('13800138000');
    expect(normalizeMainlandMobile('+1 415 555 0100')).toBeUndefined();
  });
});
