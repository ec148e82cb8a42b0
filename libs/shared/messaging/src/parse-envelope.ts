import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EventEnvelope, type EventDefinition, installValidationMetadataCache } from '@countypay/contracts';
import { HEADER, type MessageHeaders } from './headers';

installValidationMetadataCache(); // every consumed event is validated: its rules are looked up once per class

export class InvalidMessageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

function describe(errors: ValidationError[], prefix = ''): string {
  return errors
    .flatMap((e) => {
      const path = `${prefix}${e.property}`;
      const own = Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`);
      return [...own, ...(e.children?.length ? [describe(e.children, `${path}.`)] : [])];
    })
    .join('; ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and validates a message against its event's envelope and data schema. */
export function parseEnvelope<T extends object>(value: Buffer | null, headers: MessageHeaders, def: EventDefinition<T>): EventEnvelope<T> {
  if (!value) throw new InvalidMessageError('invalid_message', 'empty message value');
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch {
    throw new InvalidMessageError('invalid_json', 'message value is not JSON');
  }
  // the envelope's own fields become an EventEnvelope, its data is left as parsed (still checked
  // to be an object): it becomes an instance of its own class below — transforming it with the
  // envelope too made a deep copy of every event's data only to throw it away
  const envelope = (
    isRecord(raw) ? Object.assign(plainToInstance(EventEnvelope, { ...raw, data: undefined }), { data: raw.data }) : plainToInstance(EventEnvelope, raw)
  ) as EventEnvelope<object>;
  const envErrors = validateSync(envelope, { forbidUnknownValues: true });
  if (envErrors.length > 0) throw new InvalidMessageError('invalid_envelope', describe(envErrors));
  if (envelope.type !== def.type || envelope.version !== def.version) {
    throw new InvalidMessageError('unexpected_event_type', `expected ${def.type} v${def.version}, got ${envelope.type} v${envelope.version}`);
  }
  if (headers[HEADER.tenantId] !== envelope.tenantId) {
    throw new InvalidMessageError('tenant_mismatch', 'the tenant-id header does not match the envelope');
  }
  const data = plainToInstance(def.dataClass, envelope.data);
  const dataErrors = validateSync(data, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (dataErrors.length > 0) throw new InvalidMessageError('invalid_data', describe(dataErrors));
  return { ...envelope, data };
}
