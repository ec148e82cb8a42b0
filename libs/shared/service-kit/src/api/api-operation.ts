import { Injectable, SetMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { getMetadataSchema, type DecoratorSchema } from 'class-validator-jsonschema/build/decorators';
import { ApiError, type ErrorCode } from '@countypay/contracts';

/**
 * How a route is described in the public OpenAPI document. The request and query schemas come
 * from the DTO classes the route validates with (class-validator metadata), the access rule from
 * its `@Authenticated`/`@PublicRoute` declaration, the status from Nest (`@HttpCode`, else 201
 * for POST and 200 otherwise); this decorator adds what only the author knows.
 */
export interface ApiOperationOptions {
  /** stable, unique across the API (the SDK's method names) */
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** the 2xx answer: a response class, a cursor page of one, or a body that is not JSON */
  response:
    | Type<unknown>
    | { page: Type<unknown> }
    | { array: Type<unknown> }
    | {
        contentType: 'image/png' | 'image/svg+xml' | 'text/html' | 'text/csv' | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        description: string;
      };
  /** the domain errors this operation may answer, beyond those every route of its kind may */
  errors?: readonly ErrorCode[];
  /** the 2xx answer's description (default: "OK" / "Created") */
  responseDescription?: string;
}

export const API_OPERATION_METADATA = 'countypay:api-operation';

export function ApiOperation(opts: ApiOperationOptions): MethodDecorator {
  if (!/^[a-z][A-Za-z0-9]+$/.test(opts.operationId)) throw new Error(`operationId must be lowerCamelCase: ${opts.operationId}`);
  return SetMetadata(API_OPERATION_METADATA, opts);
}

/**
 * Extra JSON Schema for a DTO property or class: description, examples, format… (merged into
 * what class-validator's metadata says). Properties with a `pattern` need an example: the
 * document's examples are checked against the document's own schemas. On a property it composes
 * with `@Nullable()` (and another `@ApiSchema`) in either order; class-validator-jsonschema keeps
 * only one extra schema per property, so a plain second `JSONSchema` would drop the first.
 */
export function ApiSchema(extra: DecoratorSchema): (target: object, key?: string) => void {
  return (target, key) => (key === undefined ? JSONSchema(extra)(target) : addPropertySchema(target, key, extra));
}

type SchemaObject = Record<string, unknown>;

/** Adds `extra` to a property's JSON Schema metadata after whatever an earlier decorator put there. */
function addPropertySchema(target: object, key: string, extra: DecoratorSchema): void {
  const earlier = getMetadataSchema(target, key);
  if (typeof earlier !== 'function' && Object.keys(earlier).length === 0) return JSONSchema(extra)(target, key);
  const apply = (e: DecoratorSchema, s: SchemaObject, o: unknown): SchemaObject =>
    typeof e === 'function' ? (e(s as never, o as never) as SchemaObject) : mergeSchema(s, e as SchemaObject);
  JSONSchema(((s: SchemaObject, o: unknown) => apply(extra, apply(earlier, s, o), o)) as never)(target, key);
}

/** Deep merge of plain objects (as class-validator-jsonschema merges an extra schema); arrays and values are replaced. */
function mergeSchema(base: SchemaObject, extra: SchemaObject): SchemaObject {
  const out: SchemaObject = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeSchema(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A response property that is always present and may be null (`type: [T, "null"]`). Response
 * classes list every property; those without `@IsOptional()` are required.
 */
export function Nullable(): PropertyDecorator {
  const validateIf = ValidateIf((_o: unknown, v: unknown) => v !== null);
  const schema = ApiSchema(((s: object) => nullableSchema(s as Record<string, unknown>)) as never);
  return (target, key) => {
    validateIf(target, key as string);
    schema(target, key as string);
  };
}

export function nullableSchema(schema: Record<string, unknown>): Record<string, unknown> {
  // an enumeration admits null only when null is one of its values
  const s = Array.isArray(schema.enum) && !schema.enum.includes(null) ? { ...schema, enum: [...(schema.enum as unknown[]), null] } : schema;
  if (typeof s.$ref === 'string') return { oneOf: [{ $ref: s.$ref }, { type: 'null' }] };
  if (typeof s.type === 'string') return { ...s, type: [s.type, 'null'] };
  if (Array.isArray(s.type)) return s.type.includes('null') ? s : { ...s, type: [...(s.type as unknown[]), 'null'] };
  return { anyOf: [s, { type: 'null' }] };
}

/**
 * A path parameter that names an object by id. An id of the wrong shape names nothing, so it is a
 * 404 `not_found` like an unknown one (never a 400 that would tell ids apart). The OpenAPI
 * generator documents the pattern.
 */
@Injectable()
export class IdParam implements PipeTransform<string, string> {
  constructor(
    readonly what: string,
    readonly pattern: RegExp,
    readonly example: string,
    /** ids compared case-insensitively (UUIDs) are passed on in lower case */
    readonly lowerCase = false,
  ) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !this.pattern.test(value)) throw new ApiError('not_found', `${this.what} ${String(value).slice(0, 60)} does not exist`);
    return this.lowerCase ? value.toLowerCase() : value;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuidParam = (what: string): IdParam => new IdParam(what, UUID, '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4', true);
export const tenantParam = (): IdParam => new IdParam('tenant', /^t\d{6}$/, 't510121');
export const appIdParam = (): IdParam => new IdParam('app', /^app_[0-9a-z]{20}$/, 'app_7k2m9q4x8c1v5b3n6z0p');
