import { WEBHOOKS_OPENAPI } from '../webhooks/webhooks.openapi';
import { ERROR_CODES, errorSpec, type ErrorCode } from '@countypay/contracts';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, SIGNATURE_ALGORITHMS } from '@countypay/security';
import { ROUTES, type RouteSpec } from '../routing/route-table';
import type { OpenApiDocument, OpenApiErrorCodeDoc, OpenApiOperation, OpenApiParameter, OpenApiPathItem, OpenApiRef, OpenApiResponse, OpenApiSchema } from './openapi.types';

const SIGNING_DOC = 'https://countypay.example/docs/signing.md';

const SIGNING_DESCRIPTION = `Every request to a signed route carries five headers: X-CP-App-Id, X-CP-Timestamp (unix seconds, within ±${DEFAULT_TIMESTAMP_TOLERANCE_SECONDS} s of the platform clock), X-CP-Nonce (8-64 of [A-Za-z0-9._~-], never reused), X-CP-Signature-Alg (${SIGNATURE_ALGORITHMS.join(', ')}; the algorithm registered for the app) and X-CP-Signature (standard base64).

The signature covers the canonical request string, six lines each ending in \\n:
METHOD\\nPATH\\nCANONICAL_QUERY\\nTIMESTAMP\\nNONCE\\nBODY_DIGEST\\n
- PATH: the raw path as sent (still percent-encoded), without the query;
- CANONICAL_QUERY: pairs decoded ('+' is a space), re-encoded with RFC 3986 (upper-case hex), sorted by key then value, joined with '&';
- BODY_DIGEST: lower-case hex SHA-256 (HMAC-SHA256, RSA-SHA256) or SM3 (SM2-SM3) of the raw body bytes (of zero bytes without a body).
HMAC-SHA256 keys are the app secret string as issued; SM2-SM3 uses the GB/T 32918 signature with user id 1234567812345678, DER-encoded.

Every response carries X-CP-Request-Id, X-CP-Timestamp, X-CP-Signature-Alg and X-CP-Signature over STATUS\\nREQUEST_ID\\nTIMESTAMP\\nREQUEST_NONCE\\nBODY_DIGEST\\n, signed with the app secret (HMAC apps) or the platform SM2 key published at GET /v1/platform-key (other apps).

Every POST needs an Idempotency-Key (kept 24 h per app): a repeat of the same request returns the first response with Idempotent-Replayed: true.

Full specification with worked examples: ${SIGNING_DOC}`;

const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  invalid_request: 'The request is malformed; `param` names the field or header.',
  invalid_json: 'The body is not a JSON object or array.',
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
  nonce_reused: 'X-CP-Nonce was already used by this app.',
  app_suspended: 'The app is suspended.',
  tenant_suspended: "The app's tenant (county) is suspended.",
  ip_not_allowed: "The caller's address is not in the app's IP allowlist.",
  missing_scope: 'The app lacks the scope the route needs; `param` names it.',
  invalid_operator_token: 'The operator bearer token is missing or not valid.',
  idempotency_key_required: 'POST requests need an Idempotency-Key header.',
  idempotency_key_reused: 'The Idempotency-Key was used for a different request (method, path, query or body).',
  idempotency_request_in_progress: 'A request with this Idempotency-Key is still being processed.',
  rate_limited: 'Too many requests for the app or its tenant; see Retry-After and X-RateLimit-*.',
  upstream_timeout: 'The service behind the gateway did not answer in time; retrying with the same Idempotency-Key is safe.',
  service_unavailable: 'The service is unavailable; retry later.',
  internal_error: 'An unexpected error; quote the request id to support.',
};

export function errorCodeDocs(): OpenApiErrorCodeDoc[] {
  return ERROR_CODES.map((code) => {
    const spec = errorSpec(code);
    return { code, status: spec.status, type: spec.type, description: DESCRIPTIONS[code] ?? code.replace(/_/g, ' ') };
  });
}

const SIGNED_PARAMETERS = ['AppId', 'Timestamp', 'Nonce', 'SignatureAlg', 'Signature'];
const ref = (name: string): OpenApiRef => ({ $ref: `#/components/parameters/${name}` });
const errorRef = (name: string): OpenApiRef => ({ $ref: `#/components/responses/${name}` });

/** `{path+}` (one or more segments) has no OpenAPI form: documented as `{path}`, described. */
export function openApiPath(template: string): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\+\}/g, '{$1}');
}

function operation(route: RouteSpec): OpenApiOperation {
  const params: Array<OpenApiParameter | OpenApiRef> = [];
  for (const m of route.path.matchAll(/\{([A-Za-z][A-Za-z0-9]*)(\+?)\}/g)) {
    params.push({
      name: m[1],
      in: 'path',
      required: true,
      ...(m[2] === '+' ? { description: 'one or more path segments, forwarded as is to the service' } : {}),
      schema: { type: 'string' },
    });
  }
  if (route.auth === 'signed') params.push(...SIGNED_PARAMETERS.map(ref));
  if (route.auth === 'signed' && route.method === 'POST') params.push(ref('IdempotencyKey'));
  const responses: Record<string, OpenApiResponse | OpenApiRef> = {
    [route.method === 'POST' ? '201' : '200']: {
      description: 'Success (POSTs that act rather than create may answer 200)',
      content: { 'application/json': { schema: { type: 'object' } } },
    },
  };
  if (route.auth !== 'public') {
    responses['400'] = errorRef('BadRequest');
    responses['401'] = errorRef('Unauthorized');
    responses['403'] = errorRef('Forbidden');
    responses['404'] = errorRef('NotFound');
    responses['429'] = errorRef('RateLimited');
    responses['503'] = errorRef('Unavailable');
    responses['504'] = errorRef('Timeout');
  }
  if (route.method === 'POST' && route.auth === 'signed') {
    responses['409'] = errorRef('Conflict');
    responses['422'] = errorRef('Unprocessable');
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth === 'signed' ? { security: [{ CountypaySignature: [] }] } : route.auth === 'operator' ? { security: [{ OperatorBearer: [] }] } : { security: [] }),
    parameters: params,
    ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { requestBody: { required: route.method !== 'POST' || route.target !== 'gateway', content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
    responses,
    ...(route.scope ? { 'x-required-scope': route.scope } : {}),
    ...(route.target !== 'gateway' ? { 'x-upstream-service': route.target } : {}),
  };
}

function errorResponse(description: string): OpenApiResponse {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } as never } } };
}

/** The OpenAPI 3.1 document of the public API, built from the route table and the error catalogue. */
export function buildOpenApiDocument(routes: readonly RouteSpec[] = ROUTES): OpenApiDocument {
  const paths: Record<string, OpenApiPathItem> = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method.toLowerCase() as keyof OpenApiPathItem] = operation(route);
  }
  const header = (name: string, description: string, pattern?: string): OpenApiParameter => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string', ...(pattern ? { pattern } : {}) },
  });
  const codes = errorCodeDocs();
  const byStatus = (status: number): string => codes.filter((c) => c.status === status).map((c) => c.code).join(', ');
  return {
    openapi: '3.1.0',
    info: { title: 'countypay open API', version: '1.0.0', description: SIGNING_DESCRIPTION },
    servers: [{ url: '/', description: 'the gateway' }],
    externalDocs: { description: 'Signing requests, responses and webhooks', url: SIGNING_DOC },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        CountypaySignature: { type: 'apiKey', in: 'header', name: 'X-CP-Signature', description: SIGNING_DESCRIPTION },
        OperatorBearer: { type: 'http', scheme: 'bearer', description: 'Operators (province and county ops teams): Authorization: Bearer cpo_…' },
      },
      parameters: {
        AppId: header('X-CP-App-Id', 'the app id issued at registration', '^app_[0-9a-z]{20}$'),
        Timestamp: header('X-CP-Timestamp', `unix seconds, within ±${DEFAULT_TIMESTAMP_TOLERANCE_SECONDS} s of the platform clock`, '^(0|[1-9][0-9]{0,14})$'),
        Nonce: header('X-CP-Nonce', 'unique per request (remembered 15 minutes)', '^[A-Za-z0-9._~-]{8,64}$'),
        SignatureAlg: { ...header('X-CP-Signature-Alg', "the app's registered algorithm"), schema: { type: 'string', enum: [...SIGNATURE_ALGORITHMS] } },
        Signature: header('X-CP-Signature', 'standard base64 (with padding) of the signature over the canonical request string'),
        IdempotencyKey: header('Idempotency-Key', 'required on every POST: 1-255 visible ASCII characters, e.g. a UUID; kept 24 h', '^[\\x21-\\x7e]{1,255}$'),
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['type', 'code', 'message', 'requestId'],
              properties: {
                type: { type: 'string', enum: [...new Set(codes.map((c) => c.type))] },
                code: { $ref: '#/components/schemas/ErrorCode' },
                message: { type: 'string', description: 'for humans; may change' },
                param: { type: 'string', description: 'the field, header or scope concerned' },
                requestId: { type: 'string', description: 'the X-Request-Id / X-CP-Request-Id of the response' },
              },
            },
          },
        },
        ErrorCode: { type: 'string', enum: codes.map((c) => c.code), description: 'stable codes; see x-error-codes for statuses' },
        ...(WEBHOOKS_OPENAPI.schemas as unknown as Record<string, OpenApiSchema>),
        WebhookEvent: {
          type: 'object',
          required: ['id', 'type', 'created', 'tenantId', 'data'],
          properties: {
            id: { type: 'string', format: 'uuid', description: 'the event id, also the webhook-id header' },
            type: { type: 'string', enum: [...WEBHOOKS_OPENAPI['x-event-types']] },
            created: { type: 'integer', description: 'unix seconds' },
            tenantId: { type: 'string' },
            data: { type: 'object', description: 'the event data (amounts in integer fen)' },
          },
        } as unknown as OpenApiSchema,
      },
      responses: {
        BadRequest: errorResponse(`400: ${byStatus(400)}`),
        Unauthorized: errorResponse(`401: ${byStatus(401)}`),
        Forbidden: errorResponse(`403: ${byStatus(403)}`),
        NotFound: errorResponse(`404: ${byStatus(404)}`),
        Conflict: errorResponse(`409: ${byStatus(409)}`),
        Unprocessable: errorResponse(`422: ${byStatus(422)}`),
        RateLimited: {
          ...errorResponse('429: rate_limited'),
          headers: {
            'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } },
            'X-RateLimit-Limit': { description: 'requests allowed per minute', schema: { type: 'integer' } },
            'X-RateLimit-Remaining': { description: 'requests left in the sliding minute', schema: { type: 'integer' } },
            'X-RateLimit-Reset': { description: 'seconds until the current window ends', schema: { type: 'integer' } },
          },
        },
        Unavailable: errorResponse(`503: ${byStatus(503)}`),
        Timeout: errorResponse(`504: ${byStatus(504)}`),
      },
    },
    'x-error-codes': codes,
    webhooks: Object.fromEntries(
      WEBHOOKS_OPENAPI['x-event-types'].map((type) => [
        type,
        {
          post: {
            summary: `${type}, POSTed to the app's callback URLs`,
            description: WEBHOOKS_OPENAPI.description,
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' } } } },
            responses: { '2XX': { description: 'received; anything else is retried on the published schedule' } },
          },
        },
      ]),
    ),
    'x-webhook-retry-schedule-seconds': WEBHOOKS_OPENAPI['x-retry-schedule-seconds'],
  };
}
