import { isPlatformGroup, outboxLagFromMetrics, partitionLag, serviceNames, topicLag } from './ops-health';

describe('consumer lag from offsets', () => {
  it('is the high watermark minus the committed offset, from the low watermark when nothing is committed, never negative', () => {
    expect(partitionLag({ partition: 0, low: '0', high: '10' }, '7')).toBe(3);
    expect(partitionLag({ partition: 0, low: '4', high: '10' }, '-1')).toBe(6);
    expect(partitionLag({ partition: 0, low: '4', high: '10' }, undefined)).toBe(6);
    expect(partitionLag({ partition: 0, low: '0', high: '10' }, '12')).toBe(0);
  });

  it("sums a topic's partitions, matching each committed offset to its partition", () => {
    const offsets = [
      { partition: 0, low: '0', high: '5' },
      { partition: 1, low: '2', high: '9' },
      { partition: 2, low: '0', high: '3' },
    ];
    expect(
      topicLag(offsets, [
        { partition: 1, offset: '9' },
        { partition: 0, offset: '1' },
      ]),
    ).toBe(4 + 0 + 3);
  });

  it("counts only the platform's groups (<prefix>.<service>)", () => {
    expect(isPlatformGroup('countypay.settlement', 'countypay')).toBe(true);
    expect(isPlatformGroup('countypay-e2e-4150.gateway', 'countypay-e2e-4150')).toBe(true);
    expect(isPlatformGroup('countypay.dlq-reader.123.456', 'countypay')).toBe(false);
    expect(isPlatformGroup('console-e2e.x', 'countypay')).toBe(false);
    expect(isPlatformGroup('countypay-e2e-4150.gateway', 'countypay')).toBe(false);
  });
});

describe('outbox lag from a Prometheus exposition', () => {
  const exposition = [
    '# HELP outbox_pending_events Outbox events not yet published',
    '# TYPE outbox_pending_events gauge',
    'outbox_pending_events{service="settlement"} 7',
    '# HELP outbox_oldest_pending_seconds Age of the oldest unpublished outbox event',
    '# TYPE outbox_oldest_pending_seconds gauge',
    'outbox_oldest_pending_seconds{service="settlement"} 42.125',
    'outbox_pending_events_total{service="settlement"} 999',
    '',
  ].join('\n');

  it('reads the pending count and the age of the oldest unpublished event', () => {
    expect(outboxLagFromMetrics(exposition)).toEqual({ pending: 7, oldestPendingSeconds: 42.125 });
    expect(outboxLagFromMetrics('outbox_pending_events 0\noutbox_oldest_pending_seconds 0\n')).toEqual({ pending: 0, oldestPendingSeconds: 0 });
  });

  it('is undefined for a service without an outbox, and ignores unreadable values', () => {
    expect(outboxLagFromMetrics('process_cpu_seconds_total 1\n# outbox_pending_events 3\n')).toBeUndefined();
    expect(outboxLagFromMetrics('outbox_pending_events NaN\noutbox_oldest_pending_seconds 5\n')).toEqual({ pending: 0, oldestPendingSeconds: 5 });
    expect(outboxLagFromMetrics('outbox_pending_events -1\n')).toBeUndefined();
  });

  it('names the services of COUNTYPAY_SERVICE_URLS, sorted; none for a value that is not a JSON object', () => {
    expect(serviceNames('{"settlement":"http://127.0.0.1:4005","onboarding":"http://127.0.0.1:4001","bad":3}')).toEqual(['onboarding', 'settlement']);
    expect(serviceNames('[]')).toEqual([]);
    expect(serviceNames('not json')).toEqual([]);
  });
});
