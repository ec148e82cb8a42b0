// Every answer the end-to-end tests receive through the gateway is checked against the published
// OpenAPI document: the JSON body of each response must match the schema the document gives for
// that operation and status (the Error schema for errors). A response that drifts from its
// documented shape fails the test that received it, with the operation and the schema errors.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OPENAPI_DOCUMENT } from '@countypay/contracts';

interface DocOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const doc = OPENAPI_DOCUMENT as unknown as { paths: Record<string, Record<string, DocOperation>>; components: unknown };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'countypay', components: doc.components } as never);

const compiled = new Map<string, ValidateFunction>();
function validator(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"countypay#/components/')) as object);
    compiled.set(key, v);
  }
  return v;
}

const templates = Object.entries(doc.paths).map(([template, item]) => {
  const literals = template.split('/').filter((s) => !s.startsWith('{')).length;
  const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[A-Za-z0-9]+\\?\}/g, '[^/]+')}$`);
  return { template, item, regex, literals };
});
templates.sort((a, b) => b.literals - a.literals);

/** The documented operation of a request, if the document has one. */
export function documentedOperation(method: string, path: string): { template: string; operation: DocOperation } | undefined {
  for (const t of templates) {
    if (!t.regex.test(path)) continue;
    const operation = t.item[method.toLowerCase()];
    if (operation) return { template: t.template, operation };
  }
  return undefined;
}

/** Problems of a response against the document ([] when it matches or is not JSON). */
export function contractProblems(method: string, url: string, status: number, contentType: string | null, body: string): string[] {
  const path = new URL(url).pathname;
  if (!path.startsWith('/v1/')) return [];
  const found = documentedOperation(method, path);
  if (!found) return status === 404 || status === 405 ? [] : [`${method} ${path} answered ${status} but the document has no such operation`];
  if (!contentType?.includes('json') || body.length === 0) return [];
  const response = found.operation.responses[String(status)];
  if (!response) return [`${found.operation.operationId} answered ${status}, which the document does not list`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return [];
  const v = validator(schema);
  return v(JSON.parse(body)) ? [] : [`${found.operation.operationId} ${status}: ${ajv.errorsText(v.errors)}`];
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Wraps a fetch so that every gateway answer is checked against the document (throws on drift). */
export function contractChecked(inner: Fetch): Fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const text = await res.clone().text();
    const problems = contractProblems(method, url, res.status, res.headers.get('content-type'), text);
    if (problems.length) throw new Error(`response does not match the OpenAPI document: ${problems.join('; ')}\nbody: ${text.slice(0, 500)}`);
    return res;
  };
}
