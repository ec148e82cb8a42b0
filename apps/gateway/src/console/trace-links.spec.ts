import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Operator } from '../auth/operator-auth.service';
import type { UpstreamClient } from '../proxy/upstream.client';
import type { ServiceAuth } from '@countypay/service-kit';
import { ConsoleConfig, ConsoleEnv } from './console.config';
import { operatorActor, TraceLinks } from './trace-links';

const ORDER = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const county: Operator = { operatorId: 'op-c', role: 'county', tenantId: 't510121' };
const province: Operator = { operatorId: 'op-p', role: 'province' };

function config(env: Partial<ConsoleEnv>): ConsoleConfig {
  return new ConsoleConfig(Object.assign(new ConsoleEnv(), env));
}

describe('operatorActor', () => {
  it('acts as the county operator in its own county whatever county is named, and as the province in the county it names', () => {
    expect(operatorActor(county, 't511381')).toEqual({ type: 'county', id: 'op-c', tenantId: 't510121' });
    expect(operatorActor(province, 't511381')).toEqual({ type: 'province', id: 'op-p', tenantId: 't511381' });
    expect(operatorActor(province)).toEqual({ type: 'province', id: 'op-p' });
    expect(operatorActor(province, 'not-a-county')).toEqual({ type: 'province', id: 'op-p' });
  });
});

describe('TraceLinks', () => {
  let zipkin: Server;
  let base: string;
  const asked: string[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: [] };

  beforeAll(async () => {
    zipkin = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => zipkin.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(zipkin.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => zipkin.close(() => r())));

  const upstream = (status: number) =>
    ({
      forward: jest.fn(async () => ({ kind: 'response', response: { status } })),
    }) as unknown as UpstreamClient & { forward: jest.Mock };
  const auth = { assertionHeader: () => ({}) } as unknown as ServiceAuth;

  it('finds the trace that carries payment.id and links it in the trace UI', async () => {
    answer = { status: 200, body: [[{ traceId: 'abc123' }]] };
    const links = new TraceLinks(
      upstream(200),
      auth,
      config({ COUNTYPAY_ZIPKIN_URL: `${base}/api/v2/spans`, COUNTYPAY_TRACE_UI_URL: 'http://ui.example/zipkin/' }),
    );
    expect(await links.find(ORDER)).toEqual({ traceId: 'abc123', url: 'http://ui.example/zipkin/traces/abc123', search: `payment.id=${ORDER}` });
    const q = new URL(asked.at(-1)!, base);
    expect(q.pathname).toBe('/api/v2/traces');
    expect(q.searchParams.get('annotationQuery')).toBe(`payment.id=${ORDER} and payment.state`);
  });

  it('falls back to any trace carrying payment.id when none has a state change of the payment yet', async () => {
    const queries: string[] = [];
    const links = new TraceLinks(upstream(200), auth, config({ COUNTYPAY_ZIPKIN_URL: `${base}/api/v2/spans` }));
    answer = { status: 200, body: [] };
    const before = asked.length;
    expect((await links.find(ORDER)).traceId).toBeNull();
    for (const a of asked.slice(before)) queries.push(new URL(a, base).searchParams.get('annotationQuery')!);
    expect(queries).toEqual([`payment.id=${ORDER} and payment.state`, `payment.id=${ORDER}`]);
  });

  it('gives the search (no link) when there is no trace server, no trace yet, or the trace server fails', async () => {
    expect(await new TraceLinks(upstream(200), auth, config({})).find(ORDER)).toEqual({ traceId: null, url: null, search: `payment.id=${ORDER}` });
    answer = { status: 200, body: [] };
    const links = new TraceLinks(
      upstream(200),
      auth,
      config({ COUNTYPAY_ZIPKIN_URL: `${base}/api/v2/spans`, COUNTYPAY_TRACE_UI_URL: 'http://ui.example/zipkin' }),
    );
    expect((await links.find(ORDER)).url).toBeNull();
    answer = { status: 500, body: {} };
    expect((await links.find(ORDER)).traceId).toBeNull();
    const unreachable = new TraceLinks(upstream(200), auth, config({ COUNTYPAY_ZIPKIN_URL: 'http://127.0.0.1:1/api/v2/spans' }));
    expect((await unreachable.find(ORDER)).traceId).toBeNull();
  });

  it("asks the payment service as the operator, and a payment it does not show (another county's) is a 404", async () => {
    const seen = upstream(200);
    await new TraceLinks(seen, auth, config({})).assertVisible(county, ORDER, 't511381');
    const call = seen.forward.mock.calls[0]![0] as { service: string; path: string; headers: Record<string, string> };
    expect(call).toMatchObject({ service: 'qr-payment', path: `/qr/orders/${ORDER}` });
    // the county operator asks as itself, in its own county, not the one it named
    expect(JSON.stringify(call.headers)).toContain('t510121');
    expect(JSON.stringify(call.headers)).not.toContain('t511381');
    await expect(new TraceLinks(upstream(404), auth, config({})).assertVisible(county, ORDER, undefined)).rejects.toMatchObject({ code: 'not_found' });
    const down = { forward: async () => ({ kind: 'timeout' }) } as unknown as UpstreamClient;
    await expect(new TraceLinks(down, auth, config({})).assertVisible(province, ORDER, 't510121')).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
