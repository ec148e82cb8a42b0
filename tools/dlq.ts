// Ops command for dead letters (built to dist/tools/dlq.js; run through npm):
//   npm run dlq -- list   --topic countypay.payment.succeeded.v1
//   npm run dlq -- replay --topic countypay.payment.succeeded.v1 --event-id <uuid> [--event-id …]
//   npm run dlq -- replay --topic countypay.payment.succeeded.v1 --all
// Kafka: KAFKA_BROKERS, else the local infrastructure's (.local/infra.json). Replaying is safe to
// repeat: consumers apply each event id once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, createProducer, readDeadLetters, replayDeadLetters, type DeadLetter } from '@countypay/messaging';

function brokers(): string {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '.local', 'infra.json'), 'utf8')) as { kafkaBrokers: string }).kafkaBrokers;
  } catch {
    throw new Error('set KAFKA_BROKERS or start the local infrastructure (npm run infra:up)');
  }
}

function table(letters: readonly DeadLetter[]): string {
  const rows = letters.map((l) => [
    `${l.partition}:${l.offset}`,
    l.eventId ?? '-',
    l.tenantId ?? '-',
    l.failedAt ?? '-',
    String(l.attempts ?? '-'),
    l.errorCode ?? '-',
    (l.errorMessage ?? '').slice(0, 60),
  ]);
  const head = ['at', 'event id', 'tenant', 'failed at', 'tries', 'code', 'error'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { topic: { type: 'string' }, 'event-id': { type: 'string', multiple: true }, all: { type: 'boolean', default: false } },
  });
  const [cmd] = positionals;
  if (!['list', 'replay'].includes(cmd ?? '') || !values.topic) {
    process.stderr.write('usage: npm run dlq -- list|replay --topic <topic> [--event-id <id>…|--all]\n');
    return 2;
  }
  const kafka = createKafka({ brokers: brokers(), clientId: 'countypay-dlq' });
  const letters = await readDeadLetters(kafka, values.topic);
  if (cmd === 'list') {
    process.stdout.write(
      letters.length ? `${table(letters)}\n${letters.length} dead letter(s) on ${values.topic}.dlq\n` : `no dead letters on ${values.topic}.dlq\n`,
    );
    return 0;
  }
  const wanted = values['event-id'] ?? [];
  if (!values.all && wanted.length === 0) {
    process.stderr.write('replay needs --event-id <id> (repeatable) or --all\n');
    return 2;
  }
  const chosen = values.all ? letters : letters.filter((l) => l.eventId && wanted.includes(l.eventId));
  const missing = wanted.filter((id) => !letters.some((l) => l.eventId === id));
  if (missing.length) process.stderr.write(`not on the dead-letter topic: ${missing.join(', ')}\n`);
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const n = await replayDeadLetters(producer, chosen);
    process.stdout.write(`replayed ${n} dead letter(s) to ${values.topic}\n`);
  } finally {
    await producer.disconnect();
  }
  return missing.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
