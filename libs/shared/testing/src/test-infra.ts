import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import { Kafka, logLevel } from 'kafkajs';
import { appDatabaseUrl, bootstrapServiceSchema, createServiceDataSource } from '@countypay/persistence';

/** The real PostgreSQL and Kafka that test/setup/int-global-setup.mjs brought up. */
export function testInfra(): { adminUrl: string; brokers: string } {
  const adminUrl = process.env.COUNTYPAY_TEST_ADMIN_URL;
  const brokers = process.env.COUNTYPAY_TEST_KAFKA_BROKERS;
  if (!adminUrl || !brokers) throw new Error('integration tests need the int global setup (run them with npm run test:int)');
  return { adminUrl, brokers };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export interface TestSchema {
  schema: string;
  adminUrl: string;
  appUrl: string;
  /** a DataSource connected as the schema's non-owner app role (RLS applies) */
  appDataSource(): Promise<DataSource>;
  /** runs `fn` on an admin (superuser) connection with the schema on the search path; row-level security does not bind it */
  admin<T>(fn: (c: Client) => Promise<T>): Promise<T>;
  /** one statement as admin: its rows */
  adminQuery<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** grants the app role every table and sequence created so far (after migrations run as admin) */
  grantAll(): Promise<void>;
  drop(): Promise<void>;
}

/** A throw-away schema with its own non-owner role, set up by `ddl` run as admin. */
export async function createTestSchema(prefix: string, ddl: string[]): Promise<TestSchema> {
  const { adminUrl } = testInfra();
  const schema = uniqueName(`it_${prefix}`);
  const password = randomBytes(12).toString('hex');
  await bootstrapServiceSchema(adminUrl, schema, password);
  const admin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = new PgClient({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`set search_path = ${schema}`);
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const grantAll = (): Promise<void> =>
    admin(async (c) => {
      await c.query(`grant select, insert, update, delete on all tables in schema ${schema} to cp_${schema}_app`);
      await c.query(`grant usage, select on all sequences in schema ${schema} to cp_${schema}_app`);
    });
  await admin(async (c) => {
    for (const stmt of ddl) await c.query(stmt);
  });
  await grantAll();
  const appUrl = appDatabaseUrl(adminUrl, schema, password);
  const sources: DataSource[] = [];
  return {
    schema,
    adminUrl,
    appUrl,
    admin,
    adminQuery: <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => admin(async (c) => (await c.query(sql, params)).rows as T[]),
    grantAll,
    async appDataSource() {
      const ds = createServiceDataSource({ url: appUrl, schema, applicationName: `it-${schema}`, poolSize: 5 });
      await ds.initialize();
      sources.push(ds);
      return ds;
    },
    async drop() {
      await Promise.all(sources.map((d) => d.destroy().catch(() => {})));
      await admin(async (c) => {
        await c.query(`drop schema ${schema} cascade`);
        await c.query(`drop owned by cp_${schema}_app`);
        await c.query(`drop role cp_${schema}_app`);
      });
    },
  };
}

export function testKafka(clientId = 'countypay-it'): Kafka {
  return new Kafka({ clientId, brokers: testInfra().brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Creates a throw-away topic and its dead-letter topic. */
export async function createTestTopic(kafka: Kafka, prefix: string, partitions = 3): Promise<string> {
  const topic = `it.${uniqueName(prefix)}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
    ];
    // kafkajs' `waitForLeaders` retries only LEADER_NOT_AVAILABLE; a KRaft broker may first answer a new topic's
    // metadata with UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition"), which it throws
    // (seen on a broker started seconds before). Wait for every partition's leader here, either answer retried.
    await admin.createTopics({ waitForLeaders: false, topics });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        const ready = topics.every((t) => {
          const found = meta.topics.find((m) => m.name === t.topic);
          return found?.partitions.length === t.numPartitions && found.partitions.every((p) => p.leader >= 0);
        });
        if (ready) break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic}: no leader for every partition after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Collects every message of a topic from the beginning, in a fresh group. */
export async function collectTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ messages: Array<{ key: string; value: string; headers: Record<string, string> }>; stop: () => Promise<void> }> {
  const messages: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
  const consumer = kafka.consumer({ groupId: uniqueName('it-collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      messages.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}
