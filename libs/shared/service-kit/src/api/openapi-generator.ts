import 'reflect-metadata';
import { HTTP_CODE_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, MAX, MIN, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { defaultConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { ERROR_CODES, type ErrorCode } from '@countypay/contracts';
import { ACCESS_METADATA, type RouteAccess } from '../auth/access';
import { API_OPERATION_METADATA, IdParam, type ApiOperationOptions } from './api-operation';

/**
 * Describes the public API from the services' own code: walks each service's Nest module tree,
 * and for every controller route that is not internal takes its method and path (Nest's
 * metadata), its access rule (`@Authenticated`/`@PublicRoute`), its description
 * (`@ApiOperation`), its path parameters (and their `IdParam` patterns), its query and body DTO
 * classes (`design:paramtypes`), and turns every class it meets into a JSON Schema from its
 * class-validator metadata (class-validator-jsonschema). Nothing is written twice, so the
 * document cannot drift from what the services validate.
 */

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ServiceApi {
  /** the service's name (`qr-payment`), the gateway's upstream */
  service: string;
  /** the service's root Nest module */
  module: unknown;
  /** what the gateway puts before the service's own paths (`/v1`), '' for the gateway itself */
  publicPrefix: string;
}

export interface DescribedParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface DescribedOperation {
  service: string;
  method: HttpMethod;
  /** the public path, OpenAPI template: `/v1/qr/orders/{id}` */
  path: string;
  /** the service's own path for it: `/qr/orders/{id}` */
  upstreamPath: string;
  access: Extract<RouteAccess, { kind: 'actors' | 'public' }>;
  doc: ApiOperationOptions;
  status: number;
  parameters: DescribedParameter[];
  /** `#/components/schemas/<name>` of the JSON body, when the route takes one */
  requestBody?: { schemaName: string; required: boolean };
  /** the 2xx body */
  response: { schemaName: string } | { contentType: string; description: string };
  errors: ErrorCode[];
}

export interface DescribedApi {
  operations: DescribedOperation[];
  /** every schema the operations use, by class name */
  schemas: Record<string, JsonSchema>;
}

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

// Nest's RouteParamtypes (not exported from @nestjs/common's index)
const BODY = 3;
const QUERY = 4;
const PARAM = 5;

const REF = '#/components/schemas/';

// class-transformer keeps its @Type() metadata here; the package exports it only by this path
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

type Ctor = Type<unknown>;

/** Every controller of a module tree (static and dynamic modules, each once). */
export function controllersOf(root: unknown): Ctor[] {
  const seen = new Set<unknown>();
  const found: Ctor[] = [];
  const visit = (m: unknown): void => {
    if (!m || seen.has(m)) return;
    seen.add(m);
    if (typeof m === 'function') {
      found.push(...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, m) as Ctor[] | undefined) ?? []));
      for (const i of (Reflect.getMetadata(MODULE_METADATA.IMPORTS, m) as unknown[] | undefined) ?? []) visit(i);
    } else if (typeof m === 'object' && 'module' in (m as object)) {
      const d = m as { module: unknown; controllers?: Ctor[]; imports?: unknown[] };
      visit(d.module);
      found.push(...(d.controllers ?? []));
      for (const i of d.imports ?? []) visit(i);
    }
  };
  visit(root);
  return [...new Set(found)];
}

function joinPath(...parts: Array<string | undefined>): string {
  const p = parts
    .filter((x): x is string => !!x)
    .join('/')
    .replace(/\/+/g, '/')
    .replace(/\/$/, '');
  return p.startsWith('/') ? p : `/${p}`;
}

/** Nest's `:name` → OpenAPI's `{name}`. */
function templated(path: string): string {
  return path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
}

function firstPath(meta: unknown): string {
  if (Array.isArray(meta)) {
    if (meta.length !== 1) throw new Error(`a route with several paths cannot be described: ${meta.join(', ')}`);
    return String(meta[0]);
  }
  return typeof meta === 'string' ? meta : '';
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** The routes of every service, described (internal routes left out). */
export function describeServices(services: readonly ServiceApi[]): DescribedApi {
  const operations: DescribedOperation[] = [];
  const classes = new Set<Ctor>();
  for (const svc of services) {
    for (const controller of controllersOf(svc.module)) {
      const base = firstPath(Reflect.getMetadata(PATH_METADATA, controller));
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor') continue;
        const handler = proto[name];
        if (typeof handler !== 'function') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (requestMethod === undefined) continue;
        const where = `${svc.service} ${controller.name}.${name}`;
        const method = METHODS[requestMethod];
        if (!method) throw new Error(`${where}: unsupported HTTP method`);
        const ownPath = templated(joinPath(base, firstPath(Reflect.getMetadata(PATH_METADATA, handler))));
        const access = (Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, controller)) as RouteAccess | undefined;
        if (!access) throw new Error(`${where} (${method} ${ownPath}) declares no access: add @Authenticated, @PublicRoute, @InternalRoute or @PlatformRoute`);
        if (access.kind === 'internal' || access.kind === 'platform') continue;
        const doc = Reflect.getMetadata(API_OPERATION_METADATA, handler) as ApiOperationOptions | undefined;
        if (!doc) throw new Error(`${where} (${method} ${ownPath}) is public but has no @ApiOperation`);

        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, RouteArg>;
        const paramTypes = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as unknown[];
        const parameters: DescribedParameter[] = [];
        let requestBody: DescribedOperation['requestBody'];
        const pathNames = [...ownPath.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]!);
        const documentedPathParams = new Map<string, DescribedParameter>();
        for (const [key, arg] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          const type = paramTypes[arg.index];
          if (kind === BODY) {
            if (!isDtoClass(type)) throw new Error(`${where}: @Body() needs a DTO class (validated and described), not ${describeType(type)}`);
            classes.add(type);
            requestBody = { schemaName: type.name, required: true };
          } else if (kind === QUERY) {
            if (arg.data !== undefined) throw new Error(`${where}: take the whole query as one DTO (@Query() dto), not @Query('${String(arg.data)}')`);
            if (!isDtoClass(type)) throw new Error(`${where}: @Query() needs a DTO class, not ${describeType(type)}`);
            parameters.push(...queryParameters(type));
          } else if (kind === PARAM) {
            const pname = String(arg.data ?? '');
            if (!pathNames.includes(pname)) throw new Error(`${where}: @Param('${pname}') is not in the path ${ownPath}`);
            documentedPathParams.set(pname, pathParameter(pname, arg.pipes ?? []));
          }
        }
        const pathParams = pathNames.map((n) => documentedPathParams.get(n) ?? pathParameter(n, []));
        let response: DescribedOperation['response'];
        const r = doc.response;
        if ('contentType' in r) response = { contentType: r.contentType, description: r.description };
        else if ('page' in r) {
          classes.add(r.page);
          response = { schemaName: `${r.page.name}Page` };
        } else if ('array' in r) {
          classes.add(r.array);
          response = { schemaName: `${r.array.name}List` };
        } else {
          classes.add(r);
          response = { schemaName: r.name };
        }
        const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
        for (const e of doc.errors ?? []) if (!(ERROR_CODES as readonly string[]).includes(e)) throw new Error(`${where}: unknown error code ${e}`);
        operations.push({
          service: svc.service,
          method,
          path: joinPath(svc.publicPrefix, ownPath),
          upstreamPath: ownPath,
          access,
          doc,
          status: httpCode ?? (method === 'POST' ? 201 : 200),
          parameters: [...pathParams, ...parameters],
          ...(requestBody ? { requestBody } : {}),
          response,
          errors: [...(doc.errors ?? [])],
        });
      }
    }
  }
  assertUnique(operations);
  return { operations, schemas: schemasFor(classes, operations) };
}

function assertUnique(ops: readonly DescribedOperation[]): void {
  const ids = new Map<string, string>();
  const routes = new Set<string>();
  for (const op of ops) {
    const where = `${op.service} ${op.method} ${op.path}`;
    const before = ids.get(op.doc.operationId);
    if (before) throw new Error(`operationId ${op.doc.operationId} is used twice: ${before} and ${where}`);
    ids.set(op.doc.operationId, where);
    const route = `${op.method} ${op.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (routes.has(route)) throw new Error(`two operations answer ${route}`);
    routes.add(route);
  }
}

function isDtoClass(t: unknown): t is Ctor {
  return typeof t === 'function' && t !== Object && t !== String && t !== Number && t !== Boolean && t !== Array;
}

function describeType(t: unknown): string {
  return typeof t === 'function' ? t.name || 'an anonymous type' : String(t);
}

function pathParameter(name: string, pipes: unknown[]): DescribedParameter {
  const id = pipes.find((p): p is IdParam => p instanceof IdParam);
  const schema: JsonSchema = id
    ? { type: 'string', pattern: id.pattern.source, examples: [id.example] }
    : pipes.some((p) => (p as { constructor?: { name?: string } })?.constructor?.name === 'ParseUUIDPipe' || p === 'ParseUUIDPipe')
      ? { type: 'string', format: 'uuid', examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] }
      : { type: 'string' };
  return { name, in: 'path', required: true, ...(id ? { description: `the ${id.what}'s id; an id of another shape answers 404 not_found` } : {}), schema };
}

let allSchemas: Record<string, JsonSchema> | undefined;

/** Every class-validator class of the process, as JSON Schema (computed once). */
function classSchemas(): Record<string, JsonSchema> {
  allSchemas ??= validationMetadatasToSchemas({
    refPointerPrefix: REF,
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
    additionalConverters: {
      // bounds say nothing of the type: @IsInt() @Min(1) stays an integer
      [MIN]: (meta: { constraints: unknown[] }) => ({ minimum: meta.constraints[0] }),
      [MAX]: (meta: { constraints: unknown[] }) => ({ maximum: meta.constraints[0] }),
      // a custom validator applied to each element: the element's type is unknown, not `Array`
      [ValidationTypes.CUSTOM_VALIDATION]: (meta: { each?: boolean }, options: never) =>
        meta.each ? {} : (defaultConverters[ValidationTypes.CUSTOM_VALIDATION] as (m: unknown, o: never) => unknown)(meta, options),
    } as never,
  }) as Record<string, JsonSchema>;
  return allSchemas;
}

function schemaOf(cls: Ctor): JsonSchema {
  const s = classSchemas()[cls.name];
  if (!s) throw new Error(`${cls.name} has no class-validator metadata: decorate its properties`);
  return s;
}

function queryParameters(cls: Ctor): DescribedParameter[] {
  const s = normalise(schemaOf(cls));
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query' as const, required: required.has(name), ...(typeof description === 'string' ? { description } : {}), schema: rest };
  });
}

/**
 * JSON Schemas of message classes that are not request or response bodies (e.g. the event data
 * a webhook carries): each class and every class it references, by name, normalised.
 */
export function describeClasses(classes: readonly Ctor[]): Record<string, JsonSchema> {
  const all = classSchemas();
  const out: Record<string, JsonSchema> = {};
  const queue = classes.map((c) => c.name);
  while (queue.length) {
    const name = queue.shift()!;
    if (out[name]) continue;
    const s = all[name];
    if (!s) throw new Error(`${name} has no class-validator metadata: decorate its properties`);
    out[name] = normalise(s);
    for (const ref of JSON.stringify(s).matchAll(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) queue.push(ref[1]!);
  }
  return out;
}

/** The schemas the operations use, with the classes they reference, and the page/list wrappers. */
function schemasFor(roots: Set<Ctor>, ops: readonly DescribedOperation[]): Record<string, JsonSchema> {
  const all = classSchemas();
  const out: Record<string, JsonSchema> = {};
  const responseClasses = new Set<string>();
  for (const op of ops) {
    if (!('schemaName' in op.response)) continue;
    responseClasses.add(op.response.schemaName.replace(/(Page|List)$/, ''));
  }
  const queue = [...roots].map((c) => c.name);
  // a class name must name one class: two DTOs called the same would share one schema
  const byName = new Map<string, Ctor>();
  for (const c of roots) {
    const other = byName.get(c.name);
    if (other && other !== c) throw new Error(`two different classes are called ${c.name}: give one a unique name (it is a public schema name)`);
    byName.set(c.name, c);
  }
  while (queue.length) {
    const name = queue.shift()!;
    if (out[name]) continue;
    const s = all[name];
    if (!s) throw new Error(`${name} has no class-validator metadata: decorate its properties`);
    out[name] = normalise(s);
    for (const ref of JSON.stringify(s).matchAll(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) queue.push(ref[1]!);
  }
  // response objects: every property is present; only @IsOptional ones may be left out
  for (const name of Object.keys(out))
    if (responseClasses.has(name) || isOnlyReferencedFromResponses(name, out, responseClasses)) out[name] = responseShape(name, out[name]!);
  for (const op of ops) {
    if (!('schemaName' in op.response)) continue;
    const n = op.response.schemaName;
    if (n.endsWith('Page') && !out[n] && out[n.slice(0, -4)]) {
      out[n] = {
        type: 'object',
        description: `A page of ${n.slice(0, -4)}; pass nextCursor as cursor for the next page until it is null.`,
        required: ['data', 'nextCursor'],
        properties: { data: { type: 'array', items: { $ref: `${REF}${n.slice(0, -4)}` } }, nextCursor: { type: ['string', 'null'] } },
        additionalProperties: false,
      };
    } else if (n.endsWith('List') && !out[n] && out[n.slice(0, -4)]) {
      out[n] = {
        type: 'object',
        required: ['data'],
        properties: { data: { type: 'array', items: { $ref: `${REF}${n.slice(0, -4)}` } } },
        additionalProperties: false,
      };
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function isOnlyReferencedFromResponses(name: string, schemas: Record<string, JsonSchema>, responses: Set<string>): boolean {
  const referrers = Object.entries(schemas).filter(([, s]) => JSON.stringify(s).includes(`"${REF}${name}"`));
  return referrers.length > 0 && referrers.every(([n]) => responses.has(n) || isOnlyReferencedFromResponses(n, schemas, responses));
}

/** Response classes: required = every property that is not @IsOptional (nullable ones are typed so). */
function responseShape(name: string, s: JsonSchema): JsonSchema {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const optional = optionalProperties(name);
  const required = Object.keys(props).filter((p) => !optional.has(p));
  return { ...s, ...(required.length ? { required } : {}), additionalProperties: s.additionalProperties ?? false };
}

/** The properties of a class (or of a class it extends) marked @IsOptional. */
function optionalProperties(className: string): Set<string> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Ctor, Array<{ propertyName: string; name?: string; type: string }>> };
  const targets = [...storage.validationMetadatas.keys()];
  const cls = targets.find((t) => t.name === className);
  const out = new Set<string>();
  if (!cls) return out;
  for (const target of targets) {
    if (target !== cls && !(cls.prototype instanceof target)) continue;
    for (const m of storage.validationMetadatas.get(target) ?? []) if (m.type === 'conditionalValidation' && m.name === 'isOptional') out.add(m.propertyName);
  }
  return out;
}

/** OpenAPI 3.1 is JSON Schema 2020-12: `nullable` (3.0) becomes a "null" type; empty bits go. */
export function normalise(s: JsonSchema): JsonSchema {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = { ...(v as Record<string, unknown>) };
    if (o.format === 'url') o.format = 'uri';
    if (o.nullable === true) {
      delete o.nullable;
      if (typeof o.type === 'string') o.type = [o.type, 'null'];
    }
    for (const [k, child] of Object.entries(o)) o[k] = walk(child);
    return o;
  };
  return walk(s) as JsonSchema;
}
