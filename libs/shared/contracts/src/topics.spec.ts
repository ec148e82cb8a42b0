import { TOPICS, dlqTopic, isDeclaredTopic } from './topics';

describe('declared topics', () => {
  it('names every topic countypay.<domain>.<event>.v<N> with a positive partition count', () => {
    for (const t of TOPICS) {
      expect(t.name).toMatch(/^countypay\.[a-z-]+\.[a-z-]+\.v[1-9][0-9]*$/);
      expect(Number.isInteger(t.partitions) && t.partitions > 0).toBe(true);
    }
  });
  it('declares each topic once and derives its dead-letter topic', () => {
    expect(new Set(TOPICS.map((t) => t.name)).size).toBe(TOPICS.length);
    expect(dlqTopic('countypay.payment.succeeded.v1')).toBe('countypay.payment.succeeded.v1.dlq');
    expect(isDeclaredTopic('countypay.payment.succeeded.v1')).toBe(true);
    expect(isDeclaredTopic('countypay.payment.nope.v1')).toBe(false);
  });
});
