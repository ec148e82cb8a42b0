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

/** An outbox row as `addToOutbox` writes it: its envelope, and the values of `OUTBOX_ROW_COLUMNS` in order. */
export interface OutboxRow<T extends object> {
  envelope: EventEnvelope<T>;
  params: [id: string, tenantId: string, topic: string, messageKey: string, eventType: string, payload: string, headers: string];
}

/**
 * The row `addToOutbox` would insert, for a caller that writes it in the same statement as the
 * state change it announces (`insert into outbox (OUTBOX_ROW_COLUMNS) select … from <the change>`:
 * no row when the change did not happen). Same envelope, headers and trace context.
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
  return {
    envelope,
    params: [envelope.id, opts.tenantId, def.topic, def.key(data), def.type, JSON.stringify(envelope), JSON.stringify(headers)],
  };
}
