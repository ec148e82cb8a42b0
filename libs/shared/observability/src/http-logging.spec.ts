import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions, requestIdFrom } from './http-logging';
import { createLogger } from './logger';

describe('requestIdFrom', () => {
  it('keeps a sane caller id and replaces anything else with a UUID', () => {
    expect(requestIdFrom('req_01-AB')).toBe('req_01-AB');
    expect(requestIdFrom(['a1', 'b2'])).toBe('a1');
    expect(requestIdFrom('bad id; drop table')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(65))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('pinoHttpOptions', () => {
  const lines: Array<Record<string, unknown>> = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const middleware = pinoHttp(pinoHttpOptions(createLogger({ serviceName: 'gateway', destination })));
    server = createServer((req, res) => {
      middleware(req, res);
      if (req.url === '/busy') {
        res.statusCode = 503;
        res.setHeader('retry-after', '1');
      } else if (req.url === '/broken') res.statusCode = 500;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('echoes the request id and logs the request without secrets (and without headers)', async () => {
    const res = await fetch(`${url}/v1/orders?mobile=13812345678`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-42', authorization: 'Bearer abc', 'x-cp-signature': 'sig', cookie: 'sid=1' },
      body: JSON.stringify({ cardNo: '6222021234567890128' }),
    });
    await res.text();

    expect(res.headers.get('x-request-id')).toBe('req-42');
    const line = lines.find((l) => l['msg'] === 'request completed')!;
    expect(line).toMatchObject({
      service: 'gateway',
      req: {
        id: 'req-42',
        method: 'POST',
        url: '/v1/orders?mobile=138****5678',
      },
      res: { statusCode: 200 },
    });
    expect(line['req']).not.toHaveProperty('headers');
    expect(line['res']).not.toHaveProperty('headers');
    const text = JSON.stringify(lines);
    for (const secret of ['6222021234567890128', 'Bearer abc', '"sig"', 'sid=1']) expect(text).not.toContain(secret);
  });

  it('logs a refusal to retry later (503 with Retry-After) as a warning without an error, and a real 5xx as an error', async () => {
    await (await fetch(`${url}/busy`, { headers: { 'x-request-id': 'req-busy' } })).text();
    await (await fetch(`${url}/broken`, { headers: { 'x-request-id': 'req-broken' } })).text();
    const busy = lines.find((l) => (l['req'] as { id?: string } | undefined)?.id === 'req-busy')!;
    const broken = lines.find((l) => (l['req'] as { id?: string } | undefined)?.id === 'req-broken')!;
    expect(busy).toMatchObject({ level: 'warn', res: { statusCode: 503 } });
    expect(busy).not.toHaveProperty('err');
    expect(broken).toMatchObject({ level: 'error', res: { statusCode: 500 } });
    expect(broken).toHaveProperty('err');
  });
});
