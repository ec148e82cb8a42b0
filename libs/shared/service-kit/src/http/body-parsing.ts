import { raw, type NextFunction, type Request, type Response } from 'express';
import { sendError } from './api-exception.filter';
import { parseJsonBody } from './json-body';

interface BodyParserError extends Error {
  type?: string;
}

export interface JsonBodyOptions {
  /** runs first on every request, body or not (the gateway fixes the request id and drops internal headers here) */
  onRequest?: (req: Request, res: Response) => void;
  /** receives the body's exact bytes (the gateway verifies signatures over them and forwards them untouched) */
  keepRaw?: (req: Request, bytes: Buffer) => void;
}

/**
 * The one request-body parsing of every service and the gateway: JSON only (415 otherwise, and
 * only UTF-8), at most `limit` bytes (413), and strictly well formed (`parseJsonBody`: valid
 * UTF-8, an object or array, nesting limited, no NUL) — 400 `invalid_json`/`invalid_request`
 * in the API's error shape, never Express's HTML and never a 500.
 */
export function jsonBodyParsing(limit: number, opts: JsonBodyOptions = {}) {
  const read = raw({ limit, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    opts.onRequest?.(req, res);
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const [mediaType, ...params] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
    if (mediaType !== 'application/json') {
      sendError(res, req, 'unsupported_media_type', `request bodies must be application/json, got '${mediaType || 'none'}'`);
      return;
    }
    const charset = params
      .find((p) => p.startsWith('charset='))
      ?.slice('charset='.length)
      .replace(/"/g, '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      sendError(res, req, 'unsupported_media_type', `request bodies must be UTF-8, got charset '${charset}'`);
      return;
    }
    read(req, res, (err?: unknown) => {
      if (err) {
        const e = err as BodyParserError;
        if (e.type === 'entity.too.large') sendError(res, req, 'payload_too_large', `the request body is larger than ${limit} bytes`);
        else if (e.type === 'encoding.unsupported') sendError(res, req, 'unsupported_media_type', e.message);
        else sendError(res, req, 'invalid_request', 'the request body could not be read');
        return;
      }
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      opts.keepRaw?.(req, bytes);
      if (bytes.length === 0) {
        req.body = undefined;
        return next();
      }
      const parsed = parseJsonBody(bytes);
      if (!parsed.ok) return sendError(res, req, parsed.problem.code, parsed.problem.message, parsed.problem.param);
      req.body = parsed.value;
      next();
    });
  };
}
