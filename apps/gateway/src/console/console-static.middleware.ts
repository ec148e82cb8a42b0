import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendError } from '@countypay/service-kit';
import { ConsoleConfig } from './console.config';

/**
 * Serves the built console (Vite's output) under `/console/`: files as they are (hashed assets
 * cached for a year), and index.html for every other page path so the browser router takes over.
 * With COUNTYPAY_CONSOLE_ENABLED=off every `/console` path, its API included, is a 404.
 */
@Injectable()
export class ConsoleStaticMiddleware implements NestMiddleware {
  private readonly files: ReturnType<typeof express.static>;

  constructor(private readonly config: ConsoleConfig) {
    this.files = express.static(config.staticDir, { index: false, fallthrough: true, immutable: true, maxAge: '365d' });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.originalUrl.split('?')[0] ?? '';
    if (!this.config.enabled) return sendError(res, req, 'route_not_found', `no route for ${req.method} ${path}: the ops console is off on this platform`);
    if (path.startsWith('/console/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (path === '/console') return res.redirect(302, '/console/');
    const index = join(this.config.staticDir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain; charset=utf-8').send('the ops console is not built: npm run build (nx run console:build)');
      return;
    }
    req.url = path.slice('/console'.length) || '/';
    this.files(req, res, () => {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      res.setHeader('X-Frame-Options', 'DENY');
      res.sendFile(index);
    });
  }
}
