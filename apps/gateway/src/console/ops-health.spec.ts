import { isPlatformGroup, partitionLag, topicLag } from './ops-health';

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
