import { createHmac } from 'node:crypto';
import { signNotification, verifyNotification } from './notify-signature';

describe('notification signature', () => {
  const body = '{"channel":"wechat","amountFen":100}';

  it('is the hex HMAC-SHA256 of the exact body with the shared secret', () => {
    expect(signNotification(body, 's3cret')).toBe(createHmac('sha256', 's3cret').update(body).digest('hex'));
  });

  it('verifies only the untouched body with the right secret', () => {
    const sig = signNotification(body, 's3cret');
    expect(verifyNotification(body, sig, 's3cret')).toBe(true);
    expect(verifyNotification(body.replace('100', '1000'), sig, 's3cret')).toBe(false);
    expect(verifyNotification(body, sig, 'other')).toBe(false);
    expect(verifyNotification(body, 'not-hex', 's3cret')).toBe(false);
  });
});
