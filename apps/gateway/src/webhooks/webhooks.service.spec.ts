import { deliveryView, opsDeliveryView } from './webhooks.service';
import type { DeliveryRow } from './webhooks.repository';

describe('webhooks partner API helpers', () => {
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
    expect(view.attempts).toEqual([
      { attemptNo: 1, triggeredBy: 'schedule', statusCode: 503, durationMs: 12, errorClass: 'http_status', outcome: 'failed', at: '2026-11-27T12:00:00.000Z' },
    ]);
  });

  it('shows an operator the delivery with its app and county, and a partner neither', () => {
    const at = new Date('2026-11-27T12:00:00.000Z');
    const row: DeliveryRow = {
      id: 'd2',
      seq: '2',
      tenantId: 't511381',
      appId: 'app_7k2m9x4q1w8e5r3t6y0u',
      eventId: 'e2',
      eventType: 'payment.failed',
      url: 'https://partner.example/hook',
      status: 'failed',
      attemptCount: 16,
      nextAttemptAt: null,
      lastAttemptAt: at,
      lastStatusCode: null,
      lastErrorClass: 'timeout',
      deliveredAt: null,
      createdAt: at,
    };
    expect(opsDeliveryView(row, [])).toEqual({ ...deliveryView(row, []), appId: 'app_7k2m9x4q1w8e5r3t6y0u', tenantId: 't511381' });
    expect(deliveryView(row, [])).not.toHaveProperty('appId');
    expect(deliveryView(row, [])).not.toHaveProperty('tenantId');
  });
});
