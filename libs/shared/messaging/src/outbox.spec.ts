import { SettlementPostedData, SettlementPostedV1 } from '@countypay/contracts';
import { outboxRow } from './outbox';

describe('outboxRow (the row addToOutbox writes, built for a later multi-row write)', () => {
  it('carries the envelope, its key and topic, and the tenant, event id and type headers', () => {
    const data = Object.assign(new SettlementPostedData(), {
      entryId: '7d9f3c52-3f43-4bb3-9a4b-1d8d3a7f6d11',
      sourceEventId: '0b8f2f1e-9e0a-4d5b-8e43-3b8c1e2b5a77',
      sourceType: 'payment.succeeded',
      orderId: '5c1f0a8e-7a36-4f0b-9b7e-2f3a4c5d6e7f',
      merchantId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      amountFen: 10_000,
      feeFen: 38,
      postedAt: '2026-11-30T09:00:00.000Z',
    });
    const row = outboxRow(SettlementPostedV1, data, { tenantId: 't510121', occurredAt: new Date('2026-11-30T09:00:00Z') });
    expect(row).toMatchObject({
      tenantId: 't510121',
      topic: SettlementPostedV1.topic,
      messageKey: SettlementPostedV1.key(data),
      eventType: 'settlement.posted',
    });
    expect(JSON.parse(row.payload)).toEqual(row.envelope);
    expect(row.envelope).toMatchObject({ id: row.id, type: 'settlement.posted', tenantId: 't510121', occurredAt: '2026-11-30T09:00:00.000Z' });
    expect(row.envelope.data).toMatchObject({ entryId: data.entryId, amountFen: 10_000 });
    expect(JSON.parse(row.headers)).toMatchObject({
      'tenant-id': 't510121',
      'event-id': row.id,
      'event-type': `settlement.posted.v${SettlementPostedV1.version}`,
    });
    expect(outboxRow(SettlementPostedV1, data, { tenantId: 't510121' }).id).not.toBe(row.id);
  });
});
