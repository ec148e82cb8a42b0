import { kafkaLines, kafkaWork, type KafkaSnapshot } from './bench-kafka';

const snap = (topics: Array<[string, number]>, groups: Array<[string, Array<[string, number]>]>): KafkaSnapshot => ({
  topics: new Map(topics),
  groups: new Map(groups.map(([g, t]) => [g, new Map(t)])),
});

describe('kafkaWork (the bench: Kafka messages per payment from end and committed offsets)', () => {
  const before = snap(
    [
      ['countypay.payment.succeeded.v1', 1_000],
      ['countypay.settlement.posted.v1', 990],
      ['countypay.credit.repaid.v1', 5],
    ],
    [
      ['settlement-ledger', [['countypay.payment.succeeded.v1', 1_000]]],
      [
        'gateway-webhooks',
        [
          ['countypay.payment.succeeded.v1', 998],
          ['countypay.settlement.posted.v1', 990],
        ],
      ],
    ],
  );
  const after = snap(
    [
      ['countypay.payment.succeeded.v1', 1_200],
      ['countypay.settlement.posted.v1', 1_190],
      ['countypay.credit.repaid.v1', 5], // nothing written in between: not listed
      ['countypay.refund.succeeded.v1', 4], // created meanwhile: counts from zero
    ],
    [
      [
        'settlement-ledger',
        [
          ['countypay.payment.succeeded.v1', 1_200],
          ['countypay.refund.succeeded.v1', 4],
        ],
      ],
      [
        'gateway-webhooks',
        [
          ['countypay.payment.succeeded.v1', 1_200],
          ['countypay.settlement.posted.v1', 1_190],
        ],
      ],
      ['idle-group', []],
    ],
  );

  it('counts what every topic received and every group committed, per payment, most first', () => {
    const w = kafkaWork(before, after, 200);
    expect(w.produced).toEqual([
      ['countypay.payment.succeeded.v1', 1],
      ['countypay.settlement.posted.v1', 1],
      ['countypay.refund.succeeded.v1', 0.02],
    ]);
    expect(w.producedTotal).toBeCloseTo(2.02);
    expect(w.consumed).toEqual([
      ['gateway-webhooks', 2.01], // (202 + 200) / 200
      ['settlement-ledger', 1.02],
    ]);
    expect(w.consumedTotal).toBeCloseTo(3.03);
  });

  it('never counts an offset that went back (a topic recreated) as negative work, nor divides by zero payments', () => {
    const w = kafkaWork(snap([['countypay.a.v1', 500]], []), snap([['countypay.a.v1', 20]], []), 0);
    expect(w.produced).toEqual([]);
    expect(w.producedTotal).toBe(0);
  });

  it('prints a line per topic and group under the totals', () => {
    const lines = kafkaLines(kafkaWork(before, after, 200));
    expect(lines[0]).toBe('  messages produced per payment: 2.02');
    expect(lines).toContain('      2.01  gateway-webhooks');
    expect(lines.filter((l) => l.includes('countypay.')).length).toBe(3);
  });
});
