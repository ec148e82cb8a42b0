import { checkCode, hashSmsCode, maySend, newSmsCode, SMS_CODE_TTL_MS, smsBinding, type StoredCode } from './sms-code';

const KEY = Buffer.alloc(32, 7).toString('base64');
const T0 = new Date('2026-11-29T04:00:00Z');
const binding = smsBinding({ purpose: 'pay', orderId: 'o1', amountFen: 12_800n, cardRef: 'c1' });
const stored = (over: Partial<StoredCode> = {}): StoredCode => ({
  codeHash: hashSmsCode('123456', binding, KEY),
  binding,
  expiresAt: new Date(T0.getTime() + SMS_CODE_TTL_MS),
  wrongTries: 0,
  usedAt: null,
  ...over,
});

describe('SMS codes', () => {
  it('a code for setting a payment password is bound to its agreement: it confirms neither a payment nor another agreement', () => {
    const forPassword = smsBinding({ purpose: 'password', agreementId: 'a1' });
    expect(forPassword).toBe('password:a1');
    const code = { ...stored(), binding: forPassword, codeHash: hashSmsCode('123456', forPassword, KEY) };
    expect(checkCode(T0, code, '123456', KEY)).toEqual({ ok: true });
    expect(checkCode(T0, { ...code, binding: smsBinding({ purpose: 'password', agreementId: 'a2' }) }, '123456', KEY)).toMatchObject({ ok: false });
    expect(checkCode(T0, { ...code, binding }, '123456', KEY)).toMatchObject({ ok: false });
  });

  it('are 6 digits and stored only as a hash bound to order, amount and card', () => {
    expect(newSmsCode()).toMatch(/^\d{6}$/);
    expect(stored().codeHash).not.toContain('123456');
    const otherAmount = smsBinding({ purpose: 'pay', orderId: 'o1', amountFen: 12_801n, cardRef: 'c1' });
    expect(checkCode(T0, { ...stored(), binding: otherAmount }, '123456', KEY)).toMatchObject({ ok: false, code: 'sms_code_invalid' });
    expect(checkCode(T0, stored(), '123456', KEY)).toEqual({ ok: true });
  });
  it('expire after 5 minutes, are single use, and 5 wrong tries lock them', () => {
    expect(checkCode(new Date(T0.getTime() + SMS_CODE_TTL_MS), stored(), '123456', KEY)).toMatchObject({ code: 'sms_code_expired' });
    expect(checkCode(T0, stored({ usedAt: T0 }), '123456', KEY)).toMatchObject({ code: 'sms_code_used' });
    expect(checkCode(T0, stored({ wrongTries: 3 }), '000000', KEY)).toMatchObject({ code: 'sms_code_invalid', wrongTries: 4, triesLeft: 1 });
    expect(checkCode(T0, stored({ wrongTries: 4 }), '000000', KEY)).toMatchObject({ code: 'sms_code_locked', wrongTries: 5 });
    expect(checkCode(T0, stored({ wrongTries: 5 }), '123456', KEY)).toMatchObject({ code: 'sms_code_locked' });
  });
  it('are resent no sooner than 60 s, at most 10 a day per card', () => {
    expect(maySend(T0, new Date(T0.getTime() - 59_000), 1)).toMatchObject({ ok: false, code: 'sms_resend_too_soon', retryAfterSeconds: 1 });
    expect(maySend(T0, new Date(T0.getTime() - 60_000), 1)).toEqual({ ok: true });
    expect(maySend(T0, null, 10)).toMatchObject({ ok: false, code: 'sms_send_limit_reached' });
    expect(maySend(T0, null, 9)).toEqual({ ok: true });
  });
});
