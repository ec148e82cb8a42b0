import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { loadConfig } from '@countypay/config';
import { ConsoleConfig, ConsoleEnv } from './console.config';
import { ConsoleStaticMiddleware } from './console-static.middleware';

/** An HTTP server with the middleware on the paths ConsoleModule gives it, and a stand-in for every other handler. */
async function serve(env: Partial<ConsoleEnv>): Promise<{ url: string; close: () => Promise<void> }> {
  const middleware = new ConsoleStaticMiddleware(new ConsoleConfig(Object.assign(new ConsoleEnv(), env)));
  const app = express();
  app.all(['/console', '/console/*path'], (req, res, next) => middleware.use(req, res, next));
  app.use((req, res) => {
    res.status(200).json({ handledBy: 'next', path: req.originalUrl });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the console pages in the gateway (ConsoleStaticMiddleware)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'countypay-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>countypay console</title>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the built console under /console/ by default (index.html for page paths; the API passes through)', async () => {
    const s = await serve({ COUNTYPAY_CONSOLE_DIR: dir });
    try {
      for (const page of ['/console/', '/console/merchants/42']) {
        const res = await fetch(`${s.url}${page}`);
        expect([page, res.status, await res.text()]).toEqual([page, 200, expect.stringContaining('countypay console')]);
      }
      const redirect = await fetch(`${s.url}/console`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/console/']);
      const api = await fetch(`${s.url}/console/api/session`, { method: 'POST' });
      expect(await api.json()).toEqual({ handledBy: 'next', path: '/console/api/session' });
    } finally {
      await s.close();
    }
  });

  it('COUNTYPAY_CONSOLE_ENABLED=off: every /console path, the API included, is a 404 route_not_found; other routes are untouched', async () => {
    const s = await serve({ COUNTYPAY_CONSOLE_DIR: dir, COUNTYPAY_CONSOLE_ENABLED: 'off' });
    try {
      for (const [method, path] of [
        ['GET', '/console'],
        ['GET', '/console/'],
        ['GET', '/console/merchants/42'],
        ['GET', '/console/api/session'],
        ['POST', '/console/api/session'],
        ['DELETE', '/console/api/session'],
      ]) {
        const res = await fetch(`${s.url}${path}`, { method, redirect: 'manual' });
        const body = (await res.json()) as { error: { code: string; type: string } };
        expect([method, path, res.status, body.error]).toEqual([
          method,
          path,
          404,
          expect.objectContaining({ code: 'route_not_found', type: 'not_found_error' }),
        ]);
      }
      const other = await fetch(`${s.url}/v1/ops/dead-letters`);
      expect(await other.json()).toEqual({ handledBy: 'next', path: '/v1/ops/dead-letters' });
    } finally {
      await s.close();
    }
  });

  it('reads the switch: on unless `off`, and refuses anything else', () => {
    const enabled = (env: NodeJS.ProcessEnv) => new ConsoleConfig(loadConfig(ConsoleEnv, env)).enabled;
    expect(enabled({})).toBe(true);
    expect(enabled({ COUNTYPAY_CONSOLE_ENABLED: 'on' })).toBe(true);
    expect(enabled({ COUNTYPAY_CONSOLE_ENABLED: 'off' })).toBe(false);
    expect(() => enabled({ COUNTYPAY_CONSOLE_ENABLED: 'false' })).toThrow(/COUNTYPAY_CONSOLE_ENABLED/);
  });
});
