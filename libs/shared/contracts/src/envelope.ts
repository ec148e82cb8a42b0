import { IsISO8601, IsInt, IsObject, IsUUID, Matches, Min } from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import { isDeclaredTopic } from './topics';

/** Every event on Kafka travels in this envelope; the tenant is also in the key's headers. */
export class EventEnvelope<T extends object = object> {
  @IsUUID()
  id!: string;

  /** `<domain>.<event>`, e.g. `payment.succeeded` */
  @Matches(/^[a-z-]+\.[a-z-]+$/)
  type!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId!: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsObject()
  data!: T;
}

/** A versioned event: its topic, its data schema (a class-validator class) and its key. */
export interface EventDefinition<T extends object> {
  readonly topic: string;
  readonly type: string;
  readonly version: number;
  readonly dataClass: ClassConstructor<T>;
  /** the aggregate whose order matters (order id, credit line id, merchant id…) */
  readonly key: (data: T) => string;
}

/** Declares an event; its topic `countypay.<type>.v<version>` must be in topics.json. */
export function defineEvent<T extends object>(spec: {
  type: string;
  version: number;
  dataClass: ClassConstructor<T>;
  key: (data: T) => string;
}): EventDefinition<T> {
  const topic = `countypay.${spec.type}.v${spec.version}`;
  if (!isDeclaredTopic(topic)) throw new Error(`event ${spec.type} v${spec.version}: topic ${topic} is not declared in topics.json`);
  return { ...spec, topic };
}
