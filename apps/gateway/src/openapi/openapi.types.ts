/** The subset of OpenAPI 3.1 the gateway's document uses, typed. Schemas are JSON Schema 2020-12. */
import type { JsonSchema } from '@countypay/service-kit';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema; example?: unknown }>;
  /** the error codes this response may carry */
  'x-error-codes'?: string[];
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<string, OpenApiResponse>;
  /** who may call it: `app`, `county`, `province`; [] for public routes */
  'x-actors': string[];
  /** apps need one of these scopes */
  'x-required-scopes'?: string[];
  /** the service that answers it (`gateway` for the gateway's own routes) */
  'x-upstream-service': string;
  /** the path the service answers it under */
  'x-upstream-path': string;
  /** the gateway's default limits for this operation (a deployment may set others): per client address for public routes, per app and per tenant for apps */
  'x-rate-limit'?: { per: 'client-address' | 'app'; requestsPerMinute: number; tenantRequestsPerMinute?: number };
}

export type OpenApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type OpenApiPathItem = Partial<Record<OpenApiMethod, OpenApiOperation>>;

export interface OpenApiSecurityScheme {
  type: 'apiKey' | 'http';
  in?: 'header';
  name?: string;
  scheme?: string;
  description: string;
}

export interface OpenApiErrorCodeDoc {
  code: string;
  status: number;
  type: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  externalDocs: { description: string; url: string };
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, OpenApiPathItem>;
  components: {
    securitySchemes: Record<string, OpenApiSecurityScheme>;
    schemas: Record<string, JsonSchema>;
  };
  /** every error code of the API with its status and type */
  'x-error-codes': OpenApiErrorCodeDoc[];
  /** OpenAPI 3.1 webhooks: what the platform POSTs to partner callback URLs */
  webhooks: Record<string, { post: { summary: string; description: string; requestBody: unknown; responses: Record<string, { description: string }> } }>;
  /** the published webhook retry schedule, seconds after each failed attempt */
  'x-webhook-retry-schedule-seconds': number[];
}
