import { createHmac } from 'node:crypto';
import { parseNotification, verifyNotifySignature } from './notify.service';

describe('verifyNotifySignature', () => {
  const body = JSON.stringify({ channel: 'wechat', orderId: 'x', status: 'succeeded', amountFen: 100 });
  const sign = (b: string, k: string) => createHmac('sha256', k).update(b).digest('hex');

  it('accepts the hex HMAC-SHA256 of the exact body', () => {
    expect(verifyNotifySignature(body, sign(body, 'k1'), 'k1')).toBe(true);
    expect(verifyNotifySignature(body, sign(body, 'k1').toUpperCase(), 'k1')).toBe(true);
  });
  it('refuses another key, another body, a missing or malformed signature, or no configured key', () => {
    expect(verifyNotifySignature(body, sign(body, 'k2'), 'k1')).toBe(false);
    expect(verifyNotifySignature(body.replace('100', '101'), sign(body, 'k1'), 'k1')).toBe(false);
    expect(verifyNotifySignature(body, undefined, 'k1')).toBe(false);
    expect(verifyNotifySignature(body, 'zz', 'k1')).toBe(false);
    expect(verifyNotifySignature(body, sign(body, ''), '')).toBe(false);
  });
});

describe('parseNotification', () => {
  const valid = {
    channel: 'wechat',
    tenantId: 't510121',
    orderId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    channelTradeNo: 'ch_1',
    status: 'succeeded',
    amountFen: 100,
    payerId: 'wx_1',
    at: '2026-11-27T08:00:00.000Z',
    notifyId: 'n1',
  };
  it('accepts the contract shape', () => {
    expect(parseNotification(valid)).toMatchObject({ orderId: valid.orderId, amountFen: 100 });
  });
  it('names the bad field', () => {
    expect(() => parseNotification({ ...valid, status: 'paid' })).toThrow(/status/);
    expect(() => parseNotification({ ...valid, amountFen: 1.5 })).toThrow(/amountFen/);
    expect(() => parseNotification([])).toThrow(/JSON object/);
  });
});
