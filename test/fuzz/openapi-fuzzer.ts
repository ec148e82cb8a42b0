// Hostile requests generated from the published OpenAPI document (issue 12, "Faults, hostile input
// and scale-out"). Every operation's request body schema, query parameters and path parameters are
// turned into invalid variants: wrong types, missing required fields, boundary and overflow
// integers, empty, over-long and 60 KB strings, NUL and other C0 control characters, lone
// surrogates, invalid UTF-8 bytes, deep nesting, duplicate and unknown keys, wrong content types,
// malformed path segments and cursors. Nothing here knows a route by name: a route added to the
// document is fuzzed without editing this file, and an operation whose shape the generator does not
// understand (a schema keyword, a parameter location, a content type, a security scheme it has no
// variants for) makes `describeOperations` throw, so no route is ever skipped silently.
//
// Deterministic: the same seed gives the same cases in the same order (a small seeded PRNG, no
// Math.random), so a failure names a seed and a case key that reproduce it.
import { OPENAPI_DOCUMENT } from '@countypay/contracts';

// ---- the document, as the fuzzer reads it ------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: Json[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  $ref?: string;
  examples?: Json[];
  description?: string;
}

export type ActorKind = 'app' | 'county' | 'province';

export interface ParamSpec {
  name: string;
  required: boolean;
  schema: Schema;
}

export interface FuzzOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** the OpenAPI path template, `/v1/...` with `{name}` segments */
  template: string;
  pathParams: ParamSpec[];
  queryParams: ParamSpec[];
  /** the request body: its schema with every `$ref` resolved, and the document's example */
  body?: { schema: Schema; example: Json; required: boolean };
  /** who the route admits (`x-actors`); empty for a public route */
  actors: ActorKind[];
  /** `x-required-scopes` (any one of them) */
  scopes: string[];
  /** `x-upstream-service`: the service that answers (or `gateway`) */
  service: string;
  /** whether the route takes a POST Idempotency-Key header */
  idempotencyKey: boolean;
  /** documented error codes by status (`x-error-codes` of each 4xx/5xx response) */
  errors: Map<number, string[]>;
}

interface RawOperation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema; example?: Json }> };
  responses?: Record<string, { 'x-error-codes'?: string[]; content?: Record<string, { schema?: Schema }> }>;
  security?: Array<Record<string, string[]>>;
  'x-actors'?: string[];
  'x-required-scopes'?: string[];
  'x-upstream-service'?: string;
}

interface RawDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
  'x-error-codes': Array<{ code: string; status: number; type: string }>;
}

export const DOCUMENT = OPENAPI_DOCUMENT as unknown as RawDocument;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const SCHEMA_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  '$ref',
  'examples',
  'description',
]);
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object']);
const FORMATS = new Set(['uuid', 'uri']);
/** the header parameters the fuzzer knows how to fill (signature, idempotency, a province operator's county) */
const KNOWN_HEADERS = new Set(['x-cp-app-id', 'x-cp-timestamp', 'x-cp-nonce', 'x-cp-signature-alg', 'x-cp-signature', 'idempotency-key', 'x-cp-tenant-id']);
const SECURITY_SCHEMES: Record<string, ActorKind[]> = { CountypaySignature: ['app'], OperatorBearer: ['county', 'province'] };

/** Thrown when the document has something the fuzzer cannot generate cases for: extend the fuzzer, never skip. */
export class UnsupportedOperationShape extends Error {}

function resolveSchema(schema: Schema, where: string, problems: string[], depth = 0): Schema {
  if (depth > 20) {
    problems.push(`${where}: schema nested more than 20 levels (recursive?)`);
    return {};
  }
  let s = schema;
  if (s.$ref) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(s.$ref)?.[1];
    const target = name ? DOCUMENT.components.schemas[name] : undefined;
    if (!target) {
      problems.push(`${where}: unresolvable $ref ${s.$ref}`);
      return {};
    }
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  for (const k of Object.keys(s)) if (!SCHEMA_KEYWORDS.has(k)) problems.push(`${where}: schema keyword '${k}' is not understood by the fuzzer`);
  if (s.type === undefined) problems.push(`${where}: schema without a type`);
  else if (!TYPES.has(s.type)) problems.push(`${where}: schema type '${s.type}' is not understood`);
  if (s.format !== undefined && !FORMATS.has(s.format)) problems.push(`${where}: format '${s.format}' is not understood`);
  const out: Schema = { ...s };
  if (s.properties)
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolveSchema(v, `${where}.${k}`, problems, depth + 1)]));
  if (s.items) out.items = resolveSchema(s.items, `${where}[]`, problems, depth + 1);
  if (s.type === 'array' && !s.items) problems.push(`${where}: array without items`);
  if (s.type === 'object' && !s.properties) problems.push(`${where}: object without properties`);
  return out;
}

/** Every operation of the document, or an UnsupportedOperationShape listing everything the fuzzer does not understand. */
export function describeOperations(doc: RawDocument = DOCUMENT): FuzzOperation[] {
  const problems: string[] = [];
  const ops: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [m, raw] of Object.entries(item)) {
      const where = `${m.toUpperCase()} ${template}`;
      if (!(METHODS as readonly string[]).includes(m)) {
        problems.push(`${where}: method ${m} is not understood`);
        continue;
      }
      if (!raw.operationId) problems.push(`${where}: no operationId`);
      const pathParams: ParamSpec[] = [];
      const queryParams: ParamSpec[] = [];
      let idempotencyKey = false;
      for (const p of raw.parameters ?? []) {
        const pw = `${where} parameter ${p.in}:${p.name}`;
        const schema = resolveSchema(p.schema ?? {}, pw, problems);
        if (p.in === 'path') {
          if (schema.type !== 'string' || !schema.pattern) problems.push(`${pw}: a path parameter needs a string schema with a pattern`);
          pathParams.push({ name: p.name, required: true, schema });
        } else if (p.in === 'query') {
          if (schema.type !== 'string' && schema.type !== 'integer') problems.push(`${pw}: query parameters of type ${schema.type} are not understood`);
          queryParams.push({ name: p.name, required: p.required === true, schema });
        } else if (p.in === 'header') {
          if (!KNOWN_HEADERS.has(p.name.toLowerCase())) problems.push(`${pw}: header parameter not understood`);
          if (p.name.toLowerCase() === 'idempotency-key') idempotencyKey = true;
        } else problems.push(`${pw}: parameter location '${p.in}' is not understood`);
      }
      const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!);
      for (const name of inTemplate) if (!pathParams.some((p) => p.name === name)) problems.push(`${where}: path segment {${name}} has no parameter`);
      let body: FuzzOperation['body'];
      if (raw.requestBody) {
        const content = raw.requestBody.content ?? {};
        const types = Object.keys(content);
        if (types.length !== 1 || types[0] !== 'application/json')
          problems.push(`${where}: request body content ${types.join(', ')} is not understood (application/json only)`);
        const media = content['application/json'];
        if (media?.schema) {
          const schema = resolveSchema(media.schema, `${where} body`, problems);
          if (schema.type !== 'object') problems.push(`${where}: request body of type ${schema.type} is not understood`);
          if (media.example === undefined) problems.push(`${where}: request body without an example (the fuzzer mutates the example)`);
          body = { schema, example: media.example as Json, required: raw.requestBody.required === true };
        }
      }
      if (!raw['x-upstream-service']) problems.push(`${where}: no x-upstream-service`);
      const actors = (raw['x-actors'] ?? []) as ActorKind[];
      for (const a of actors) if (!['app', 'county', 'province'].includes(a)) problems.push(`${where}: actor ${a} is not understood`);
      const security = raw.security ?? [];
      for (const req of security)
        for (const name of Object.keys(req)) if (!SECURITY_SCHEMES[name]) problems.push(`${where}: security scheme ${name} is not understood`);
      const schemes = new Set(security.flatMap((r) => Object.keys(r)).flatMap((n) => SECURITY_SCHEMES[n] ?? []));
      for (const a of actors) if (!schemes.has(a)) problems.push(`${where}: x-actors admits ${a} but security has no scheme for it`);
      if (actors.length === 0 && security.length > 0) problems.push(`${where}: security without x-actors`);
      const errors = new Map<number, string[]>();
      for (const [status, r] of Object.entries(raw.responses ?? {})) {
        const n = Number(status);
        if (!Number.isInteger(n)) problems.push(`${where}: response '${status}' is not understood`);
        if (n >= 400) {
          if (!r['x-error-codes']?.length) problems.push(`${where}: error response ${status} lists no x-error-codes`);
          errors.set(n, r['x-error-codes'] ?? []);
        }
      }
      ops.push({
        operationId: raw.operationId ?? where,
        method: m.toUpperCase() as FuzzOperation['method'],
        template,
        pathParams,
        queryParams,
        ...(body ? { body } : {}),
        actors,
        scopes: raw['x-required-scopes'] ?? [],
        service: raw['x-upstream-service'] ?? '',
        idempotencyKey,
        errors,
      });
    }
  }
  if (problems.length)
    throw new UnsupportedOperationShape(`the fuzzer does not understand ${problems.length} thing(s) in the OpenAPI document:\n  ${problems.join('\n  ')}`);
  return ops;
}

/** Every error code the document lists, with its status. */
export function documentErrorCodes(doc: RawDocument = DOCUMENT): Map<string, number> {
  return new Map(doc['x-error-codes'].map((e) => [e.code, e.status]));
}

// ---- routing, as the gateway does it (a mutated path may stop matching its operation) ---------

interface CompiledTemplate {
  op: FuzzOperation;
  regex: RegExp;
  literals: boolean[];
}

export class TemplateMatcher {
  private readonly compiled: CompiledTemplate[];

  constructor(ops: readonly FuzzOperation[]) {
    this.compiled = ops
      .map((op) => {
        const literals: boolean[] = [];
        const pattern = op.template
          .split('/')
          .map((seg) => {
            const param = /^\{[A-Za-z][A-Za-z0-9]*\}$/.test(seg);
            literals.push(!param);
            return param ? '([^/?#]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('/');
        return { op, regex: new RegExp(`^${pattern}$`), literals };
      })
      .sort((a, b) => {
        for (let i = 0; i < Math.max(a.literals.length, b.literals.length); i++) {
          const x = a.literals[i] ?? false;
          const y = b.literals[i] ?? false;
          if (x !== y) return x ? -1 : 1;
        }
        return 0;
      });
  }

  /** The operation a raw path reaches, or why none does (dot segments never route). */
  match(method: string, path: string): FuzzOperation | 'route_not_found' | 'method_not_allowed' {
    if (path.split('/').some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) return 'route_not_found';
    let known = false;
    for (const c of this.compiled) {
      if (!c.regex.test(path)) continue;
      known = true;
      if (c.op.method === method) return c.op;
    }
    return known ? 'method_not_allowed' : 'route_not_found';
  }
}

// ---- a seeded PRNG ------------------------------------------------------------------------------

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

// ---- cases --------------------------------------------------------------------------------------

/** Who sends a case: a signed app, an operator's bearer token, or nobody (no credentials at all). */
export type Sender = 'app' | 'county' | 'province' | 'none';

export interface FuzzCase {
  /** `<operationId>#<n>`: with the seed, enough to reproduce the case */
  key: string;
  operationId: string;
  method: string;
  /** the raw path as sent (percent-encoding and dot segments untouched) */
  path: string;
  /** the raw query string, '' for none */
  query: string;
  body?: Buffer;
  /** the Content-Type header; undefined sends none */
  contentType?: string;
  sender: Sender;
  /** what was mutated, for the report */
  variant: string;
  /**
   * false for the few hostile inputs the schema does not forbid (a control character in free
   * text): they may be accepted and may write; every other case is invalid and must write nothing
   */
  invalid: boolean;
}

/** The real objects path parameters and id-like body fields name (`merchantId` → an id of the fuzz tenant). */
export interface FuzzIds {
  /** path parameter name → raw segment value */
  path: Record<string, string>;
  /**
   * path parameter name → the id for body-less state changes (suspend, resume, close, resend):
   * if such a route ignores a hostile body it changes this sacrificial object, not the shared one
   */
  sacrificial: Record<string, string>;
  /** body property name → value put into the valid base body (`merchantId`, `storeId`, `terminalId`, `tenantId`) */
  body: Record<string, Json>;
}

const LIMIT_64K = 60 * 1024;
const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\u0000');

/** A marker replaced in the serialised JSON, for number literals JSON.stringify cannot write (1e400, -0, 1E2…). */
const RAW = '\u0001raw:';
const raw = (literal: string): string => `${RAW}${literal}\u0001`;
function serialise(v: unknown): string {
  return JSON.stringify(v).replace(/"\\u0001raw:(.*?)\\u0001"/g, '$1');
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

interface Mutation {
  label: string;
  /** changes a clone of the base body; returns undefined when it does not apply */
  apply: (body: Record<string, Json>) => Record<string, unknown> | undefined;
  /** default true */
  invalid?: boolean;
}

/** Values of the wrong JSON type for a schema. */
function wrongTypes(s: Schema): Array<[string, unknown]> {
  const all: Array<[string, unknown]> = [
    ['string', 'x'],
    ['number', 123],
    ['float', 1.5],
    ['boolean', true],
    ['null', null],
    ['array', []],
    ['object', {}],
    ['object-with-key', { $gt: '' }],
  ];
  return all.filter(([kind]) => {
    switch (s.type) {
      case 'string':
        return kind !== 'string';
      case 'integer':
        return kind !== 'number';
      case 'number':
        return kind !== 'number' && kind !== 'float';
      case 'boolean':
        return kind !== 'boolean';
      case 'array':
        return kind !== 'array';
      case 'object':
        return kind !== 'object';
      default:
        return true;
    }
  });
}

/** Integers the schema refuses: below/above the bounds, 2^53, 1e21, 1e400, fractions, strings. */
function badIntegers(s: Schema): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [
    ['1.5', 1.5],
    ['"100"', '100'],
    ['1e21', 1e21],
    ['2^53', raw('9007199254740992')],
    ['2^64', raw('18446744073709551616')],
    ['1e400', raw('1e400')],
    ['-1e400', raw('-1e400')],
    ['-2^63-1', raw('-9223372036854775809')],
    ['NaN-string', 'NaN'],
    ['hex-string', '0x10'],
  ];
  if (s.minimum !== undefined) out.push([`minimum-1 (${s.minimum - 1})`, s.minimum - 1]);
  if (s.maximum !== undefined) out.push([`maximum+1`, raw(String(BigInt(s.maximum) + 1n))]);
  if ((s.minimum ?? -Infinity) > 0) out.push(['0', 0], ['-0', raw('-0')]);
  if ((s.minimum ?? -Infinity) > -1) out.push(['-1', -1], ['-2^53', raw('-9007199254740992')]);
  return out;
}

/** Strings the schema refuses (over-long, empty where refused, off-pattern, off-enum, not a uuid/uri, NUL anywhere). */
function badStrings(s: Schema, example: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [
    ['NUL', `${example}\u0000`],
    ['only NUL', '\u0000'],
    ['60KB', 'A'.repeat(LIMIT_64K)],
  ];
  if (s.maxLength !== undefined)
    out.push([`maxLength+1 (${s.maxLength + 1})`, '字'.repeat(s.maxLength + 1)], ['maxLength+1 ascii', 'a'.repeat(s.maxLength + 1)]);
  const constrained = s.pattern !== undefined || s.enum !== undefined || s.format !== undefined;
  if ((s.minLength ?? 0) > 0 || constrained) out.push(['empty', '']);
  if (constrained) {
    out.push(
      ['C0 control', `${example}\u0007`],
      ['CR LF', `${example}\r\n`],
      ['ESC', `\u001b[31m${example}`],
      ['DEL', `${example}\u007f`],
      ['lone high surrogate', `${example}\ud800`],
      ['lone low surrogate', `\udc00${example}`],
      ['SQL', `${example}' OR '1'='1`],
      ['space-padded', ` ${example} `],
      ['unicode digits', '١٢٣٤'],
      ['RTL override', `\u202e${example}`],
      ['zero-width', `${example}\u200b`],
    );
  }
  if (s.enum)
    out.push(
      ['enum upper-case', String(s.enum[0]).toUpperCase() === String(s.enum[0]) ? `${String(s.enum[0])}X` : String(s.enum[0]).toUpperCase()],
      ['enum unknown', 'definitely_not_a_value'],
    );
  if (s.format === 'uuid')
    out.push(
      ['uuid without dashes', '6f1c2d3e4a5b4c6d8e7f901a2b3c4d5e'],
      ['uuid nil-ish', '00000000-0000-0000-0000-00000000000g'],
      ['uuid braces', '{6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e}'],
    );
  if (s.format === 'uri')
    out.push(
      ['uri javascript', 'javascript:alert(1)'],
      ['uri relative', '/webhooks'],
      ['uri spaces', 'http://exa mple.com/'],
      ['uri file', 'file:///etc/passwd'],
    );
  return out;
}

function badArrays(s: Schema, example: Json[]): Array<[string, unknown]> {
  const first = example[0] ?? 'x';
  const out: Array<[string, unknown]> = [
    ['items of a wrong type', [123, true, null]],
    ['nested arrays', [[first]]],
    ['array of objects', [{ a: first }]],
    ['array with NUL item', ['\u0000']],
  ];
  if ((s.minItems ?? 0) > 0) out.push([`minItems-1 (${s.minItems! - 1})`, example.slice(0, s.minItems! - 1)]);
  if (s.maxItems !== undefined)
    out.push([`maxItems+1 (${s.maxItems + 1})`, Array.from({ length: s.maxItems + 1 }, (_, i) => (typeof first === 'string' ? `${first}${i}` : first))]);
  out.push(['10,000 items', Array.from({ length: 10_000 }, () => first)]);
  if (s.uniqueItems && example.length > 0) out.push(['duplicate items', [first, first]]);
  if (s.items?.enum) out.push(['item off the enum', ['not_an_enum_value']]);
  return out;
}

/** Every invalid value for one property, per its schema. */
function badValues(s: Schema, example: Json | undefined): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = wrongTypes(s).map(([k, v]) => [`wrong type ${k}`, v]);
  if (s.type === 'integer' || s.type === 'number') out.push(...badIntegers(s));
  if (s.type === 'string') out.push(...badStrings(s, typeof example === 'string' ? example : 'x'));
  if (s.type === 'array') out.push(...badArrays(s, Array.isArray(example) ? example : []));
  if (s.type === 'object' && s.properties) {
    out.push(['unknown nested field', { ...(example && typeof example === 'object' && !Array.isArray(example) ? example : {}), unknownNested: 1 }]);
    out.push(['nested __proto__', JSON.parse('{"__proto__":{"polluted":true}}')]);
  }
  return out;
}

/** Hostile text the schema does not forbid (free text without pattern, enum or format): may be accepted. */
function hostileValidStrings(s: Schema): Array<[string, string]> {
  if (s.type !== 'string' || s.pattern || s.enum || s.format) return [];
  const max = s.maxLength ?? 100;
  const fit = (v: string): string => v.slice(0, max);
  return [
    ['C0 controls in free text', fit(`a${C0.slice(0, 8).join('')}b`)],
    ['escaped lone surrogate in free text', fit('a\ud800b')],
    ['RTL override in free text', fit('\u202eevil\u202c')],
    ['SQL in free text', fit("x'); drop table merchants;--")],
    ['HTML in free text', fit('<script>alert(1)</script>')],
    ['exactly maxLength', '字'.repeat(max)],
  ];
}

function isRecord(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Property mutations of the body, one property at a time (top level and one level of nesting). */
function bodyMutations(schema: Schema, example: Record<string, Json>): Mutation[] {
  const out: Mutation[] = [];
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  for (const [name, ps] of Object.entries(props)) {
    const ex = example[name] ?? ps.examples?.[0];
    if (required.has(name)) out.push({ label: `${name}: missing (required)`, apply: (b) => (delete b[name], b) });
    for (const [label, value] of badValues(ps, ex)) {
      // The services read null for an optional property as absent (class-validator's @IsOptional), which the
      // document's schemas do not say (they give the property a type without null): a documentation gap,
      // reported, not an invalid input the services must refuse.
      const nullForOptional = value === null && !required.has(name);
      out.push({ label: `${name}: ${label}`, apply: (b) => ({ ...b, [name]: value }), ...(nullForOptional ? { invalid: false } : {}) });
    }
    for (const [label, value] of hostileValidStrings(ps)) out.push({ label: `${name}: ${label}`, apply: (b) => ({ ...b, [name]: value }), invalid: false });
    if (ps.type === 'object' && ps.properties) {
      const inner = isRecord(ex) ? ex : {};
      const innerRequired = new Set(ps.required ?? []);
      for (const [child, cs] of Object.entries(ps.properties)) {
        const cex = inner[child] ?? cs.examples?.[0];
        if (innerRequired.has(child))
          out.push({
            label: `${name}.${child}: missing (required)`,
            apply: (b) => ({ ...b, [name]: Object.fromEntries(Object.entries(inner).filter(([k]) => k !== child)) }),
          });
        for (const [label, value] of badValues(cs, cex)) {
          const nullForOptional = value === null && !innerRequired.has(child);
          out.push({
            label: `${name}.${child}: ${label}`,
            apply: (b) => ({ ...b, [name]: { ...inner, [child]: value } }),
            ...(nullForOptional ? { invalid: false } : {}),
          });
        }
      }
    }
    if (ps.type === 'array' && ps.items?.type === 'object' && ps.items.properties) {
      const items = ps.items;
      const exItem = Array.isArray(ex) && isRecord(ex[0]) ? ex[0] : validExample(items);
      for (const [child, cs] of Object.entries(items.properties!)) {
        for (const [label, value] of badValues(cs, exItem[child]))
          out.push({ label: `${name}[0].${child}: ${label}`, apply: (b) => ({ ...b, [name]: [{ ...exItem, [child]: value }] }) });
        if ((items.required ?? []).includes(child))
          out.push({
            label: `${name}[0].${child}: missing`,
            apply: (b) => ({ ...b, [name]: [Object.fromEntries(Object.entries(exItem).filter(([k]) => k !== child))] }),
          });
      }
    }
  }
  for (const key of [
    'unknownField',
    '__proto__',
    'constructor',
    'prototype',
    '',
    'k'.repeat(5000),
    'tenantId',
    'appId',
    'partnerId',
    'status',
    'version',
    'id',
    'amountFen',
    'createdAt',
  ]) {
    if (key in props) continue;
    out.push({
      label: `unknown field '${key.length > 20 ? `${key.slice(0, 10)}…(${key.length})` : key}'`,
      apply: (b) => ({ ...b, ...JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(key === 'status' ? 'active' : 'x')}}`) }),
    });
  }
  return out;
}

/** A minimal valid example of a schema (for nested items the document gives no example of). */
function validExample(s: Schema): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    if (!(s.required ?? []).includes(k)) continue;
    out[k] = (ps.examples?.[0] ??
      ps.enum?.[0] ??
      (ps.type === 'integer'
        ? (ps.minimum ?? 1)
        : ps.type === 'array'
          ? Array.from({ length: ps.minItems ?? 0 }, () => ps.items?.examples?.[0] ?? 'x')
          : ps.type === 'object'
            ? validExample(ps)
            : 'x')) as Json;
  }
  return out;
}

/** Whole-body variants: not an object, not JSON, not UTF-8, nested too deep, too big. */
function rawBodyVariants(validText: string): Array<{ label: string; body: Buffer }> {
  const b = (s: string): Buffer => Buffer.from(s, 'utf8');
  const firstString = validText.indexOf('":"') + 3;
  const insertBytes = (bytes: number[]): Buffer => {
    const at = firstString > 2 ? firstString : 1;
    const t = Buffer.from(validText, 'utf8');
    const i = Buffer.byteLength(validText.slice(0, at), 'utf8');
    return Buffer.concat([t.subarray(0, i), Buffer.from(bytes), t.subarray(i)]);
  };
  return [
    { label: 'body null', body: b('null') },
    { label: 'body a string', body: b('"x"') },
    { label: 'body a number', body: b('123') },
    { label: 'body true', body: b('true') },
    { label: 'body []', body: b('[]') },
    { label: 'body [valid]', body: b(`[${validText}]`) },
    { label: 'body truncated', body: b(validText.slice(0, Math.max(1, validText.length - 3))) },
    { label: 'body {', body: b('{') },
    { label: 'body trailing comma', body: b(validText.replace(/\}$/, ',}')) },
    { label: 'body single quotes', body: b(validText.replace(/"/g, "'")) },
    { label: 'body NaN literal', body: b('{"a":NaN}') },
    { label: 'body trailing garbage', body: b(`${validText}garbage`) },
    { label: 'body two objects', body: b(`${validText}${validText}`) },
    { label: 'body with a comment', body: b(`/* hi */${validText}`) },
    { label: 'body whitespace only', body: b('   \n\t ') },
    { label: 'body raw NUL byte', body: Buffer.concat([b(validText), Buffer.from([0])]) },
    { label: 'invalid UTF-8 0xFF', body: insertBytes([0xff]) },
    { label: 'invalid UTF-8 overlong /', body: insertBytes([0xc0, 0xaf]) },
    { label: 'invalid UTF-8 surrogate bytes', body: insertBytes([0xed, 0xa0, 0x80]) },
    { label: 'invalid UTF-8 truncated', body: insertBytes([0xe4, 0xb8]) },
    { label: 'invalid UTF-8 5-byte', body: insertBytes([0xf8, 0x88, 0x80, 0x80, 0x80]) },
    { label: 'deep nesting [ x5000', body: b('['.repeat(5000)) },
    { label: 'deep nesting [ x5000 closed', body: b(`${'['.repeat(5000)}${']'.repeat(5000)}`) },
    { label: 'deep nesting {"a": x20000', body: b('{"a":'.repeat(20_000)) },
    { label: 'deep nesting 40 in a field', body: b(validText.replace(/^\{/, `{"deep":${'['.repeat(40)}${']'.repeat(40)},`)) },
    { label: 'NUL in a key', body: b(validText.replace(/^\{/, '{"a\\u0000b":1,')) },
    {
      label: 'escaped NUL in the first string',
      body: b(firstString > 2 ? `${validText.slice(0, firstString)}\\u0000${validText.slice(firstString)}` : '{"a":"\\u0000"}'),
    },
    { label: '2 MB body', body: b(`{"pad":"${'A'.repeat(2 * 1024 * 1024)}"}`) },
  ];
}

/** Raw segment values a path parameter must refuse (404 not_found), or that leave the route (route_not_found). */
function badSegments(real: string, maxLength = 0): Array<[string, string]> {
  return [
    ['SQL quote', encodeURIComponent("' OR '1'='1")],
    ['SQL comment', encodeURIComponent('1;DROP TABLE merchants--')],
    ['dot-dot', '..'],
    ['dot', '.'],
    ['encoded dot-dot', '%2e%2e'],
    ['encoded slash', `${real}%2F..%2F..`],
    ['encoded NUL', '%00'],
    ['id + encoded NUL', `${real}%00`],
    ['invalid UTF-8 percent', '%FF%FE'],
    ['overlong percent', '%C0%AF'],
    ['unicode', '%E4%B8%AD%E6%96%87'],
    ['CR LF', '%0D%0ASet-Cookie:x=1'],
    ['8,000 chars', 'a'.repeat(8000)],
    [`pattern length+1`, `${real}${'a'.repeat(Math.max(1, maxLength))}`],
    ['upper-case', real.toUpperCase()],
    ['without dashes', real.replace(/-/g, '')],
    ['id + x', `${real}x`],
    ['number', '123'],
    ['negative', '-1'],
    ['1e21', '1e21'],
    ['null', 'null'],
    ['JSON object', encodeURIComponent('{"$ne":null}')],
    ['template', encodeURIComponent('${jndi:ldap://x/a}')],
    ['HTML', encodeURIComponent('<script>')],
    ['percent sign', '%25'],
    ['broken percent', '%zz'],
    ['plus', `${real}+1`],
    ['empty', ''],
  ];
}

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');
const SOME_UUID = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
/** Cursors no list returned: every list name the platform uses, with malformed and out-of-range keys. */
const CURSOR_LISTS = ['qr-orders', 'merchants', 'apps', 'partners', 'operators', 'tenants', 'audit-log', 'webhook-deliveries', 'ledger-entries'];
const CURSOR_KEYS: Json[][] = [
  [],
  ['2026-11-29 06:00:00.123456+00'],
  ['2026-11-29 06:00:00.123456+15:99', SOME_UUID],
  ['2026-11-29 06:00:00+00:60', SOME_UUID],
  ['0001-01-01 00:00:00+15', SOME_UUID],
  ['9999-12-31 23:59:59.999999-15', SOME_UUID],
  ['2026-02-29 00:00:00+00', SOME_UUID],
  ['2026-11-29 06:00:00+00', 'not-a-uuid'],
  ['2026-11-29 06:00:00+00', SOME_UUID, 'extra'],
  [1, 2],
  [null, null],
  ['9223372036854775807'],
  ['9223372036854775808'],
  ['-9223372036854775808'],
  ['1e3'],
  ['t510121\u0000'],
  ['x'.repeat(201)],
  ['\u00ff\ud800'],
  [{ $gt: '' }],
];

function badQueryValues(q: ParamSpec): Array<[string, string]> {
  const s = q.schema;
  const enc = encodeURIComponent;
  const out: Array<[string, string]> = [
    ['encoded NUL', '%00'],
    ['invalid UTF-8', '%FF'],
    ['broken percent', '%G1'],
    ['8,000 chars', 'a'.repeat(8000)],
    ['SQL', enc("' OR 1=1--")],
    ['array syntax', '[]'],
  ];
  if (s.type === 'integer') {
    out.push(
      ['empty', ''],
      ['word', 'abc'],
      ['1.5', '1.5'],
      ['1e21', '1e21'],
      ['2^53', '9007199254740992'],
      ['huge', '9'.repeat(40)],
      ['hex', '0x10'],
      ['space', '%201'],
      ['unicode digits', enc('١٢')],
      ['Infinity', 'Infinity'],
      ['-0', '-0'],
    );
    if (s.minimum !== undefined) out.push(['minimum-1', String(s.minimum - 1)]);
    if (s.maximum !== undefined) out.push(['maximum+1', String(s.maximum + 1)]);
  } else {
    if (s.enum)
      out.push(
        ['off the enum', 'nope'],
        ['enum upper-case', enc(String(s.enum[0]).toUpperCase())],
        ['enum + NUL', `${enc(String(s.enum[0]))}%00`],
        ['empty', ''],
      );
    if (s.pattern) out.push(['off the pattern', enc('<>$')], ['empty', ''], ['C0', '%07']);
    if (s.format === 'uuid')
      out.push(['not a uuid', 'not-a-uuid'], ['uuid + NUL', `${SOME_UUID}%00`], ['uuid upper-case g', '0B5C1C0E-7D8A-4F61-9A57-3F2A55C0D1EG']);
    if (s.maxLength !== undefined) out.push([`maxLength+1`, 'A'.repeat(s.maxLength + 1)]);
    if (q.name === 'cursor') {
      out.push(
        ['cursor not base64url', enc('!!!***')],
        ['cursor padded', `${b64(['qr-orders'])}==`],
        ['cursor of junk JSON', b64('{')],
        ['cursor a number', b64(1)],
        ['cursor an object', b64({ a: 1 })],
      );
      for (const list of CURSOR_LISTS) for (const keys of CURSOR_KEYS) out.push([`cursor ${list} ${JSON.stringify(keys).slice(0, 40)}`, b64([list, ...keys])]);
    }
  }
  return out;
}

/** What a case is built from: the operation, a base (valid) request, and one or more mutations. */
interface Base {
  path: string;
  query: string;
  body?: Record<string, Json>;
}

function fillPath(op: FuzzOperation, values: Record<string, string>): string {
  return op.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new UnsupportedOperationShape(`${op.operationId}: no id for the path parameter '${name}' (add it to the fuzz id table)`);
    return v;
  });
}

/** Body-less state changes (suspend, resume, close, resend…) get the sacrificial objects. */
export function isBodylessStateChange(op: FuzzOperation): boolean {
  return op.method !== 'GET' && op.pathParams.length > 0 && (!op.body || (op.body.schema.required ?? []).length === 0);
}

function baseOf(op: FuzzOperation, ids: FuzzIds): Base {
  const values = isBodylessStateChange(op) ? { ...ids.path, ...ids.sacrificial } : ids.path;
  const path = fillPath(op, values);
  const query = op.queryParams
    .filter((q) => q.required)
    .map((q) => `${q.name}=${encodeURIComponent(String(q.schema.examples?.[0] ?? q.schema.enum?.[0] ?? ''))}`)
    .join('&');
  let body: Record<string, Json> | undefined;
  if (op.body) {
    body = clone(op.body.example) as Record<string, Json>;
    for (const [k, v] of Object.entries(ids.body)) if (k in body) body[k] = v;
  }
  return { path, query, ...(body ? { body } : {}) };
}

/** The senders a route admits, and the share of each (signed apps where admitted, else operators, else nobody). */
function sendersOf(op: FuzzOperation): Sender[] {
  if (op.actors.length === 0) return ['none'];
  const s: Sender[] = [];
  if (op.actors.includes('app')) s.push('app', 'app', 'app');
  if (op.actors.includes('province')) s.push('province');
  if (op.actors.includes('county')) s.push('county');
  return s;
}

type Draft = Omit<FuzzCase, 'key' | 'sender' | 'operationId' | 'method'>;

/** The systematic cases of one operation: each mutation of each parameter and body property once. */
function systematicDrafts(op: FuzzOperation, ids: FuzzIds): Draft[] {
  const base = baseOf(op, ids);
  const drafts: Draft[] = [];
  const bodyText = base.body ? serialise(base.body) : undefined;
  const withBody = (text: string | Buffer | undefined): { body?: Buffer; contentType?: string } =>
    text === undefined ? {} : { body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), contentType: 'application/json' };

  // path parameters
  for (const p of op.pathParams) {
    const real = (isBodylessStateChange(op) ? (ids.sacrificial[p.name] ?? ids.path[p.name]) : ids.path[p.name]) ?? '';
    const maxLen = /\{(\d+)\}/.exec(p.schema.pattern ?? '')?.[1];
    for (const [label, seg] of badSegments(real, maxLen ? Number(maxLen) : 0)) {
      if (seg === real) continue; // (an id without dashes that had none)
      const values = { ...(isBodylessStateChange(op) ? { ...ids.path, ...ids.sacrificial } : ids.path), [p.name]: seg };
      // UUIDs are compared case-insensitively (the services' id pipe lower-cases them) although the documented
      // pattern is lower case only: reported as a documentation gap, so the upper-case id is not counted invalid
      const sameIdUpperCase = label === 'upper-case' && /^[0-9a-f-]{36}$/.test(real);
      drafts.push({ path: fillPath(op, values), query: base.query, ...withBody(bodyText), variant: `path ${p.name}: ${label}`, invalid: !sameIdUpperCase });
    }
  }
  // query parameters
  for (const q of op.queryParams) {
    for (const [label, value] of badQueryValues(q)) {
      const query = [base.query, `${q.name}=${value}`].filter(Boolean).join('&');
      drafts.push({ path: base.path, query, ...withBody(bodyText), variant: `query ${q.name}: ${label}`, invalid: true });
    }
    drafts.push({
      path: base.path,
      query: [base.query, `${q.name}=1&${q.name}=2`].filter(Boolean).join('&'),
      variant: `query ${q.name}: repeated`,
      invalid: true,
    });
  }
  if (op.method === 'GET') {
    for (const [label, query] of [
      ['unknown query parameter', 'unknownParam=1'],
      ['__proto__ query parameter', '__proto__[x]=1'],
      ['bracket query parameter', 'limit[$gt]=1'],
    ] as const) {
      drafts.push({ path: base.path, query: [base.query, query].filter(Boolean).join('&'), variant: `query: ${label}`, invalid: true });
    }
  }
  // bodies
  if (op.body && base.body && bodyText !== undefined) {
    for (const m of bodyMutations(op.body.schema, base.body)) {
      const mutated = m.apply(clone(base.body));
      if (mutated === undefined) continue;
      drafts.push({ path: base.path, query: base.query, ...withBody(serialise(mutated)), variant: `body ${m.label}`, invalid: m.invalid ?? true });
    }
    for (const v of rawBodyVariants(bodyText))
      drafts.push({ path: base.path, query: base.query, body: v.body, contentType: 'application/json', variant: v.label, invalid: true });
    // RFC 8259 lets a parser ignore a byte order mark (the platform's does): hostile, not invalid
    drafts.push({
      path: base.path,
      query: base.query,
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bodyText, 'utf8')]),
      contentType: 'application/json',
      variant: 'body with BOM',
      invalid: false,
    });
    // duplicate keys: JSON.parse keeps the last one, which is the invalid one
    for (const [name, ps] of Object.entries(op.body.schema.properties ?? {})) {
      const bad = badValues(ps, base.body[name])[0];
      if (!bad) continue;
      const text = bodyText.replace(/\}$/, `${bodyText === '{}' ? '' : ','}${JSON.stringify(name)}:${serialise(bad[1])}}`);
      drafts.push({ path: base.path, query: base.query, ...withBody(text), variant: `body duplicate key ${name} (last ${bad[0]})`, invalid: true });
    }
    if ((op.body.schema.required ?? []).length > 0) {
      drafts.push({ path: base.path, query: base.query, ...withBody('{}'), variant: 'body {} (required fields missing)', invalid: true });
      drafts.push({
        path: base.path,
        query: base.query,
        body: Buffer.alloc(0),
        contentType: 'application/json',
        variant: 'empty body (required)',
        invalid: true,
      });
      drafts.push({ path: base.path, query: base.query, variant: 'no body at all (required)', invalid: true });
    }
  } else if (op.method !== 'GET') {
    // a route that takes no body: any body is refused
    drafts.push({ path: base.path, query: base.query, ...withBody('{"unexpected":1}'), variant: 'body on a body-less route', invalid: true });
    drafts.push({ path: base.path, query: base.query, ...withBody('['.repeat(5000)), variant: 'deep nesting on a body-less route', invalid: true });
    drafts.push({
      path: base.path,
      query: base.query,
      body: Buffer.from([0x7b, 0xff, 0x7d]),
      contentType: 'application/json',
      variant: 'invalid UTF-8 on a body-less route',
      invalid: true,
    });
  }
  // content types (for every route that takes a body, with the valid body)
  if (op.method !== 'GET') {
    const text = bodyText ?? '{}';
    for (const [label, ct, body] of [
      ['text/plain', 'text/plain', text],
      ['form', 'application/x-www-form-urlencoded', 'a=1&b=2'],
      ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
      ['json latin1', 'application/json; charset=latin1', text],
      ['json utf-16', 'application/json; charset=utf-16', text],
      ['json-seq', 'application/json-seq', text],
      ['xml', 'application/xml', '<a>1</a>'],
      ['missing with body', undefined, text],
    ] as const) {
      drafts.push({
        path: base.path,
        query: base.query,
        body: Buffer.from(body, 'utf8'),
        ...(ct ? { contentType: ct } : {}),
        variant: `content-type ${label}`,
        invalid: true,
      });
    }
  }
  return drafts;
}

/** One random case: 1–3 mutations of one operation, picked from its systematic drafts' ingredients. */
function randomDraft(op: FuzzOperation, ids: FuzzIds, rng: Rng): Draft {
  const base = baseOf(op, ids);
  const parts: string[] = [];
  let body = base.body ? clone(base.body) : undefined;
  let path = base.path;
  let query = base.query;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const choice = rng.int(3);
    if (choice === 0 && body && op.body) {
      const ms = bodyMutations(op.body.schema, body).filter((m) => m.invalid !== false);
      const m = rng.pick(ms);
      body = (m.apply(clone(body)) as Record<string, Json> | undefined) ?? body;
      parts.push(`body ${m.label}`);
    } else if (choice === 1 && op.queryParams.length > 0) {
      const q = rng.pick(op.queryParams);
      const [label, v] = rng.pick(badQueryValues(q));
      query = [query, `${q.name}=${v}`].filter(Boolean).join('&');
      parts.push(`query ${q.name}: ${label}`);
    } else if (op.pathParams.length > 0 && i === 0) {
      const p = rng.pick(op.pathParams);
      const real = (isBodylessStateChange(op) ? (ids.sacrificial[p.name] ?? ids.path[p.name]) : ids.path[p.name]) ?? '';
      const [label, seg] = rng.pick(badSegments(real).filter(([l, v]) => v !== real && l !== 'empty' && l !== 'upper-case' && !l.includes('dot')));
      const values = { ...(isBodylessStateChange(op) ? { ...ids.path, ...ids.sacrificial } : ids.path), [p.name]: seg };
      path = fillPath(op, values);
      parts.push(`path ${p.name}: ${label}`);
    } else if (body && op.body) {
      // a random hostile string in a random property
      const names = Object.keys(op.body.schema.properties ?? {});
      const name = rng.pick(names);
      const len = rng.pick([0, 1, 65, 129, 201, 4097, LIMIT_64K]);
      let s = '';
      for (let j = 0; j < Math.min(len, 300); j++)
        s += String.fromCharCode(rng.pick([0, 7, 10, 27, 34, 92, 0x7f, 0xd800, 0xdc00, 0x202e, 0xfeff, 0x4e2d, 0x41 + rng.int(26)]));
      if (len > 300) s = s.padEnd(len, 'Z');
      if (!s.includes('\u0000')) s += '\u0000';
      body = { ...body, [name]: s };
      parts.push(`body ${name}: random hostile string (${len})`);
    } else {
      query = [query, `${encodeURIComponent(`r${rng.int(1000)}`)}=${encodeURIComponent('\u0000')}`].filter(Boolean).join('&');
      parts.push('query: random unknown parameter with NUL');
    }
  }
  if (parts.length === 0 || (!body && parts.every((p) => p.startsWith('body')))) {
    query = [query, 'unknownParam=%00'].filter(Boolean).join('&');
    parts.push('query: unknown parameter');
  }
  const text = body ? serialise(body) : op.method !== 'GET' ? '{"unexpected":true}' : undefined;
  return {
    path,
    query,
    ...(text !== undefined ? { body: Buffer.from(text, 'utf8'), contentType: 'application/json' } : {}),
    variant: `random: ${parts.join(' + ')}`,
    invalid: true,
  };
}

export interface GenerateOptions {
  seed: number;
  /** how many cases in all (at least every systematic case once, then random ones, round-robin over the operations) */
  count: number;
  ids: FuzzIds;
  /** a deterministic sample of `count` cases instead (each operation represented), for the CI slice */
  sample?: boolean;
  ops?: FuzzOperation[];
}

/** The cases, in the order they are sent. */
export function generateCases(opts: GenerateOptions): FuzzCase[] {
  const ops = opts.ops ?? describeOperations();
  const rng = new Rng(opts.seed);
  const perOp = ops.map((op) => {
    const senders = sendersOf(op);
    return systematicDrafts(op, opts.ids).map((d, i) => ({
      ...d,
      operationId: op.operationId,
      method: op.method,
      sender: senders[i % senders.length]!,
      key: `${op.operationId}#${i}`,
    }));
  });
  let cases: FuzzCase[];
  if (opts.sample) {
    // every operation's share: its own cases shuffled, then taken round-robin until `count`
    const queues = perOp.map((cs) => rng.shuffle([...cs]));
    cases = [];
    for (let round = 0; cases.length < opts.count && queues.some((q) => q.length > 0); round++) {
      for (const q of queues) if (q.length > 0 && cases.length < opts.count) cases.push(q.shift()!);
    }
  } else {
    cases = perOp.flat();
    const counters = ops.map((_, i) => perOp[i]!.length);
    for (let i = 0; cases.length < opts.count; i++) {
      const k = i % ops.length;
      const op = ops[k]!;
      const senders = sendersOf(op);
      const d = randomDraft(op, opts.ids, rng);
      cases.push({
        ...d,
        operationId: op.operationId,
        method: op.method,
        sender: senders[rng.int(senders.length)]!,
        key: `${op.operationId}#${counters[k]!++}`,
      });
    }
  }
  // a share of every protected route's cases goes without any credentials at all (401)
  cases.forEach((c, i) => {
    if (c.sender !== 'none' && i % 17 === 5) c.sender = 'none';
  });
  return cases;
}
