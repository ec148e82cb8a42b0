import { withGatewayRequestId } from './upstream.client';

describe('withGatewayRequestId', () => {
  it("puts the gateway's request id into an upstream error body", () => {
    const body = Buffer.from(JSON.stringify({ error: { type: 'not_found_error', code: 'not_found', message: 'no', requestId: 'other' } }));
    const out = JSON.parse(withGatewayRequestId(body, 'application/json; charset=utf-8', 'req-gw').toString('utf8'));
    expect(out).toEqual({ error: { type: 'not_found_error', code: 'not_found', message: 'no', requestId: 'req-gw' } });
  });

  it('keeps the bytes when the id is already the gateway one, or the body is no error', () => {
    const same = Buffer.from('{"error": {"code":"x","requestId":"req-gw"}}');
    expect(withGatewayRequestId(same, 'application/json', 'req-gw')).toBe(same);
    const ok = Buffer.from('{"id":"m_1","amount":1000}');
    expect(withGatewayRequestId(ok, 'application/json', 'req-gw')).toBe(ok);
    const text = Buffer.from('not json');
    expect(withGatewayRequestId(text, 'application/json', 'req-gw')).toBe(text);
    expect(withGatewayRequestId(text, 'text/plain', 'req-gw')).toBe(text);
  });
});
