/** The subset of OpenAPI 3.1 the gateway's document uses, typed. */

export interface OpenApiSchema {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, OpenApiSchema | OpenApiRef>;
  required?: string[];
  items?: OpenApiSchema | OpenApiRef;
  enum?: string[];
  pattern?: string;
  format?: string;
  additionalProperties?: boolean | OpenApiSchema;
  examples?: unknown[];
}

export interface OpenApiRef {
  $ref: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: OpenApiSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: OpenApiSchema }>;
  content?: Record<string, { schema: OpenApiSchema | OpenApiRef }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<OpenApiParameter | OpenApiRef>;
  requestBody?: { required: boolean; content: Record<string, { schema: OpenApiSchema | OpenApiRef }> };
  responses: Record<string, OpenApiResponse | OpenApiRef>;
  'x-required-scope'?: string;
  'x-upstream-service'?: string;
}

export type OpenApiPathItem = Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', OpenApiOperation>>;

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
    parameters: Record<string, OpenApiParameter>;
    schemas: Record<string, OpenApiSchema>;
    responses: Record<string, OpenApiResponse>;
  };
  /** every error code of the API with its status and type */
  'x-error-codes': OpenApiErrorCodeDoc[];
  /** OpenAPI 3.1 webhooks: what the platform POSTs to partner callback URLs */
  webhooks: Record<string, { post: { summary: string; description: string; requestBody: unknown; responses: Record<string, { description: string }> } }>;
  /** the published webhook retry schedule, seconds after each failed attempt */
  'x-webhook-retry-schedule-seconds': readonly number[];
}
