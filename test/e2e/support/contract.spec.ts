import { contractProblems, documentedOperation } from './contract';

// The e2e tier's check of every gateway answer against the OpenAPI document must itself be able to fail.
const BASE = 'http://127.0.0.1:4100';
const order = {
  id: '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4',
  outTradeNo: 'JT-1',
};

describe('contract checking of e2e responses', () => {
  it('finds the documented operation, literal segments before parameters', () => {
    expect(documentedOperation('GET', '/v1/qr/orders/0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4')?.operation.operationId).toBe('getQrOrder');
    expect(documentedOperation('POST', '/v1/qr/pos/payments')?.operation.operationId).toBe('createQrPosPayment');
    expect(documentedOperation('DELETE', '/v1/qr/pos/payments')).toBeUndefined();
  });

  it('flags a body that drifted from its schema, and accepts the documented error shape', () => {
    expect(contractProblems('GET', `${BASE}/v1/qr/orders/${order.id}`, 200, 'application/json', JSON.stringify(order))[0]).toMatch(/^getQrOrder 200: /);
    const error = { error: { type: 'not_found_error', code: 'not_found', message: 'no order', requestId: 'r-1' } };
    expect(contractProblems('GET', `${BASE}/v1/qr/orders/${order.id}`, 404, 'application/json', JSON.stringify(error))).toEqual([]);
    expect(
      contractProblems('GET', `${BASE}/v1/qr/orders/${order.id}`, 404, 'application/json', JSON.stringify({ error: { code: 'not_a_code' } })),
    ).toHaveLength(1);
  });

  it('flags a status the operation does not document, and a route the document lacks', () => {
    expect(contractProblems('GET', `${BASE}/v1/qr/orders/${order.id}`, 418, 'application/json', '{}')[0]).toMatch(/does not list/);
    expect(contractProblems('GET', `${BASE}/v1/qr/secret-admin`, 200, 'application/json', '{}')[0]).toMatch(/no such operation/);
  });
});
