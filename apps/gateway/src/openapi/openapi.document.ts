import {
  CreditDrawdownCreatedV1,
  CreditCashRefundedV1,
  CreditDrawdownRefundedV1,
  CreditDrawdownReversedV1,
  CreditLineChangedV1,
  CreditLineOpenedV1,
  CreditRepaymentFailedV1,
  CreditRepaymentReceivedV1,
  CreditStatementIssuedV1,
  CreditStatementUpdatedV1,
  ERROR_CODES,
  errorSpec,
  PaymentClosedV1,
  PaymentFailedV1,
  PaymentSucceededV1,
  PayoutFailedV1,
  PayoutSucceededV1,
  RefundFailedV1,
  RefundSucceededV1,
  type ErrorCode,
  SplitFailedV1,
  SplitReleasedV1,
  SplitReversedV1,
  SplitSucceededV1,
} from '@countypay/contracts';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, SIGNATURE_ALGORITHMS } from '@countypay/security';
import { describeClasses, type DescribedApi, type DescribedOperation, type JsonSchema } from '@countypay/service-kit';
import { NONCE_TTL_SECONDS } from '../auth/nonce.repository';
import { WEBHOOKS_OPENAPI } from '../webhooks/webhooks.openapi';
import { GatewayConfig } from '../config/gateway.config';
import { exampleOf } from './openapi-examples';
import type { OpenApiDocument, OpenApiErrorCodeDoc, OpenApiOperation, OpenApiParameter, OpenApiResponse } from './openapi.types';

/**
 * The public OpenAPI 3.1 document: the operations the services describe from their own code
 * (`describeServices`: paths, DTO schemas, access rules, domain errors) wrapped with what the
 * gateway adds to every request — authentication (signatures or operator tokens), anti-replay,
 * idempotency, rate limits and the errors each of those answers — and the webhooks it sends.
 * `npm run openapi` writes the result to libs/shared/contracts/src/openapi/openapi.json; the
 * gateway serves that file and routes by it.
 */

const SIGNING_DOC = 'docs/signing.md';
const NONCE_MINUTES = NONCE_TTL_SECONDS / 60;

const SIGNING_DESCRIPTION = `Every request to a signed route carries five headers: X-CP-App-Id, X-CP-Timestamp (unix seconds, within ±${DEFAULT_TIMESTAMP_TOLERANCE_SECONDS} s of the platform clock), X-CP-Nonce (8-64 of [A-Za-z0-9._~-], never reused; remembered ${NONCE_MINUTES} minutes), X-CP-Signature-Alg (${SIGNATURE_ALGORITHMS.join(', ')}; the algorithm registered for the app) and X-CP-Signature (standard base64).

The signature covers the canonical request string, six lines each ending in \\n:
METHOD\\nPATH\\nCANONICAL_QUERY\\nTIMESTAMP\\nNONCE\\nBODY_DIGEST\\n
- PATH: the raw path as sent (still percent-encoded), without the query;
- CANONICAL_QUERY: pairs decoded ('+' is a space), re-encoded with RFC 3986 (upper-case hex), sorted by key then value, joined with '&';
- BODY_DIGEST: lower-case hex SHA-256 (HMAC-SHA256, RSA-SHA256) or SM3 (SM2-SM3) of the raw body bytes (of zero bytes without a body).
HMAC-SHA256 keys are the app secret string as issued; SM2-SM3 uses the GB/T 32918 signature with user id 1234567812345678, DER-encoded.

Every response carries X-CP-Request-Id, X-CP-Timestamp, X-CP-Signature-Alg and X-CP-Signature over STATUS\\nREQUEST_ID\\nTIMESTAMP\\nREQUEST_NONCE\\nBODY_DIGEST\\n, signed with the app secret (HMAC apps) or the platform SM2 key published at GET /v1/platform-key (other apps).

Every POST needs an Idempotency-Key (kept 24 h per app): a repeat of the same request returns the first response with Idempotent-Replayed: true.

Operators (province and county ops teams) call the routes that admit them with Authorization: Bearer cpo_…; a province operator names the county it acts in with X-CP-Tenant-Id where the path does not.

Amounts are integers in fen (分, CNY minor units) everywhere. Lists are cursor pages: { data, nextCursor }; pass nextCursor back as cursor until it is null.

Full specification with worked examples: ${SIGNING_DOC}`;

const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  invalid_request: 'The request is malformed; `param` names the field or header.',
  invalid_json: 'The body is not valid JSON (or is nested too deeply).',
  unknown_field: 'The body has a field the route does not accept.',
  payload_too_large: 'The body is larger than the limit.',
  unsupported_media_type: 'Bodies must be UTF-8 application/json.',
  route_not_found: 'No route has this path.',
  method_not_allowed: 'The path exists but not with this method (see the Allow header).',
  not_found: 'The object does not exist in your tenant.',
  unknown_app: 'No app has this X-CP-App-Id.',
  invalid_signature: 'A signature header is missing or malformed, or the signature does not verify.',
  signature_algorithm_mismatch: "X-CP-Signature-Alg is not the app's registered algorithm.",
  timestamp_out_of_window: `X-CP-Timestamp is more than ${DEFAULT_TIMESTAMP_TOLERANCE_SECONDS} s away from the platform clock.`,
  nonce_reused: `X-CP-Nonce was already used by this app (nonces are remembered ${NONCE_MINUTES} minutes).`,
  app_suspended: 'The app is suspended.',
  tenant_suspended: 'The tenant (county) is suspended.',
  ip_not_allowed: "The caller's address is not in the app's IP allowlist.",
  missing_scope: 'The app lacks the scope the route needs; `param` names one that would do.',
  forbidden_actor: 'The route is not open to this kind of caller (app, county operator, province operator).',
  invalid_operator_token: 'The operator bearer token is missing or not valid.',
  idempotency_key_required: 'POST requests need an Idempotency-Key header.',
  idempotency_key_reused: 'The Idempotency-Key was used for a different request (method, path, query or body).',
  idempotency_request_in_progress: 'A request with this Idempotency-Key is still being processed.',
  rate_limited:
    "Too many requests for the app or its tenant (public routes: from this client address), or too many of the tenant's requests in flight at once on the gateway; see Retry-After and X-RateLimit-* and the operation's x-rate-limit.",
  upstream_timeout: 'The service behind the gateway did not answer in time; retrying with the same Idempotency-Key is safe.',
  service_unavailable: 'The service is unavailable or the platform is at capacity (the request was refused before it ran); retry later (see Retry-After).',
  internal_error: 'An unexpected error; quote the request id to support.',
};

export function errorCodeDocs(): OpenApiErrorCodeDoc[] {
  return ERROR_CODES.map((code) => {
    const spec = errorSpec(code);
    return { code, status: spec.status, type: spec.type, description: DESCRIPTIONS[code] ?? code.replace(/_/g, ' ') };
  });
}

/** The errors the gateway itself may answer for an operation, before or after forwarding it. */
function gatewayErrors(op: DescribedOperation): ErrorCode[] {
  const codes: ErrorCode[] = ['internal_error', 'service_unavailable'];
  if (op.service !== 'gateway') codes.push('upstream_timeout');
  if (['POST', 'PUT', 'PATCH'].includes(op.method))
    codes.push('invalid_request', 'invalid_json', 'unknown_field', 'payload_too_large', 'unsupported_media_type');
  // a query parameter the route does not know is refused like an unknown body field
  else if (op.parameters.some((p) => p.in === 'query')) codes.push('invalid_request', 'unknown_field');
  // an id of another shape is not found; a path segment that is not valid percent-encoded UTF-8 is a malformed request
  if (op.parameters.some((p) => p.in === 'path')) codes.push('not_found', 'invalid_request');
  if (op.access.kind === 'public') return [...codes, 'rate_limited'];
  codes.push('forbidden_actor');
  const { actors } = op.access;
  if (actors.includes('app')) {
    codes.push(
      'unknown_app',
      'invalid_signature',
      'signature_algorithm_mismatch',
      'timestamp_out_of_window',
      'nonce_reused',
      'app_suspended',
      'tenant_suspended',
      'ip_not_allowed',
      'missing_scope',
      'rate_limited',
    );
    if (op.method === 'POST') codes.push('idempotency_key_required', 'idempotency_key_reused', 'idempotency_request_in_progress', 'invalid_request');
  }
  if (actors.includes('county') || actors.includes('province')) {
    codes.push('invalid_operator_token');
    // the county a province operator names (X-CP-Tenant-Id, or the {tenantId} of the path) must be t + six digits
    if (actors.includes('province')) codes.push('invalid_tenant');
  }
  return codes;
}

const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function header(name: string, description: string, required: boolean, schema: JsonSchema): OpenApiParameter {
  return { name, in: 'header', required, description, schema };
}

/** The headers a caller sends: signature headers for apps, the tenant for province operators, Idempotency-Key on POST. */
function authParameters(op: DescribedOperation): OpenApiParameter[] {
  if (op.access.kind === 'public') return [];
  const { actors } = op.access;
  const appOnly = actors.length === 1 && actors[0] === 'app';
  const forApps = appOnly ? '' : ' (signed app requests)';
  const params: OpenApiParameter[] = [];
  if (actors.includes('app')) {
    params.push(
      header('X-CP-App-Id', `the app id issued at registration${forApps}`, appOnly, {
        type: 'string',
        pattern: '^app_[0-9a-z]{20}$',
        examples: ['app_7k2m9q4x8c1v5b3n6z0p'],
      }),
      header('X-CP-Timestamp', `unix seconds, within ±${DEFAULT_TIMESTAMP_TOLERANCE_SECONDS} s of the platform clock${forApps}`, appOnly, {
        type: 'string',
        pattern: '^(0|[1-9][0-9]{0,14})$',
        examples: ['1764396000'],
      }),
      header('X-CP-Nonce', `unique per request (remembered ${NONCE_MINUTES} minutes)${forApps}`, appOnly, {
        type: 'string',
        pattern: '^[A-Za-z0-9._~-]{8,64}$',
        examples: ['n-5f2c9e0a71b4'],
      }),
      header('X-CP-Signature-Alg', `the app's registered algorithm${forApps}`, appOnly, { type: 'string', enum: [...SIGNATURE_ALGORITHMS] }),
      header('X-CP-Signature', `standard base64 (with padding) of the signature over the canonical request string${forApps}`, appOnly, { type: 'string' }),
    );
  }
  if (actors.includes('province') && !op.path.includes('{tenantId}')) {
    params.push(
      header('X-CP-Tenant-Id', 'province operators: the county the request acts in (apps and county operators act in their own)', false, {
        type: 'string',
        pattern: '^t\\d{6}$',
        examples: ['t510121'],
      }),
    );
  }
  if (op.method === 'POST') {
    params.push(
      header(
        'Idempotency-Key',
        appOnly
          ? 'required on every POST: 1-255 visible ASCII characters, e.g. a UUID; kept 24 h'
          : 'required on every POST of a signed app request, optional for operators: 1-255 visible ASCII characters; kept 24 h',
        appOnly,
        {
          type: 'string',
          pattern: '^[\\x21-\\x7e]{1,255}$',
          examples: ['9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c'],
        },
      ),
    );
  }
  return params;
}

function security(op: DescribedOperation): Array<Record<string, string[]>> {
  if (op.access.kind === 'public') return [];
  const s: Array<Record<string, string[]>> = [];
  if (op.access.actors.includes('app')) s.push({ CountypaySignature: [] });
  if (op.access.actors.some((a) => a !== 'app')) s.push({ OperatorBearer: [] });
  return s;
}

function errorResponses(op: DescribedOperation, codes: readonly OpenApiErrorCodeDoc[]): Record<string, OpenApiResponse> {
  const all = [...new Set([...gatewayErrors(op), ...op.errors])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all) {
    const { status } = errorSpec(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, list] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    const first = list[0]!;
    const doc = codes.find((c) => c.code === first)!;
    out[String(status)] = {
      description: list.join(', '),
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {}),
      content: {
        'application/json': {
          schema: schemaRef('Error'),
          example: { error: { type: doc.type, code: first, message: doc.description, requestId: '5f0c2a4e-8d1b-4b7a-9c3e-1a2b3c4d5e6f' } },
        },
      },
      'x-error-codes': list,
    };
  }
  return out;
}

function operation(op: DescribedOperation, schemas: Record<string, JsonSchema>, codes: readonly OpenApiErrorCodeDoc[]): OpenApiOperation {
  const parameters: OpenApiParameter[] = [
    ...op.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, ...(p.description ? { description: p.description } : {}), schema: p.schema })),
    ...authParameters(op),
  ];
  const success: OpenApiResponse =
    'contentType' in op.response
      ? {
          description: op.response.description,
          content: {
            [op.response.contentType]: {
              schema: { type: 'string', ...(op.response.contentType.startsWith('image/png') ? { contentMediaType: 'image/png' } : {}) },
            },
          },
        }
      : {
          description: op.doc.responseDescription ?? (op.status === 201 ? 'Created' : 'OK'),
          content: { 'application/json': { schema: schemaRef(op.response.schemaName), example: exampleOf(schemaRef(op.response.schemaName), schemas) } },
        };
  return {
    operationId: op.doc.operationId,
    summary: op.doc.summary,
    ...(op.doc.description ? { description: op.doc.description } : {}),
    tags: [op.doc.tag],
    security: security(op),
    parameters,
    ...(op.requestBody
      ? {
          requestBody: {
            required: op.requestBody.required,
            content: {
              'application/json': { schema: schemaRef(op.requestBody.schemaName), example: exampleOf(schemaRef(op.requestBody.schemaName), schemas) },
            },
          },
        }
      : {}),
    responses: { [String(op.status)]: success, ...errorResponses(op, codes) },
    'x-actors': op.access.kind === 'public' ? [] : [...op.access.actors],
    ...(op.access.kind === 'actors' && op.access.scopes.length ? { 'x-required-scopes': [...op.access.scopes] } : {}),
    'x-upstream-service': op.service,
    'x-upstream-path': op.upstreamPath,
    ...rateLimitOf(op),
  };
}

const DEFAULT_LIMITS = new GatewayConfig();

/** The default limits the gateway applies to an operation (operators tune them per deployment). */
function rateLimitOf(op: DescribedOperation): Pick<OpenApiOperation, 'x-rate-limit'> {
  if (op.access.kind === 'public') return { 'x-rate-limit': { per: 'client-address', requestsPerMinute: DEFAULT_LIMITS.GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE } };
  if (!op.access.actors.includes('app')) return {};
  return {
    'x-rate-limit': {
      per: 'app',
      requestsPerMinute: DEFAULT_LIMITS.GATEWAY_RATE_LIMIT_APP_PER_MINUTE,
      tenantRequestsPerMinute: DEFAULT_LIMITS.GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE,
    },
  };
}

/** The events a partner receives as webhooks, each with the data class its Kafka event carries. */
const WEBHOOK_EVENTS = [
  PaymentSucceededV1,
  PaymentFailedV1,
  PaymentClosedV1,
  RefundSucceededV1,
  RefundFailedV1,
  SplitSucceededV1,
  SplitFailedV1,
  SplitReleasedV1,
  SplitReversedV1,
  CreditLineOpenedV1,
  CreditLineChangedV1,
  CreditDrawdownCreatedV1,
  CreditDrawdownReversedV1,
  CreditDrawdownRefundedV1,
  CreditStatementIssuedV1,
  CreditStatementUpdatedV1,
  CreditCashRefundedV1,
  CreditRepaymentReceivedV1,
  CreditRepaymentFailedV1,
  PayoutSucceededV1,
  PayoutFailedV1,
] as const;

/** `payment.succeeded` → `PaymentSucceededEvent` */
function eventSchemaName(type: string): string {
  return `${type.replace(/(^|[._-])([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase())}Event`;
}

/** A schema per webhook event (id, type, created, tenantId and the event's data), and WebhookEvent, any of them. */
function webhookEventSchemas(): Record<string, JsonSchema> {
  const events = WEBHOOK_EVENTS.filter((e) => (WEBHOOKS_OPENAPI['x-event-types'] as readonly string[]).includes(e.type));
  const out: Record<string, JsonSchema> = describeClasses(events.map((e) => e.dataClass));
  for (const e of events) {
    out[eventSchemaName(e.type)] = {
      type: 'object',
      description: `The body of a ${e.type} webhook`,
      required: ['id', 'type', 'created', 'tenantId', 'data'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'the event id, also the webhook-id header: deduplicate on it' },
        type: { const: e.type },
        created: { type: 'integer', description: 'unix seconds' },
        tenantId: { type: 'string', pattern: '^t\\d{6}$', examples: ['t510121'] },
        data: schemaRef(e.dataClass.name),
      },
    };
  }
  out.WebhookEvent = { description: 'The body of any webhook (see `type`)', oneOf: events.map((e) => schemaRef(eventSchemaName(e.type))) };
  return out;
}

/** The whole document, from the described operations. */
export function buildOpenApiDocument(api: DescribedApi): OpenApiDocument {
  const codes = errorCodeDocs();
  const schemas: Record<string, JsonSchema> = {
    ...api.schemas,
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['type', 'code', 'message', 'requestId'],
          properties: {
            type: { type: 'string', enum: [...new Set(codes.map((c) => c.type))] },
            code: schemaRef('ErrorCode'),
            message: { type: 'string', description: 'for humans; may change' },
            param: { type: 'string', description: 'the field, header or scope concerned' },
            requestId: { type: 'string', description: 'the X-Request-Id / X-CP-Request-Id of the response' },
          },
        },
      },
    },
    ErrorCode: { type: 'string', enum: codes.map((c) => c.code), description: 'stable codes; see x-error-codes for statuses' },
    ...webhookEventSchemas(),
  };
  const paths: OpenApiDocument['paths'] = {};
  const ops = [...api.operations].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const op of ops) {
    (paths[op.path] ??= {})[op.method.toLowerCase() as 'get'] = operation(op, schemas, codes);
  }
  const tags = [...new Set(ops.map((o) => o.doc.tag))].sort();
  return {
    openapi: '3.1.0',
    info: { title: 'countypay open API', version: '1.0.0', description: SIGNING_DESCRIPTION },
    servers: [{ url: '/', description: 'the gateway' }],
    externalDocs: { description: 'Signing requests, responses and webhooks', url: SIGNING_DOC },
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        CountypaySignature: { type: 'apiKey', in: 'header', name: 'X-CP-Signature', description: SIGNING_DESCRIPTION },
        OperatorBearer: { type: 'http', scheme: 'bearer', description: 'Operators (province and county ops teams): Authorization: Bearer cpo_…' },
      },
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
    'x-error-codes': codes,
    webhooks: Object.fromEntries(
      WEBHOOKS_OPENAPI['x-event-types'].map((type) => [
        type,
        {
          post: {
            summary: `${type}, POSTed to the app's callback URLs`,
            description: WEBHOOKS_OPENAPI.description,
            requestBody: { required: true, content: { 'application/json': { schema: schemaRef(eventSchemaName(type)) } } },
            responses: { '2XX': { description: 'received; anything else is retried on the published schedule' } },
          },
        },
      ]),
    ),
    'x-webhook-retry-schedule-seconds': [...WEBHOOKS_OPENAPI['x-retry-schedule-seconds']],
  };
}
