// A real single-node Apache Kafka broker in KRaft mode on the JVM.
// Jars come from Maven Central through deploy/local/kafka/pom.xml and are cached under
// .local/kafka/jars (reused on the next run); storage is formatted with
// kafka.tools.StorageTool; the broker is kafka.Kafka, started detached.
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
const dataDir = join(dir, 'data');
const logDir = join(dir, 'logs');
const pidFile = join(dir, 'broker.pid');
export const KAFKA_PORT = Number(process.env.COUNTYPAY_KAFKA_PORT ?? 9092);
const CONTROLLER_PORT = KAFKA_PORT + 1;
export const kafkaLogFile = join(logDir, 'server.log');

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
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}`,
      `listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'log.retention.hours=168',
      '',
    ].join('\n'),
  );
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
  return { props, log4j };
}

function javaArgs(log4j, mainClass, args) {
  return [
    '-Xms256m',
    '-Xmx768m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${jarsDir}/*`,
    mainClass,
    ...args,
  ];
}

function readPid() {
  try {
    return Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** Asks the broker for its metadata over the Kafka protocol (kafkajs admin). */
async function brokerAnswers(brokers) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'countypay-infra', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function kafkaUp() {
  const brokers = [`127.0.0.1:${KAFKA_PORT}`];
  const pid = readPid();
  if (pidAlive(pid) && (await brokerAnswers(brokers))) {
    log(`kafka: broker already running (pid ${pid}) on 127.0.0.1:${KAFKA_PORT}, reusing it`);
    return { brokers: brokers.join(','), started: false };
  }
  if (await portOpen(KAFKA_PORT)) {
    if (await brokerAnswers(brokers)) {
      log(`kafka: a broker already answers on 127.0.0.1:${KAFKA_PORT}, reusing it`);
      return { brokers: brokers.join(','), started: false };
    }
    fail(`kafka: port ${KAFKA_PORT} is taken by something that is not a Kafka broker; set COUNTYPAY_KAFKA_PORT`);
  }
  requireTools();
  await fetchJars();
  const { props, log4j } = writeConfig();
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    rmSync(dataDir, { recursive: true, force: true });
    const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    const r = spawnSync('java', javaArgs(log4j, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', props]), {
      encoding: 'utf8',
    });
    if (r.status !== 0) fail(`kafka: storage format failed:\n${r.stdout}\n${r.stderr}`);
    log(`kafka: storage formatted in ${dataDir} (cluster ${clusterId})`);
  }
  const out = openSync(kafkaLogFile, 'a');
  const child = spawn('java', javaArgs(log4j, 'kafka.Kafka', [props]), { detached: true, stdio: ['ignore', out, out] });
  writeFileSync(pidFile, String(child.pid));
  child.unref();
  await withProgress(`kafka: starting Apache Kafka ${KAFKA_VERSION} (KRaft) on 127.0.0.1:${KAFKA_PORT}, pid ${child.pid}`, async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (!pidAlive(child.pid)) fail(`kafka: the broker exited during start; see ${kafkaLogFile}`);
      if (await brokerAnswers(brokers)) return;
      await sleep(500);
    }
    fail(`kafka: the broker did not answer within 120 s; see ${kafkaLogFile}`);
  });
  return { brokers: brokers.join(','), started: true };
}

export async function kafkaDown() {
  const pid = readPid();
  if (!pidAlive(pid)) {
    log('kafka: no broker of ours is running');
    rmSync(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  await withProgress(`kafka: stopping broker (pid ${pid})`, async () => {
    const deadline = Date.now() + 60_000;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(300);
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  rmSync(pidFile, { force: true });
}
