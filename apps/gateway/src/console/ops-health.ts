/**
 * Platform health for the ops console, pure: consumer lag from Kafka offsets. A partition's lag
 * is its high watermark minus the group's committed offset; a partition the group never
 * committed counts from the low watermark (everything still on the log is unread).
 */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

export interface CommittedOffset {
  partition: number;
  /** '-1' when the group has not committed on this partition */
  offset: string;
}

export function partitionLag(offsets: PartitionOffsets, committed: string | undefined): number {
  const high = BigInt(offsets.high);
  const from = committed === undefined || committed === '-1' ? BigInt(offsets.low) : BigInt(committed);
  const lag = high - from;
  return lag > 0n ? Number(lag) : 0;
}

/** One group's lag on one topic: the sum over the topic's partitions. */
export function topicLag(offsets: readonly PartitionOffsets[], committed: readonly CommittedOffset[]): number {
  const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
  return offsets.reduce((n, o) => n + partitionLag(o, byPartition.get(o.partition)), 0);
}

/** The platform's own consumer groups: `<prefix>.<service>`, not ad-hoc readers. */
export function isPlatformGroup(groupId: string, prefix: string): boolean {
  return groupId.startsWith(`${prefix}.`) && /^[a-z0-9-]+$/.test(groupId.slice(prefix.length + 1));
}

/** A service's outbox as its Prometheus exposition reports it (`outbox_pending_events`, `outbox_oldest_pending_seconds`). */
export interface OutboxLagSample {
  pending: number;
  oldestPendingSeconds: number;
}

/**
 * Reads the two outbox gauges every service registers (service-kit's MessagingLifecycle) from a
 * Prometheus text exposition; undefined when the service exposes neither (it has no outbox).
 * Labels are ignored: each service's registry carries only its own `service` label.
 */
export function outboxLagFromMetrics(text: string): OutboxLagSample | undefined {
  const value = (name: string): number | undefined => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
    if (!m) return undefined;
    const n = Number(m[1]);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const pending = value('outbox_pending_events');
  const age = value('outbox_oldest_pending_seconds');
  if (pending === undefined && age === undefined) return undefined;
  return { pending: Math.round(pending ?? 0), oldestPendingSeconds: age ?? 0 };
}

/** The service names of COUNTYPAY_SERVICE_URLS (`{ "onboarding": "http://…", … }`), sorted; none when it is not a JSON object. */
export function serviceNames(serviceUrlsJson: string): string[] {
  try {
    const map = JSON.parse(serviceUrlsJson) as unknown;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return [];
    return Object.entries(map as Record<string, unknown>)
      .filter(([, url]) => typeof url === 'string')
      .map(([name]) => name)
      .sort();
  } catch {
    return [];
  }
}
