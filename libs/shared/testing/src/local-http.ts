import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpConnections } from '@countypay/observability';

/** A request a {@link LocalHttpServer} received, its body read whole. */
export interface ReceivedRequest {
  method: string;
  url: string;
  /** the URL's path, without its query */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly port: number;
  /** every request so far, oldest first (clear it with `received.length = 0`) */
  readonly received: ReceivedRequest[];
  /** closes the client side's kept-alive connections (`httpCall`'s agents) and the server */
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free local port for tests of HTTP clients: records each request and
 * answers it with `answer` once its body has arrived (`answer` may leave a response unanswered, to
 * test a client's deadline).
 */
export async function startLocalHttpServer(answer: (req: ReceivedRequest, res: ServerResponse) => void): Promise<LocalHttpServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const r = { method: req.method ?? '', url, path: url.split('?')[0]!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    received,
    close: async () => {
      closeHttpConnections();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A local port nothing listens on (a server bound it and closed): a connection to it is refused. */
export async function refusedLocalPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  return port;
}
