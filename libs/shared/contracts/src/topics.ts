// The one declared list of Kafka topics lives in topics.json (name
// `countypay.<domain>.<event>.v<N>`, partition count, key). deploy/local/topics.mjs creates
// them, each with its `<topic>.dlq`; services publish and subscribe only to names from here.
import topics from './topics.json';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** the envelope data field whose value is the message key (the aggregate whose order matters) */
  readonly key: string;
}

export const TOPICS: readonly TopicSpec[] = topics;

export const DLQ_SUFFIX = '.dlq';

export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export function isDeclaredTopic(name: string): boolean {
  return TOPICS.some((t) => t.name === name);
}
