import type { KafkaMessage, Producer, Kafka } from 'kafkajs';
import { dlqTopic, DLQ_SUFFIX } from '@countypay/contracts';
import { maskSensitiveText } from '@countypay/observability';
import { DLQ_HEADER, REPLAY_HEADER, decodeHeaders, HEADER, type MessageHeaders } from './headers';

export interface DeadLetterInput {
  topic: string;
  partition: number;
  message: KafkaMessage;
  headers: MessageHeaders;
  group: string;
  code: string;
  error: string;
  attempts: number;
}

/** Publishes a failed message to `<topic>.dlq`: same key and value, original headers plus the error. */
export async function deadLetter(producer: Producer, d: DeadLetterInput): Promise<void> {
  const safeError = maskSensitiveText(String(d.error)).slice(0, 1000);
  await producer.send({
    topic: dlqTopic(d.topic),
    acks: -1,
    messages: [
      {
        key: d.message.key,
        value: d.message.value,
        headers: {
          ...d.headers,
          [DLQ_HEADER.originalTopic]: d.topic,
          [DLQ_HEADER.originalPartition]: String(d.partition),
          [DLQ_HEADER.originalOffset]: d.message.offset,
          [DLQ_HEADER.consumerGroup]: d.group,
          [DLQ_HEADER.errorCode]: d.code,
          [DLQ_HEADER.errorMessage]: safeError,
          [DLQ_HEADER.attempts]: String(d.attempts),
          [DLQ_HEADER.failedAt]: new Date().toISOString(),
        },
      },
    ],
  });
}

export interface DeadLetter {
  dlqTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  eventId?: string;
  tenantId?: string;
  originalTopic: string;
  errorCode?: string;
  errorMessage?: string;
  attempts?: number;
  failedAt?: string;
}

/** Reads every message currently on a dead-letter topic (up to its high watermark), without committing. */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  const dlq = topic.endsWith(DLQ_SUFFIX) ? topic : dlqTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(dlq).finally(() => admin.disconnect());
  const remaining = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  const out: DeadLetter[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `countypay.dlq-reader.${process.pid}.${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const high = remaining.get(partition);
            if (high === undefined) return;
            const headers = decodeHeaders(message.headers as Record<string, unknown>);
            out.push({
              dlqTopic: dlq,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers,
              eventId: headers[HEADER.eventId],
              tenantId: headers[HEADER.tenantId],
              originalTopic: headers[DLQ_HEADER.originalTopic] ?? dlq.slice(0, -DLQ_SUFFIX.length),
              errorCode: headers[DLQ_HEADER.errorCode],
              errorMessage: headers[DLQ_HEADER.errorMessage],
              attempts: headers[DLQ_HEADER.attempts] ? Number(headers[DLQ_HEADER.attempts]) : undefined,
              failedAt: headers[DLQ_HEADER.failedAt],
            });
            if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/**
 * Puts dead letters back on their original topic with their original headers (the dlq-*
 * headers removed, a replay count added). Replaying twice is harmless: consumers are
 * idempotent on the event id.
 */
export async function replayDeadLetters(producer: Producer, letters: readonly DeadLetter[]): Promise<number> {
  for (const l of letters) {
    const headers: MessageHeaders = {};
    for (const [k, v] of Object.entries(l.headers)) if (!k.startsWith('dlq-')) headers[k] = v;
    headers[REPLAY_HEADER] = String(Number(l.headers[REPLAY_HEADER] ?? '0') + 1);
    await producer.send({ topic: l.originalTopic, acks: -1, messages: [{ key: l.key, value: l.value, headers }] });
  }
  return letters.length;
}
