import type { EventEnvelope } from '@countypay/contracts';
import { isDeliverableUrl, webhookBody, webhookPayload } from './webhook-payload';

const event: EventEnvelope<{ orderId: string; amountFen: number; partnerAppId: string }> = {
  id: '6f1c1b7e-1d2a-4c4e-9a5b-0f7f6b1d2c3e',
  type: 'payment.succeeded',
  version: 1,
  tenantId: 't510121',
  occurredAt: '2026-11-27T12:00:01.999Z',
  data: { orderId: 'ord', amountFen: 1000, partnerAppId: 'app_7k2m9x4q1w8e5r3t6y0u' },
};

describe('webhook payload', () => {
  it('is { id, type, created (unix s), tenantId, data } with the event id as id', () => {
    expect(webhookPayload(event)).toEqual({ id: event.id, type: 'payment.succeeded', created: 1795780801, tenantId: 't510121', data: event.data });
  });

  it('has fixed bytes (the same body for every retry)', () => {
    expect(webhookBody(event)).toBe(webhookBody(structuredClone(event)));
    expect(JSON.parse(webhookBody(event)).data.amountFen).toBe(1000);
  });

  it('delivers to http(s) URLs only', () => {
    expect(isDeliverableUrl('https://partner.example/hooks')).toBe(true);
    expect(isDeliverableUrl('http://127.0.0.1:8080/cb')).toBe(true);
    for (const bad of ['ftp://x/y', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'https://user:pw@partner.example/']) {
      expect(isDeliverableUrl(bad)).toBe(false);
    }
  });
});
