import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { instanceToPlain } from 'class-transformer';
import type { EventDefinition, EventEnvelope } from '@countypay/contracts';
import { currentTraceHeaders } from '@countypay/observability';
import { HEADER } from './headers';

export interface OutboxAddOptions {
  tenantId: string;
  /** the event id; give one derived from the state change to make a retried write idempotent */
  id?: string;
  occurredAt?: Date;
}

/**
 * Writes an event to the outbox inside the caller's transaction, the same one as the state
 * change it announces: both commit or neither does. The relay publishes it later. The
 * current trace context is stored with it so that the trace continues across the hop.
 */
export async function addToOutbox<T extends object>(em: EntityManager, def: EventDefinition<T>, data: T, opts: OutboxAddOptions): Promise<EventEnvelope<T>> {
  const row = outboxRow(def, data, opts);
  await em.query(
    `insert into outbox (${OUTBOX_ROW_COLUMNS})
     values ($1, $2, $3, $4, $5, $6, $7)`,
    row.params,
  );
  return row.envelope;
}

/** The columns of an outbox row, in the order of `OutboxRow.params`. */
export const OUTBOX_ROW_COLUMNS = 'id, tenant_id, topic, message_key, event_type, payload, headers';

/** One outbox row as `addToOutbox` writes it: the columns of `outbox` (payload and headers as JSON text), and its envelope. */
export interface OutboxRow<T extends object = object> {
  id: string;
  tenantId: string;
  topic: string;
  messageKey: string;
  eventType: string;
  /** the envelope, JSON */
  payload: string;
  /** the Kafka headers, JSON: tenant, event id and type, and the writer's W3C trace context */
  headers: string;
  envelope: EventEnvelope<T>;
  /** the values of `OUTBOX_ROW_COLUMNS`, in order */
  params: [id: string, tenantId: string, topic: string, messageKey: string, eventType: string, payload: string, headers: string];
}

/**
 * The row `addToOutbox` would insert, built NOW — in the writer's span: the trace context it
 * carries is the current one — for a caller that writes it later in the same transaction: in the
 * same statement as the state change it announces (`insert into outbox (OUTBOX_ROW_COLUMNS) select
 * … from <the change>`: no row when the change did not happen), or several rows in one statement
 * (the ledger's batch posting). Same envelope, headers and trace context.
 */
export function outboxRow<T extends object>(def: EventDefinition<T>, data: T, opts: OutboxAddOptions): OutboxRow<T> {
  const envelope: EventEnvelope<T> = {
    id: opts.id ?? randomUUID(),
    type: def.type,
    version: def.version,
    tenantId: opts.tenantId,
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    data: instanceToPlain(data) as T,
  };
  const headers: Record<string, string> = {
    [HEADER.tenantId]: opts.tenantId,
    [HEADER.eventId]: envelope.id,
    [HEADER.eventType]: `${def.type}.v${def.version}`,
  };
  // the writer's W3C context (tracestate too: it carries the tail-sampling "keep" mark)
  const trace = currentTraceHeaders();
  if (trace.traceparent) headers[HEADER.traceparent] = trace.traceparent;
  if (trace.tracestate) headers[HEADER.tracestate] = trace.tracestate;
  const row = {
    id: envelope.id,
    tenantId: opts.tenantId,
    topic: def.topic,
    messageKey: def.key(data),
    eventType: def.type,
    payload: JSON.stringify(envelope),
    headers: JSON.stringify(headers),
    envelope,
  };
  return { ...row, params: [row.id, row.tenantId, row.topic, row.messageKey, row.eventType, row.payload, row.headers] };
}
