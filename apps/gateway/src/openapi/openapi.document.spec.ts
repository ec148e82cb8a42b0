import { ERROR_CODES, errorSpec } from '@countypay/contracts';
import { ROUTES } from '../routing/route-table';
import { buildOpenApiDocument, openApiPath } from './openapi.document';

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('is OpenAPI 3.1 and lists every route of the route table, once', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase() as 'get'];
      expect(op).toMatchObject({ operationId: r.operationId });
      if (r.scope) expect(op?.['x-required-scope']).toBe(r.scope);
    }
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(operations).toHaveLength(ROUTES.length);
  });

  it('documents the signing scheme on signed routes and Idempotency-Key on signed POSTs', () => {
    const create = doc.paths['/v1/qr/orders']?.post;
    expect(create?.security).toEqual([{ CountypaySignature: [] }]);
    expect(create?.parameters).toEqual(expect.arrayContaining([{ $ref: '#/components/parameters/Signature' }, { $ref: '#/components/parameters/IdempotencyKey' }]));
    expect(doc.paths['/v1/qr/orders/{orderId}']?.get?.parameters).not.toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(doc.components.securitySchemes.CountypaySignature.description).toContain('METHOD\\nPATH\\nCANONICAL_QUERY\\nTIMESTAMP\\nNONCE\\nBODY_DIGEST\\n');
    expect(doc.externalDocs.url).toMatch(/signing\.md$/);
    expect(doc.paths['/v1/admin/{path}']?.get?.security).toEqual([{ OperatorBearer: [] }]);
  });

  it('lists every error code with its status and type', () => {
    expect(doc['x-error-codes'].map((c) => c.code)).toEqual([...ERROR_CODES]);
    for (const c of doc['x-error-codes']) expect(c).toMatchObject(errorSpec(c.code as (typeof ERROR_CODES)[number]));
    expect(doc['x-error-codes'].find((c) => c.code === 'nonce_reused')).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(doc.components.schemas.ErrorCode.enum).toContain('idempotency_key_reused');
  });

  it('serialises to JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
