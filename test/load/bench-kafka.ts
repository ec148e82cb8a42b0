// The Kafka side of a payment, counted around the bench's fixed-rate phase: how many messages each
// topic received (the sum of its partitions' end offsets) and how many each consumer group took
// (the sum of its committed offsets), per successful payment — the counts `npm run bench:floor`
// multiplies by what a message costs. Counts, so they do not depend on the machine's load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaSnapshot {
  /** topic → messages ever written (sum of the partitions' high watermarks) */
  topics: Map<string, number>;
  /** group → topic → committed offsets summed over the partitions (only partitions with a commit) */
  groups: Map<string, Map<string, number>>;
}

export interface KafkaWork {
  /** messages produced per payment, by topic (topics that received any), most first */
  produced: Array<[string, number]>;
  producedTotal: number;
  /** messages consumed (committed) per payment, by group, most first */
  consumed: Array<[string, number]>;
  consumedTotal: number;
}

/** KAFKA_BROKERS, else the local broker of `npm start` (the infra file it writes), else undefined. */
export function benchKafkaBrokers(localDir: string): string | undefined {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  try {
    return (JSON.parse(readFileSync(join(localDir, 'infra.json'), 'utf8')) as { kafkaBrokers?: string }).kafkaBrokers;
  } catch {
    return undefined;
  }
}

/** End offsets of every countypay topic and the committed offsets of every consumer group on them. */
export async function kafkaSnapshot(brokers: string): Promise<KafkaSnapshot> {
  const kafka = new Kafka({ clientId: 'countypay-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((t) => t.startsWith('countypay.') && !t.startsWith('countypay.floor-bench.')).sort();
    const topics = new Map<string, number>();
    for (const t of names)
      topics.set(
        t,
        (await admin.fetchTopicOffsets(t)).reduce((a, p) => a + Number(p.high), 0),
      );
    const groups = new Map<string, Map<string, number>>();
    for (const g of (await admin.listGroups()).groups.map((x) => x.groupId).sort()) {
      const byTopic = new Map<string, number>();
      for (const t of await admin.fetchOffsets({ groupId: g, topics: names })) {
        const committed = t.partitions.map((p) => Number(p.offset)).filter((o) => o >= 0);
        if (committed.length > 0)
          byTopic.set(
            t.topic,
            committed.reduce((a, b) => a + b, 0),
          );
      }
      if (byTopic.size > 0) groups.set(g, byTopic);
    }
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}

function sumGrowth(before: ReadonlyMap<string, number> | undefined, after: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [k, v] of after) n += Math.max(0, v - (before?.get(k) ?? 0));
  return n;
}

/** What grew between the snapshots, per payment. A topic or group that appeared meanwhile counts from zero. */
export function kafkaWork(before: KafkaSnapshot, after: KafkaSnapshot, payments: number): KafkaWork {
  const per = (n: number): number => n / Math.max(1, payments);
  const produced = [...after.topics]
    .map(([t, v]): [string, number] => [t, per(Math.max(0, v - (before.topics.get(t) ?? 0)))])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const consumed = [...after.groups]
    .map(([g, byTopic]): [string, number] => [g, per(sumGrowth(before.groups.get(g), byTopic))])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    produced,
    producedTotal: produced.reduce((a, [, v]) => a + v, 0),
    consumed,
    consumedTotal: consumed.reduce((a, [, v]) => a + v, 0),
  };
}

export function kafkaLines(w: KafkaWork): string[] {
  const f = (v: number): string => v.toFixed(2).padStart(6);
  return [
    `  messages produced per payment: ${w.producedTotal.toFixed(2)}`,
    ...w.produced.map(([t, v]) => `    ${f(v)}  ${t}`),
    `  messages consumed per payment (committed, all groups): ${w.consumedTotal.toFixed(2)}`,
    ...w.consumed.map(([g, v]) => `    ${f(v)}  ${g}`),
  ];
}
