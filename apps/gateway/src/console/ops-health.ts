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
