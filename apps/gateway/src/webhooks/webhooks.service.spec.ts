import type { Request } from 'express';
import { ApiError } from '@countypay/contracts';
import { webhookCallerOf } from './webhook-caller';
import { decodeCursor, deliveryView, encodeCursor } from './webhooks.service';

const req = (headers: Record<string, string>): Request => ({ headers }) as unknown as Request;

describe('webhooks partner API helpers', () => {
  it('reads the calling app from the actor headers the gateway set', () => {
    expect(webhookCallerOf(req({ 'x-cp-actor-type': 'app', 'x-cp-app-id': 'app_7k2m9x4q1w8e5r3t6y0u', 'tenant-id': 't510121' }))).toEqual({
      tenantId: 't510121',
      appId: 'app_7k2m9x4q1w8e5r3t6y0u',
    });
  });

  it('refuses operators and requests without an app', () => {
    expect(() => webhookCallerOf(req({ 'x-cp-actor-type': 'county', 'x-cp-actor-id': 'op', 'tenant-id': 't510121' }))).toThrow();
    expect(() => webhookCallerOf(req({}))).toThrow();
    expect(() => webhookCallerOf(req({ 'x-cp-actor-type': 'app', 'x-cp-app-id': 'app_x', 'tenant-id': 'province' }))).toThrow();
  });

  it('round-trips the opaque cursor and refuses a forged one', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
    for (const bad of ['abc', Buffer.from('d:0').toString('base64url'), Buffer.from('d:1 or 1=1').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ApiError);
    }
  });

  it('shows a delivery with ISO timestamps and its attempts', () => {
    const at = new Date('2026-11-27T12:00:00.000Z');
    const view = deliveryView(
      {
        id: 'd1',
        seq: '1',
        tenantId: 't510121',
        appId: 'app_7k2m9x4q1w8e5r3t6y0u',
        eventId: 'e1',
        eventType: 'payment.succeeded',
        url: 'https://partner.example/hook',
        status: 'pending',
        attemptCount: 1,
        nextAttemptAt: new Date('2026-11-27T12:00:15.000Z'),
        lastAttemptAt: at,
        lastStatusCode: 503,
        lastErrorClass: 'http_status',
        deliveredAt: null,
        createdAt: at,
      },
      [{ deliveryId: 'd1', attemptNo: 1, triggeredBy: 'schedule', statusCode: 503, durationMs: 12, errorClass: 'http_status', outcome: 'failed', at }],
    );
    expect(view).toMatchObject({ id: 'd1', object: 'webhook_delivery', nextAttemptAt: '2026-11-27T12:00:15.000Z', deliveredAt: null });
    expect(view.attempts).toEqual([{ attemptNo: 1, triggeredBy: 'schedule', statusCode: 503, durationMs: 12, errorClass: 'http_status', outcome: 'failed', at: '2026-11-27T12:00:00.000Z' }]);
  });
});
