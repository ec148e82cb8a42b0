// The bench's HTTP, cheap enough to share two cores with the platform it measures: a FetchLike for
// the SDK over node:http with one keep-alive agent (no WHATWG streams per request), and a webhook
// receiver that verifies and counts deliveries without keeping them.
import { Agent, type IncomingHttpHeaders, type Server, createServer, request } from 'node:http';
import { type FetchLike, verifyWebhook } from '@countypay/sdk';

/** What the SDK reads of a response: the status, headers by name and the body. */
class BenchResponse {
  constructor(
    readonly status: number,
    private readonly raw: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {}

  readonly headers = {
    get: (name: string): string | null => {
      const v = this.raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer);
  }
}

/**
 * A fetch for the SDK over plain http with a keep-alive agent: requests reuse their connections
 * (LIFO, so a few hot sockets serve a low rate); each request times out after `timeoutMs`.
 */
export function keepAliveFetch(opts: { maxSockets: number; timeoutMs: number }): { fetch: FetchLike; agent: Agent } {
  const agent = new Agent({
    keepAlive: true,
    keepAliveMsecs: 10_000,
    maxSockets: opts.maxSockets,
    maxFreeSockets: opts.maxSockets,
    scheduling: 'lifo',
    timeout: 60_000,
  });
  const fetchImpl: FetchLike = (input, init) =>
    new Promise((resolve, reject) => {
      const u = new URL(input);
      if (u.protocol !== 'http:') {
        reject(new Error(`the bench speaks plain http to loopback only, not ${u.protocol}`));
        return;
      }
      const req = request(
        {
          host: u.hostname,
          port: u.port || 80,
          path: `${u.pathname}${u.search}`,
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string>,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(new BenchResponse(res.statusCode ?? 0, res.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) as unknown as Response),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return { fetch: fetchImpl, agent };
}

/**
 * The partner's webhook endpoint on 127.0.0.1:<port>: verifies each delivery with its app's
 * secret (Standard Webhooks), answers 204 (401 when the signature is wrong), and counts: by event
 * type, and the orders a `payment.succeeded` was delivered for (to compare with the payments).
 */
export class CountingWebhookReceiver {
  private server?: Server;
  /** app id → webhook secret */
  readonly secrets = new Map<string, string>();
  received = 0;
  /** deliveries for an app the bench does not know (an earlier set-up's): acknowledged unverified */
  unknownApp = 0;
  badSignature = 0;
  readonly byType = new Map<string, number>();
  /** order id → deliveries of its payment.succeeded */
  readonly succeededOrders = new Map<string, number>();

  async start(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let event: { type?: string; data?: { partnerAppId?: string; orderId?: string } };
        try {
          event = JSON.parse(raw) as typeof event;
        } catch {
          res.writeHead(400).end();
          return;
        }
        this.received++;
        const secret = this.secrets.get(event.data?.partnerAppId ?? '');
        const verified = secret !== undefined && verifyWebhook(req.headers, raw, secret);
        if (secret === undefined) this.unknownApp++;
        else if (!verified) this.badSignature++;
        const type = event.type ?? 'unknown';
        this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
        if (type === 'payment.succeeded' && event.data?.orderId)
          this.succeededOrders.set(event.data.orderId, (this.succeededOrders.get(event.data.orderId) ?? 0) + 1);
        // an earlier set-up's app is acknowledged too: refused, its deliveries would be retried for a day, load in every later run
        res.writeHead(verified || secret === undefined ? 204 : 401).end();
      });
    });
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${port}/countypay/webhooks`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }
}
