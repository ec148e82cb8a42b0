import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { OPENAPI_DOCUMENT } from '@countypay/contracts';
import { ACCESS_METADATA, controllersOf } from '@countypay/service-kit';
import { AppModule as ChannelSandbox } from '../../apps/channel-sandbox/src/app.module';
import { RouteTable } from '../../apps/gateway/src/routing/route-table';
import type { OpenApiDocument, OpenApiOperation } from '../../apps/gateway/src/openapi/openapi.types';
import { generateOpenApiDocument, generateSdkTypes, OPENAPI_PATH, PUBLIC_SERVICES, SDK_TYPES_PATH, serialiseDocument } from './generate';

const ROOT = join(__dirname, '..', '..');
const generated = generateOpenApiDocument();
const served = OPENAPI_DOCUMENT as unknown as OpenApiDocument;

function operations(doc: OpenApiDocument): Array<{ method: string; path: string; op: OpenApiOperation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as OpenApiOperation })),
  );
}

/** A concrete request path for a template, from its parameters' examples. */
function concretePath(path: string, op: OpenApiOperation): string {
  return path.replace(/\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    const example = (p?.schema.examples as unknown[] | undefined)?.[0];
    return encodeURIComponent(String(example ?? `${name}-1`));
  });
}

describe('access declarations', () => {
  it('every route of every app declares who may call it (the guard closes undeclared routes)', () => {
    const undeclared: string[] = [];
    for (const module of [...PUBLIC_SERVICES.map((s) => s.module), ChannelSandbox]) {
      for (const controller of controllersOf(module)) {
        const proto = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          if (!Reflect.getMetadata(ACCESS_METADATA, handler) && !Reflect.getMetadata(ACCESS_METADATA, controller))
            undeclared.push(`${controller.name}.${name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });
});

describe('the published OpenAPI document', () => {
  it('is the one the code generates (run `npm run openapi` after changing a route, a DTO or a response class)', () => {
    expect(readFileSync(join(ROOT, OPENAPI_PATH), 'utf8') === serialiseDocument(generated)).toBe(true);
  });

  it("keeps the SDK's types generated from it", async () => {
    expect(readFileSync(join(ROOT, SDK_TYPES_PATH), 'utf8') === (await generateSdkTypes(generated))).toBe(true);
  });

  it('lets the gateway route exactly what it documents, and nothing else', () => {
    const table = new RouteTable();
    const documented = operations(served);
    for (const { method, path, op } of documented) {
      const m = table.match(method, concretePath(path, op));
      expect(typeof m === 'object' ? m.route.operationId : m).toBe(op.operationId);
    }
    // every route of the table is a documented operation
    expect(table.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented.map((d) => `${d.method} ${d.path}`).sort());
    // one segment per parameter: no catch-all routes
    for (const { path } of documented) expect(path).not.toMatch(/\{[^}]*\+\}/);
  });

  it('describes every operation fully: request and response schemas, errors, access, an example', () => {
    const problems: string[] = [];
    for (const { method, path, op } of operations(generated)) {
      const where = `${method} ${path}`;
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
      if (!ok) problems.push(`${where}: no 2xx response`);
      else {
        const content = Object.values(ok[1].content ?? {})[0];
        if (!content?.schema) problems.push(`${where}: no response schema`);
        if (ok[1].content?.['application/json'] && content?.example === undefined) problems.push(`${where}: no response example`);
      }
      if (['POST', 'PUT', 'PATCH'].includes(method) && op.requestBody) {
        const body = op.requestBody.content['application/json'];
        if (!body?.schema || body.example === undefined) problems.push(`${where}: request body without schema or example`);
      }
      if (['PUT', 'PATCH'].includes(method) && !op.requestBody) problems.push(`${where}: no request body`);
      if (!Object.keys(op.responses).some((s) => Number(s) >= 400)) problems.push(`${where}: no error responses`);
      if (op['x-actors'].length && !op.security.length) problems.push(`${where}: authenticated but no security`);
      if (op['x-actors'].includes('app') && !op['x-required-scopes']?.length) problems.push(`${where}: open to apps without a scope`);
      if (!op.summary || op.summary.length < 10) problems.push(`${where}: no summary`);
    }
    expect(problems).toEqual([]);
  });

  it('has examples that validate against their own schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: generated.components } as never);
    const check = (schema: unknown, example: unknown, where: string, problems: string[]): void => {
      const s = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(s);
      if (!validate(example)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    const problems: string[] = [];
    for (const { method, path, op } of operations(generated)) {
      for (const p of op.parameters) {
        const example = (p.schema.examples as unknown[] | undefined)?.[0];
        if (example !== undefined) check(p.schema, example, `${method} ${path} parameter ${p.name}`, problems);
      }
      for (const [status, r] of Object.entries(op.responses)) {
        for (const [type, c] of Object.entries(r.content ?? {}))
          if (c.example !== undefined) check(c.schema, c.example, `${method} ${path} ${status} ${type}`, problems);
      }
      const body = op.requestBody?.content['application/json'];
      if (body?.example !== undefined) check(body.schema, body.example, `${method} ${path} request`, problems);
    }
    for (const [name, schema] of Object.entries(generated.components.schemas)) {
      for (const [prop, s] of Object.entries((schema.properties ?? {}) as Record<string, { examples?: unknown[] }>)) {
        for (const example of s.examples ?? []) check(s, example, `${name}.${prop} example`, problems);
      }
    }
    expect(problems).toEqual([]);
  });
});
