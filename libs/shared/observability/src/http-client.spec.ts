import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DISCARD_LIMIT_BYTES, HttpCallError, closeHttpConnections, httpCall } from './http-client';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remotePort: number;
}

// a real local server: each path is one behaviour
describe('httpCall (against a local HTTP server)', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          remotePort: (req.socket as Socket).remotePort ?? 0,
        });
        const path = (req.url ?? '').split('?')[0];
        if (path === '/echo') res.writeHead(201, { 'content-type': 'application/octet-stream', 'x-seen': 'yes' }).end(Buffer.concat(chunks));
        else if (path === '/moved') res.writeHead(302, { location: '/echo' }).end('see /echo');
        else if (path === '/big') res.writeHead(200).end(big);
        else if (path === '/hang')
          hanging.add(res); // never answers
        else if (path === '/half') {
          // the head and part of a body, then nothing
          res.writeHead(200, { 'content-length': '100' });
          res.write('only part');
          hanging.add(res);
        } else res.writeHead(404).end();
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

  it('sends the body with its content-length and returns status, headers and body', async () => {
    const answer = await httpCall(`${base}/echo?a=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Content-Length': '999' },
      body: '{"amountFen":100,"名":"县"}',
      timeoutMs: 5000,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['x-seen']).toBe('yes');
    expect(Buffer.isBuffer(answer.body)).toBe(true);
    expect(answer.body.toString('utf8')).toBe('{"amountFen":100,"名":"县"}');
    const [got] = received;
    expect(got).toMatchObject({ method: 'POST', url: '/echo?a=1' });
    expect(got!.headers['content-length']).toBe(String(Buffer.byteLength('{"amountFen":100,"名":"县"}')));
    expect(got!.headers['transfer-encoding']).toBeUndefined();
    expect(got!.headers['content-type']).toBe('application/json');
  });

  it('reuses its kept-alive connection for the next call', async () => {
    await httpCall(`${base}/echo`, { method: 'GET', timeoutMs: 5000 });
    await httpCall(`${base}/echo`, { method: 'POST', body: Buffer.from('x'), timeoutMs: 5000 });
    await httpCall(`${base}/echo`, { method: 'GET', timeoutMs: 5000 });
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.remotePort)).size).toBe(1);
  });

  it('returns a redirect as it is, never following it', async () => {
    const answer = await httpCall(`${base}/moved`, { method: 'POST', body: '{}', timeoutMs: 5000 });
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('/echo');
    expect(answer.body.toString()).toBe('see /echo');
    expect(received.map((r) => r.url)).toEqual(['/moved']);
  });

  it('reads a large body whole', async () => {
    const answer = await httpCall(`${base}/big`, { method: 'GET', timeoutMs: 10_000 });
    expect(answer.body.length).toBe(big.length);
    expect(answer.body.equals(big)).toBe(true);
  });

  it('fails a body longer than maxBodyBytes', async () => {
    await expect(httpCall(`${base}/big`, { method: 'GET', timeoutMs: 10_000, maxBodyBytes: 1024 })).rejects.toMatchObject({ kind: 'too_large' });
  });

  it('ends a discarded answer at its head, and the connection is still usable', async () => {
    const answer = await httpCall(`${base}/big`, { method: 'POST', body: '{}', timeoutMs: 5000, discardBody: true });
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body.length).toBe(0);
    expect(big.length).toBeGreaterThan(DISCARD_LIMIT_BYTES); // this one was dropped, not drained
    const next = await httpCall(`${base}/echo`, { method: 'POST', body: 'again', timeoutMs: 5000, discardBody: true });
    expect(next.status).toBe(201);
  });

  it('times out when the server does not answer', async () => {
    const err = await httpCall(`${base}/hang`, { method: 'POST', body: '{}', timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpCallError);
    expect(err).toMatchObject({ kind: 'timeout', name: 'TimeoutError' });
  });

  it('times out when the body stops half way', async () => {
    await expect(httpCall(`${base}/half`, { method: 'GET', timeoutMs: 150 })).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('is cancelled by its signal, and the server sees the connection close', async () => {
    const controller = new AbortController();
    const call = httpCall(`${base}/hang`, { method: 'POST', body: '{}', timeoutMs: 10_000, signal: controller.signal });
    await until(() => received.some((r) => r.url === '/hang'));
    const res = [...hanging].at(-1)!;
    const closed = new Promise<void>((r) => res.once('close', () => r()));
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'aborted', name: 'AbortError' });
    await closed;
  });

  it('does not start a call whose signal is already aborted', async () => {
    await expect(httpCall(`${base}/echo`, { method: 'GET', timeoutMs: 1000, signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: 'aborted' });
    expect(received).toHaveLength(0);
  });

  it('reports a refused connection with its system code', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = (await httpCall(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{}', timeoutMs: 2000 }).catch((e: unknown) => e)) as HttpCallError;
    expect(err).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses what is not an http(s) URL', async () => {
    await expect(httpCall('file:///etc/passwd', { method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'invalid_url' });
    await expect(httpCall('not a url', { method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'invalid_url' });
  });
});

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}
