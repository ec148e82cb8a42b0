// The published OpenAPI 3.1 document of the public API, generated from the services' own
// controllers and DTO classes by `npm run openapi` (tools/openapi.ts) — never edited by hand.
// The gateway serves it at GET /v1/openapi.json and routes exactly what it lists; a unit test
// regenerates it and fails when this copy is stale.
import document from './openapi.json';

export const OPENAPI_DOCUMENT: Readonly<Record<string, unknown>> & { paths: Record<string, Record<string, unknown>> } = document as never;
