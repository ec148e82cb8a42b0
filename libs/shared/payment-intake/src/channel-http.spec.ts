import { refusedLocalPort, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from '@countypay/testing';
import { callChannel, ChannelCallError, ChannelTimeoutError } from './channel-http';

describe('callChannel (against a local HTTP server)', () => {
  let server: LocalHttpServer;
  let base: string;
  let received: ReceivedRequest[];

  beforeAll(async () => {
    server = await startLocalHttpServer((req, res) => {
      if (req.path === '/pay') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"succeeded","channelTradeNo":"wx_1"}');
      else if (req.path === '/gateway-timeout') res.writeHead(504).end('upstream timed out');
      else if (req.path === '/refused') res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"bad_amount"}');
      else if (req.path === '/html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      else if (req.path === '/slow')
        return; // never answers
      else res.writeHead(404).end();
    });
    base = server.base;
    received = server.received;
  });

  afterAll(() => server.close());

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
    const port = await refusedLocalPort();
    await expect(callChannel(`http://127.0.0.1:${port}`, 2000, 'POST', '/pay', {})).rejects.toBeInstanceOf(ChannelTimeoutError);
  });

  it('reports another error status, or an answer that is not JSON, as the channel saying no', async () => {
    const no = await callChannel(base, 5000, 'POST', '/refused', {}).catch((e: unknown) => e);
    expect(no).toBeInstanceOf(ChannelCallError);
    expect(no).toMatchObject({ status: 400, body: '{"code":"bad_amount"}' });
    await expect(callChannel(base, 5000, 'GET', '/html')).rejects.toMatchObject({ name: 'ChannelCallError', status: 200 });
  });
});
