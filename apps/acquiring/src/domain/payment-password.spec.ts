import { afterPasswordTry, isWeakPaymentPassword, paymentPasswordState, PAY_PASSWORD_MAX_WRONG_TRIES } from './payment-password';

describe('payment password rules', () => {
  it('refuses guessable passwords and accepts others', () => {
    for (const weak of ['000000', '888888', '123456', '654321', '890123', '210987', '12345', '1234567', '12a456'])
      expect([weak, isWeakPaymentPassword(weak)]).toEqual([weak, true]);
    for (const ok of ['135790', '202611', '480615', '112233']) expect([ok, isWeakPaymentPassword(ok)]).toEqual([ok, false]);
  });

  it('locks on the fifth consecutive wrong try; a right one resets the count; a locked one stays locked even when right', () => {
    let tries = 0;
    const answers: string[] = [];
    for (let i = 0; i < PAY_PASSWORD_MAX_WRONG_TRIES; i++) {
      const r = afterPasswordTry(tries, false);
      if (r.ok) throw new Error('a wrong password passed');
      answers.push(`${r.code}:${r.triesLeft}`);
      tries = r.wrongTries;
    }
    expect(answers).toEqual([
      'payment_password_invalid:4',
      'payment_password_invalid:3',
      'payment_password_invalid:2',
      'payment_password_invalid:1',
      'payment_password_locked:0',
    ]);
    expect(afterPasswordTry(tries, true)).toMatchObject({ ok: false, code: 'payment_password_locked' });
    expect(afterPasswordTry(3, true)).toEqual({ ok: true, wrongTries: 0 });
  });

  it('names the state an agreement shows', () => {
    expect(paymentPasswordState({ payPasswordHash: null, payPasswordWrongTries: 0 })).toBe('none');
    expect(paymentPasswordState({ payPasswordHash: 'scrypt$…', payPasswordWrongTries: 4 })).toBe('set');
    expect(paymentPasswordState({ payPasswordHash: 'scrypt$…', payPasswordWrongTries: 5 })).toBe('locked');
  });
});
