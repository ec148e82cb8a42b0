// Creates every topic of the declared list (libs/shared/contracts/src/topics.json) with its
// partition count, and its dead-letter topic. Existing topics are left as they are.
import { Kafka, logLevel } from 'kafkajs';
import TOPICS from '../../libs/shared/contracts/src/topics.json' with { type: 'json' };
import { log } from './util.mjs';

export async function ensureTopics(brokers) {
  const admin = new Kafka({ clientId: 'countypay-topics', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = TOPICS.flatMap((t) => [
      { topic: t.name, numPartitions: t.partitions, replicationFactor: 1 },
      { topic: `${t.name}.dlq`, numPartitions: 1, replicationFactor: 1 },
    ]);
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
    }
    log(`kafka: ${wanted.length} topics declared, ${missing.length} created`);
  } finally {
    await admin.disconnect();
  }
}
