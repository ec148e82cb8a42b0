// Creates every topic of the declared list (libs/shared/contracts/src/topics.json) with its
// partition count, and its dead-letter topic. Existing topics are left as they are.
import { Kafka, logLevel } from 'kafkajs';
import TOPICS from '../../libs/shared/contracts/src/topics.json' with { type: 'json' };
import { TOPIC_REPLICATION } from './kafka.mjs';
import { log } from './util.mjs';

export async function ensureTopics(brokers) {
  const admin = new Kafka({ clientId: 'countypay-topics', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    // our local cluster: 1 replica, or 3 with min.insync.replicas 2 (COUNTYPAY_KAFKA_NODES=3)
    const ours = { replicationFactor: TOPIC_REPLICATION.replicationFactor };
    const configEntries = [{ name: 'min.insync.replicas', value: String(TOPIC_REPLICATION.minInsyncReplicas) }];
    const wanted = TOPICS.flatMap((t) => [
      { topic: t.name, numPartitions: t.partitions, ...ours, configEntries },
      { topic: `${t.name}.dlq`, numPartitions: 1, ...ours, configEntries },
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
