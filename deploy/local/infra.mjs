// Local infrastructure used by `npm start`, the tests and CI: PostgreSQL and a real Kafka
// broker. `up` prints where they are and writes them to .local/infra.json for the other
// scripts; `down` stops what these scripts started (a server found running is left alone).
import '../../tools/node24.mjs';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaDown, kafkaUp } from './kafka.mjs';
import { ensureTopics } from './topics.mjs';
import { ensureDatabase, postgresDown, postgresUp } from './postgres.mjs';
import { zipkinDown, zipkinUp } from './zipkin.mjs';
import { localDir, log } from './util.mjs';

export const infraFile = join(localDir, 'infra.json');

/**
 * `zipkin`: also start the local trace server (the platform does, unless the user configured an
 * exporter of their own with COUNTYPAY_TRACE_EXPORTER).
 * @param {{ database?: string, freshDatabase?: boolean, zipkin?: boolean }} [opts]
 */
export async function infraUp(opts = {}) {
  const database = opts.database ?? process.env.COUNTYPAY_DB_NAME ?? 'countypay';
  const pgInfo = await postgresUp();
  const adminUrl = await ensureDatabase(pgInfo.url, database, { fresh: opts.freshDatabase ?? false });
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  if (kafkaBrokers) log(`kafka: using KAFKA_BROKERS=${kafkaBrokers}`);
  else kafkaBrokers = (await kafkaUp()).brokers;
  await ensureTopics(kafkaBrokers);
  const zipkinUrl = opts.zipkin ? (await zipkinUp()).url : undefined;
  const info = { adminUrl, kafkaBrokers, ...(zipkinUrl ? { zipkinUrl } : {}) };
  mkdirSync(localDir, { recursive: true });
  writeFileSync(infraFile, JSON.stringify(info, null, 2));
  return info;
}

export function readInfra() {
  return JSON.parse(readFileSync(infraFile, 'utf8'));
}

export async function infraDown() {
  if (!process.env.KAFKA_BROKERS) await kafkaDown();
  await zipkinDown();
  await postgresDown();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2] ?? 'up';
  if (cmd === 'up') {
    const info = await infraUp();
    log(`infra: PostgreSQL ${new URL(info.adminUrl).host}${new URL(info.adminUrl).pathname}, Kafka ${info.kafkaBrokers}`);
  } else if (cmd === 'down') {
    await infraDown();
  } else {
    process.stderr.write('usage: node deploy/local/infra.mjs up|down\n');
    process.exit(2);
  }
}
