import { raw, type NextFunction, type Request, type Response } from 'express';
import { sendError } from '@countypay/service-kit';
import { requestIdFrom } from '@countypay/observability';
import { SIGNATURE_HEADERS } from '@countypay/security';
import { ACTOR_HEADERS } from './actor-headers';

interface BodyParserError extends Error {
  type?: string;
}

const RAW_BODY = Symbol('countypay.gateway.rawBody');

/** The request body exactly as received (undefined for a body-less request). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as Request & { [RAW_BODY]?: Buffer })[RAW_BODY];
}

/**
 * The gateway's body handling, in place of the service kit's `jsonBodyParsing`: signatures are
 * over the RAW body bytes and the gateway forwards those bytes untouched, so it keeps them
 * (`rawBodyOf`) and also parses them for its own controllers. Same rules and errors as the
 * kit: JSON only (415), at most `limit` bytes (413), well-formed JSON objects or arrays (400
 * `invalid_json`). It also drops internal headers a caller tries to set itself (`tenant-id`,
 * `x-cp-actor-*`…): only the gateway sets them, after authentication, and fixes the request id.
 */
export function gatewayBodyParsing(limit: number) {
  const read = raw({ limit, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    // One request id for everyone (pino-http, the error filter, the pipeline, the services):
    // the caller's when it is sane, else a new one, fixed here before anything reads it.
    req.headers['x-request-id'] = requestIdFrom(req.headers['x-request-id']);
    if (req.url.startsWith('/v1/')) res.setHeader(SIGNATURE_HEADERS.requestId, req.headers['x-request-id']);
    // X-CP-App-Id is also the signature header: the pipeline overwrites it with the verified app.
    for (const name of ACTOR_HEADERS) if (name !== 'x-cp-app-id') delete req.headers[name];
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    const [mediaType, ...params] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
    if (mediaType !== 'application/json') {
      sendError(res, req, 'unsupported_media_type', `request bodies must be application/json, got '${mediaType || 'none'}'`);
      return;
    }
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
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
      (req as Request & { [RAW_BODY]?: Buffer })[RAW_BODY] = bytes;
      if (bytes.length === 0) {
        req.body = undefined;
        return next();
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        sendError(res, req, 'invalid_json', 'the request body is not valid JSON');
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) {
        sendError(res, req, 'invalid_json', 'the request body must be a JSON object or array');
        return;
      }
      req.body = parsed;
      next();
    });
  };
}
