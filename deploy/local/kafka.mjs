// A real Apache Kafka in KRaft mode on the JVM: one node by default, or a three-node cluster
// (COUNTYPAY_KAFKA_NODES=3: every node broker and controller, topics with replication factor 3 and
// min.insync.replicas 2; node i listens on COUNTYPAY_KAFKA_PORT + 2(i−1), its controller one above).
// Jars come from Maven Central through deploy/local/kafka/pom.xml and are cached under
// .local/kafka/jars (reused on the next run); storage is formatted with
// kafka.tools.StorageTool; each node is kafka.Kafka, started detached.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fail, hasCommand, localDir, log, pidAlive, portOpen, repoRoot, sleep, withProgress } from './util.mjs';

const POM = join(repoRoot, 'deploy/local/kafka/pom.xml');
const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(POM, 'utf8'))[1];
const dir = join(localDir, 'kafka');
const jarsDir = join(dir, 'jars', KAFKA_VERSION);
const logDir = join(dir, 'logs');
export const KAFKA_PORT = Number(process.env.COUNTYPAY_KAFKA_PORT ?? 9092);
export const KAFKA_NODES = Number(process.env.COUNTYPAY_KAFKA_NODES ?? 1);
if (KAFKA_NODES !== 1 && KAFKA_NODES !== 3) fail(`COUNTYPAY_KAFKA_NODES is ${process.env.COUNTYPAY_KAFKA_NODES}: 1 (the default) or 3`);
/** node 1 keeps the single node's file names; the others are suffixed with their id */
const suffix = (id) => (id === 1 ? '' : `-${id}`);
/** one node of the cluster: its ports and files */
export function kafkaNode(id) {
  const port = KAFKA_PORT + 2 * (id - 1);
  return {
    id,
    port,
    controllerPort: port + 1,
    dataDir: join(dir, `data${suffix(id)}`),
    pidFile: join(dir, `broker${suffix(id)}.pid`),
    logFile: join(logDir, `server${suffix(id)}.log`),
    props: join(dir, `server${suffix(id)}.properties`),
  };
}
const NODES = Array.from({ length: KAFKA_NODES }, (_, k) => kafkaNode(k + 1));
/** replication of the declared topics: every node holds each partition, two must have a write */
export const TOPIC_REPLICATION = KAFKA_NODES === 3 ? { replicationFactor: 3, minInsyncReplicas: 2 } : { replicationFactor: 1, minInsyncReplicas: 1 };
export const kafkaLogFile = NODES[0].logFile;
const nodesMarker = join(dir, 'nodes');

function requireTools() {
  if (!hasCommand('java')) fail('Java not found: install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)');
  if (!hasCommand('mvn')) fail('Maven not found: install Apache Maven (Debian: apt-get install maven)');
}

async function fetchJars() {
  const marker = join(jarsDir, '.complete');
  if (existsSync(marker)) return;
  mkdirSync(jarsDir, { recursive: true });
  log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (first run only, ~45 MB)`);
  const mvn = spawn('mvn', ['-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${jarsDir}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let count = 0;
  const tail = [];
  for (const stream of [mvn.stdout, mvn.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const m = /Downloaded from \S+: (\S+) \(([^)]+)\)/.exec(line);
      if (m) {
        count++;
        log(`  [${String(count).padStart(3)}] ${m[1].split('/').pop()} (${m[2]})`);
      }
    });
  }
  const code = await new Promise((r) => mvn.on('close', r));
  if (code !== 0) {
    process.stderr.write(tail.join('\n') + '\n');
    fail(`kafka: Maven could not fetch the Kafka jars (exit ${code}); see the lines above`);
  }
  writeFileSync(marker, new Date().toISOString());
  log(`kafka: ${readdirSync(jarsDir).filter((f) => f.endsWith('.jar')).length} jars cached in ${jarsDir}`);
}

function writeConfig() {
  mkdirSync(logDir, { recursive: true });
  const rf = TOPIC_REPLICATION.replicationFactor;
  const isr = TOPIC_REPLICATION.minInsyncReplicas;
  const voters = NODES.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  for (const n of NODES) {
    writeFileSync(
      n.props,
      [
        'process.roles=broker,controller',
        `node.id=${n.id}`,
        `controller.quorum.voters=${voters}`,
        `listeners=PLAINTEXT://127.0.0.1:${n.port},CONTROLLER://127.0.0.1:${n.controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${n.port}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        `log.dirs=${n.dataDir}`,
        'num.partitions=3',
        `default.replication.factor=${rf}`,
        `min.insync.replicas=${isr}`,
        `offsets.topic.replication.factor=${rf}`,
        'offsets.topic.num.partitions=10',
        `transaction.state.log.replication.factor=${rf}`,
        `transaction.state.log.min.isr=${isr}`,
        `share.coordinator.state.topic.replication.factor=${rf}`,
        `share.coordinator.state.topic.min.isr=${isr}`,
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        'log.retention.hours=168',
        // sized for a developer box of 2–4 cores (Kafka's defaults are for a dedicated server: 3
        // network threads per listener, 8 request handlers, 10 background threads); measured per
        // payment in docs/perf/throughput.md "tpkafka"
        'num.network.threads=2',
        'num.io.threads=2',
        'background.threads=2',
        'num.recovery.threads.per.data.dir=1',
        // the active controller appends a no-op record to the metadata log this often when nothing
        // else changes (default 500 ms: two raft appends, fetches and applies a second on an idle box);
        // it only feeds the metadata-staleness metrics
        'metadata.max.idle.interval.ms=5000',
        '',
      ].join('\n'),
    );
  }
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      'logger.kafka.name = kafka',
      'logger.kafka.level = WARN',
      'logger.state.name = state.change.logger',
      'logger.state.level = WARN',
      'logger.org.name = org.apache.kafka',
      'logger.org.level = WARN',
      '',
    ].join('\n'),
  );
  return { log4j };
}

function javaArgs(log4j, mainClass, args) {
  return [
    '-Xms256m',
    '-Xmx768m',
    // the serial collector with a fixed young generation: a broker's heap here is mostly short-lived
    // request buffers; G1's concurrent, refinement and parallel GC threads and its VM-thread work
    // cost more CPU than the broker's request handling (perf, docs/perf/throughput.md "tpkafka")
    '-XX:+UseSerialGC',
    '-Xmn128m',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${jarsDir}/*`,
    mainClass,
    ...args,
  ];
}

function readPid(node = NODES[0]) {
  try {
    return Number(readFileSync(node.pidFile, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** the pid of node `id` of our cluster (0 when none) — for the chaos suite's kills */
export const kafkaNodePid = (id) => readPid(kafkaNode(id));

/** Asks the broker for its metadata over the Kafka protocol (kafkajs admin). */
async function brokerAnswers(brokers) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'countypay-infra', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const { brokers: live } = await admin.describeCluster();
    return live.length >= Math.min(brokers.length, KAFKA_NODES);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function kafkaUp() {
  const brokers = NODES.map((n) => `127.0.0.1:${n.port}`);
  const running = NODES.filter((n) => pidAlive(readPid(n)));
  if (running.length === NODES.length && (await brokerAnswers(brokers))) {
    log(
      `kafka: ${KAFKA_NODES === 1 ? `broker already running (pid ${readPid()})` : `${KAFKA_NODES} nodes already running`} on ${brokers.join(',')}, reusing ${KAFKA_NODES === 1 ? 'it' : 'them'}`,
    );
    return { brokers: brokers.join(','), started: false };
  }
  if (running.length === 0 && KAFKA_NODES === 1 && (await portOpen(KAFKA_PORT))) {
    if (await brokerAnswers(brokers)) {
      log(`kafka: a broker already answers on 127.0.0.1:${KAFKA_PORT}, reusing it`);
      return { brokers: brokers.join(','), started: false };
    }
    fail(`kafka: port ${KAFKA_PORT} is taken by something that is not a Kafka broker; set COUNTYPAY_KAFKA_PORT`);
  }
  const toStart = NODES.filter((n) => !running.includes(n));
  for (const n of toStart)
    if ((await portOpen(n.port)) || (await portOpen(n.controllerPort)))
      fail(`kafka: port ${n.port} or ${n.controllerPort} (node ${n.id}) is taken by something that is not ours; set COUNTYPAY_KAFKA_PORT`);
  requireTools();
  await fetchJars();
  const { log4j } = writeConfig();
  // storage: every node formatted with one cluster id; a cluster of another size starts afresh
  const formattedFor = existsSync(nodesMarker)
    ? Number(readFileSync(nodesMarker, 'utf8').trim())
    : existsSync(join(NODES[0].dataDir, 'meta.properties'))
      ? 1
      : 0;
  if (formattedFor !== KAFKA_NODES || NODES.some((n) => !existsSync(join(n.dataDir, 'meta.properties')))) {
    if (running.length > 0) fail(`kafka: node(s) ${running.map((n) => n.id).join(',')} run on storage of another cluster; npm stop first`);
    if (formattedFor !== 0 && formattedFor !== KAFKA_NODES)
      log(`kafka: the local storage was a ${formattedFor}-node cluster; formatting a ${KAFKA_NODES}-node one (its events are dropped)`);
    const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    for (const n of NODES) {
      rmSync(n.dataDir, { recursive: true, force: true });
      const r = spawnSync('java', javaArgs(log4j, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', n.props]), { encoding: 'utf8' });
      if (r.status !== 0) fail(`kafka: storage format of node ${n.id} failed:\n${r.stdout}\n${r.stderr}`);
    }
    writeFileSync(nodesMarker, String(KAFKA_NODES));
    log(`kafka: storage formatted in ${NODES.map((n) => n.dataDir).join(', ')} (cluster ${clusterId})`);
  }
  const pids = toStart.map((n) => {
    const out = openSync(n.logFile, 'a');
    const child = spawn('java', javaArgs(log4j, 'kafka.Kafka', [n.props]), { detached: true, stdio: ['ignore', out, out] });
    writeFileSync(n.pidFile, String(child.pid));
    child.unref();
    return { n, pid: child.pid };
  });
  const what = toStart.length === 1 ? `node ${toStart[0].id}, pid ${pids[0].pid}` : `${toStart.length} nodes, pids ${pids.map((p) => p.pid).join(',')}`;
  await withProgress(`kafka: starting Apache Kafka ${KAFKA_VERSION} (KRaft) on ${brokers.join(',')} (${what})`, async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      for (const { n, pid } of pids) if (!pidAlive(pid)) fail(`kafka: node ${n.id} exited during start; see ${n.logFile}`);
      if (await brokerAnswers(brokers)) return;
      await sleep(500);
    }
    fail(`kafka: the cluster did not answer within 120 s; see ${NODES.map((n) => n.logFile).join(', ')}`);
  });
  return { brokers: brokers.join(','), started: true };
}

export async function kafkaDown() {
  const live = NODES.map((n) => ({ n, pid: readPid(n) })).filter(({ pid }) => pidAlive(pid));
  if (live.length === 0) {
    log('kafka: no broker of ours is running');
    for (const n of NODES) rmSync(n.pidFile, { force: true });
    return;
  }
  for (const { pid } of live) process.kill(pid, 'SIGTERM');
  await withProgress(
    `kafka: stopping ${live.length === 1 ? `broker (pid ${live[0].pid})` : `${live.length} nodes (pids ${live.map((l) => l.pid).join(',')})`}`,
    async () => {
      const deadline = Date.now() + 60_000;
      while (live.some(({ pid }) => pidAlive(pid)) && Date.now() < deadline) await sleep(300);
      for (const { pid } of live) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    },
  );
  for (const n of NODES) rmSync(n.pidFile, { force: true });
}
