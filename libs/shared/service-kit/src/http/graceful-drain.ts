import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { HttpConfig } from '@countypay/config';
import type { Logger } from '@countypay/observability';
import { LOGGER } from '../tokens';

export interface DrainOutcome {
  /** requests in flight when the drain began */
  inFlight: number;
  /** connections still open when the time ran out, closed by force */
  forced: number;
  ms: number;
}

/**
 * Drains a Node HTTP server: it stops accepting connections, lets the requests in flight finish
 * (their responses say `Connection: close`, so a keep-alive client does not send another request
 * on a socket about to close), closes idle keep-alive connections at once and as soon as they go
 * idle, and closes whatever is still open when `timeoutMs` runs out.
 *
 * `server.close()` alone is not enough: it waits for every keep-alive connection, busy or not, to
 * time out on its own (65 s here), and a client may keep reusing one meanwhile.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  /** Express middleware, first of the chain: tracks the responses in flight. */
  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) {
      res.setHeader('connection', 'close');
    } else {
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    }
    next();
  };

  get isDraining(): boolean {
    return this.draining;
  }

  async drain(server: Server, timeoutMs: number): Promise<DrainOutcome> {
    const started = Date.now();
    this.draining = true;
    const inFlight = this.inFlight.size;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    // the callback also runs (with an error) when the server was not listening: nothing to wait for then
    const closed = new Promise<'closed'>((resolve) => server.close(() => resolve('closed')));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const outcome = await Promise.race([closed, timedOut]);
      let forced = 0;
      if (outcome === 'timeout') {
        forced = this.inFlight.size;
        server.closeAllConnections();
        await closed;
      }
      return { inFlight, forced, ms: Date.now() - started };
    } finally {
      clearInterval(sweep);
      clearTimeout(timer);
    }
  }
}

/**
 * On shutdown (SIGTERM, or `app.close()`), before the service's `onApplicationShutdown` hooks
 * stop its consumers, relay and database pool: drains the HTTP server within
 * `SHUTDOWN_DRAIN_MS`, so requests in flight still find the database.
 */
@Injectable()
export class HttpDrainOnShutdown implements BeforeApplicationShutdown {
  readonly drain = new HttpDrain();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly http: HttpConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.logger.info({ signal, drainMs: this.http.SHUTDOWN_DRAIN_MS }, 'shutting down: draining HTTP');
    const outcome = await this.drain.drain(server, this.http.SHUTDOWN_DRAIN_MS);
    if (outcome.forced > 0) this.logger.warn(outcome, 'HTTP drain timed out: open connections closed');
    else this.logger.info(outcome, 'HTTP drained');
  }
}
