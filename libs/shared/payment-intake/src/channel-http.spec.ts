import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpConnections } from '@countypay/observability';
import { callChannel, ChannelCallError, ChannelTimeoutError } from './channel-http';

describe('callChannel (against a local HTTP server)', () => {
  let server: Server;
  let base: string;
  const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const path = (req.url ?? '').split('?')[0];
        if (path === '/pay') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"succeeded","channelTradeNo":"wx_1"}');
        else if (path === '/gateway-timeout') res.writeHead(504).end('upstream timed out');
        else if (path === '/refused') res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"bad_amount"}');
        else if (path === '/html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
        else if (path === '/slow')
          return; // never answers
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    closeHttpConnections();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('POSTs JSON and returns the parsed answer', async () => {
    await expect(callChannel(base, 5000, 'POST', '/pay', { orderId: 'o1', amountFen: 100 })).resolves.toEqual({ status: 'succeeded', channelTradeNo: 'wx_1' });
    expect(received[0]).toMatchObject({ method: 'POST', url: '/pay', body: '{"orderId":"o1","amountFen":100}' });
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['content-length']).toBe('32');
  });

  it('GETs without a body', async () => {
    await callChannel(base, 5000, 'GET', '/pay?tenantId=t1');
    expect(received[0]).toMatchObject({ method: 'GET', url: '/pay?tenantId=t1', body: '' });
    expect(received[0]!.headers['content-type']).toBeUndefined();
  });

  it('reports a 504, a timeout and a refused connection as an unknown outcome', async () => {
    await expect(callChannel(base, 5000, 'POST', '/gateway-timeout', {})).rejects.toBeInstanceOf(ChannelTimeoutError);
    const late = await callChannel(base, 150, 'POST', '/slow?x=1', {}).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ChannelTimeoutError);
    expect((late as ChannelTimeoutError).what).toBe('POST /slow');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(callChannel(`http://127.0.0.1:${port}`, 2000, 'POST', '/pay', {})).rejects.toBeInstanceOf(ChannelTimeoutError);
  });

  it('reports another error status, or an answer that is not JSON, as the channel saying no', async () => {
    const no = await callChannel(base, 5000, 'POST', '/refused', {}).catch((e: unknown) => e);
    expect(no).toBeInstanceOf(ChannelCallError);
    expect(no).toMatchObject({ status: 400, body: '{"code":"bad_amount"}' });
    await expect(callChannel(base, 5000, 'GET', '/html')).rejects.toMatchObject({ name: 'ChannelCallError', status: 200 });
  });
});
