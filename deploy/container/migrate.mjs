// The release step, run once before every rollout (the Kubernetes migration Job, or by hand):
//  1. every service's migrations against the owner ("admin") URL: its schema, its non-owner login
//     role cp_<schema>_app (password COUNTYPAY_APP_DB_PASSWORD, which the services log in with),
//     its tables; the onboarding migrations seed the 99 county tenants;
//  2. the Kafka topics of libs/shared/contracts/src/topics.json and their .dlq, created when
//     missing with KAFKA_TOPIC_REPLICATION_FACTOR (3) and min.insync.replicas
//     KAFKA_MIN_INSYNC_REPLICAS (2). Existing topics are left as they are (a warning names one
//     whose replication factor or partition count is below the declared one).
// Idempotent: running it again applies nothing new. Migrations must be backwards compatible with
// the release before (expand, then contract a release later): the old pods keep running while
// the new ones start, and a rollback runs the old pods on the new schema.
//   env: COUNTYPAY_ADMIN_DATABASE_URL, COUNTYPAY_APP_DB_PASSWORD, KAFKA_BROKERS,
//        KAFKA_TOPIC_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS
//   args: [service…] only these services' migrations; --skip-topics
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SERVICES } from '../../tools/services.mjs';

const require = createRequire(import.meta.url);

/** Reads and checks the release step's settings; returns the problems (values never shown). */
export function migrateSettings(env) {
  const problems = [];
  const adminUrl = env.COUNTYPAY_ADMIN_DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\/.+/.test(adminUrl))
    problems.push(`COUNTYPAY_ADMIN_DATABASE_URL: must be a postgres:// URL (${adminUrl ? 'set (value hidden)' : 'not set'})`);
  const appPassword = env.COUNTYPAY_APP_DB_PASSWORD ?? '';
  if (!/^[A-Za-z0-9_-]{16,}$/.test(appPassword)) {
    problems.push(`COUNTYPAY_APP_DB_PASSWORD: must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -) (${appPassword ? 'set (value hidden)' : 'not set'})`);
  }
  const brokers = env.KAFKA_BROKERS ?? '';
  if (!/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/.test(brokers)) problems.push(`KAFKA_BROKERS: must be host:port[,host:port…] (got '${brokers}')`);
  const int = (name, def, min, max) => {
    const raw = env[name] ?? '';
    const v = raw === '' ? def : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name}: must be an integer from ${min} to ${max} (got '${raw}')`);
    return v;
  };
  const replicationFactor = int('KAFKA_TOPIC_REPLICATION_FACTOR', 3, 1, 10);
  const minInsyncReplicas = int('KAFKA_MIN_INSYNC_REPLICAS', 2, 1, 10);
  if (minInsyncReplicas > replicationFactor) problems.push('KAFKA_MIN_INSYNC_REPLICAS: must not exceed KAFKA_TOPIC_REPLICATION_FACTOR');
  return { problems, adminUrl, appPassword, brokers, replicationFactor, minInsyncReplicas };
}

/** The declared topics and their dead-letter topics, as they should exist. */
export function declaredTopics(root, { replicationFactor, minInsyncReplicas }) {
  const topics = JSON.parse(readFileSync(join(root, 'dist/libs/shared/contracts/src/topics.json'), 'utf8'));
  const configEntries = [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }];
  return topics.flatMap((t) => [
    { topic: t.name, numPartitions: t.partitions, replicationFactor, configEntries },
    { topic: `${t.name}.dlq`, numPartitions: 1, replicationFactor, configEntries },
  ]);
}

async function ensureTopics(root, s) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'countypay-migrate', brokers: s.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const wanted = declaredTopics(root, s);
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    const present = wanted.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
      for (const m of topics) {
        const want = present.find((t) => t.topic === m.name);
        const rf = Math.min(...m.partitions.map((p) => p.replicas.length));
        if (rf < want.replicationFactor || m.partitions.length < want.numPartitions) {
          console.warn(
            `migrate: warning: topic ${m.name} has ${m.partitions.length} partition(s) with replication factor ${rf}; declared ${want.numPartitions} with ${want.replicationFactor} (left as it is)`,
          );
        }
      }
    }
    console.log(
      `migrate: kafka: ${wanted.length} topics declared, ${missing.length} created (replication factor ${s.replicationFactor}, min.insync.replicas ${s.minInsyncReplicas})`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Runs the release step; returns the exit code (0 ok, 78 bad settings, 1 failed). */
export async function runMigrate({ root, args, env }) {
  const s = migrateSettings(env);
  if (s.problems.length > 0) {
    process.stderr.write(`migrate: refusing to start: invalid configuration:\n  - ${s.problems.join('\n  - ')}\n`);
    return 78;
  }
  const only = args.filter((a) => !a.startsWith('-'));
  const unknown = only.filter((n) => !SERVICES.some((svc) => svc.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`migrate: unknown service(s) ${unknown.join(', ')}\n`);
    return 2;
  }
  try {
    const { migrateService } = require(join(root, 'dist/libs/shared/persistence/src/index.js'));
    for (const svc of SERVICES.filter((x) => only.length === 0 || only.includes(x.name))) {
      const { migrations, SCHEMA } = require(join(root, `dist/apps/${svc.name}/src/data-source.js`));
      const ran = await migrateService({ adminUrl: s.adminUrl, schema: SCHEMA, appPassword: s.appPassword, migrations });
      console.log(`migrate: ${svc.name.padEnd(16)} schema ${SCHEMA.padEnd(16)} ${ran.length ? `applied ${ran.join(', ')}` : 'up to date'}`);
    }
    if (!args.includes('--skip-topics')) await ensureTopics(root, s);
    return 0;
  } catch (e) {
    // never print the URL: pg errors name the host and user, not the password
    process.stderr.write(`migrate: failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
