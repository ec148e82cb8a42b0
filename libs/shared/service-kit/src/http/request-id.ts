import type { Request, Response } from 'express';
import { REQUEST_ID_HEADER, requestIdFrom } from '@countypay/observability';

/** The request id pino-http assigned (and echoed in X-Request-Id), or one made now. */
export function requestIdOf(req: Request, res: Response): string {
  const existing = (req as Request & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const id = requestIdFrom(req.headers['x-request-id']);
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  (req as Request & { id?: unknown }).id = id;
  return id;
}
