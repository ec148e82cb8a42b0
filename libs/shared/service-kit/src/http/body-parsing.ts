import { json, type NextFunction, type Request, type Response } from 'express';
import { sendError } from './api-exception.filter';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * JSON bodies only, up to `limit` bytes. A body-parser error would otherwise reach Express's
 * default HTML handler; here it becomes the API's error shape: 413 too large, 400 malformed,
 * 415 for a body that is not application/json.
 */
export function jsonBodyParsing(limit: number) {
  const parse = json({ limit, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      sendError(res, req, 'unsupported_media_type', `request bodies must be application/json, got '${type || 'none'}'`);
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as BodyParserError;
      if (e.type === 'entity.too.large') sendError(res, req, 'payload_too_large', `the request body is larger than ${limit} bytes`);
      else if (e.type === 'entity.parse.failed') sendError(res, req, 'invalid_json', 'the request body is not valid JSON');
      else if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') sendError(res, req, 'unsupported_media_type', e.message);
      else sendError(res, req, 'invalid_request', 'the request body could not be read');
    });
  };
}
