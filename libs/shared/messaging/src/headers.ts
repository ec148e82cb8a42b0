/** Kafka headers every countypay message carries. */
export const HEADER = {
  tenantId: 'tenant-id',
  eventId: 'event-id',
  eventType: 'event-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Headers added when a message is dead-lettered; stripped again on replay. */
export const DLQ_HEADER = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

export const REPLAY_HEADER = 'dlq-replay-count';

export type MessageHeaders = Record<string, string>;

/** kafkajs header values are Buffer | string | arrays of them; countypay uses single strings. */
export function decodeHeaders(raw: Record<string, unknown> | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    if (one === undefined || one === null) continue;
    out[k] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}
