import { createServer, request, Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { HttpDrain } from './graceful-drain';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server whose handler answers after `?ms=` milliseconds, behind the drain's tracking middleware. */
async function slowServer(drain: HttpDrain): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    drain.track(
      req as Request,
      res as unknown as Response,
      (() => {
        const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? '0');
        const timer = setTimeout(() => res.end('done'), ms);
        res.once('close', () => clearTimeout(timer));
      }) as NextFunction,
    );
  });
  server.keepAliveTimeout = 65_000; // as the services run
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, agent: Agent, ms: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: `/?ms=${ms}`, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HttpDrain', () => {
  const agents: Agent[] = [];
  const keepAlive = (): Agent => {
    const a = new Agent({ keepAlive: true });
    agents.push(a);
    return a;
  };
  afterAll(() => agents.forEach((a) => a.destroy()));

  it('lets a request in flight on a keep-alive connection finish, tells the client to close, and is done without waiting for keep-alive timeouts', async () => {
    const drain = new HttpDrain();
    const { server, port } = await slowServer(drain);
    const agent = keepAlive();
    await get(port, agent, 0); // leaves an idle keep-alive connection behind
    const slow = get(port, agent, 500);
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    const drained = drain.drain(server, 10_000);
    const answer = await slow;
    const outcome = await drained;

    expect(answer).toMatchObject({ status: 200, body: 'done' });
    expect(answer.headers.connection).toBe('close');
    expect(outcome).toMatchObject({ inFlight: 1, forced: 0 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.listening).toBe(false);
  });

  it('refuses new connections while draining', async () => {
    const drain = new HttpDrain();
    const { server, port } = await slowServer(drain);
    const slow = get(port, keepAlive(), 400);
    await new Promise((r) => setTimeout(r, 100));
    const drained = drain.drain(server, 10_000);
    await expect(get(port, new Agent({ keepAlive: false }), 0)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(slow).resolves.toMatchObject({ status: 200 });
    await drained;
  });

  it('closes what is still open when the time runs out', async () => {
    const drain = new HttpDrain();
    const { server, port } = await slowServer(drain);
    const never = get(port, keepAlive(), 60_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const outcome = await drain.drain(server, 300);
    expect(outcome).toMatchObject({ inFlight: 1, forced: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(never).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
