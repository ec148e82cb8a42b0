import type { Request } from 'express';
import { requestIdFrom } from '@countypay/observability';
import { SERVICE_ASSERTION_HEADER, SIGNATURE_HEADERS } from '@countypay/security';
import { ACTOR_HEADER_NAMES, jsonBodyParsing } from '@countypay/service-kit';

const RAW_BODY = Symbol('countypay.gateway.rawBody');

/** The request body exactly as received (undefined for a body-less request). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as Request & { [RAW_BODY]?: Buffer })[RAW_BODY];
}

/**
 * The gateway's body handling: the platform's one JSON body parsing (`jsonBodyParsing`: same
 * rules and errors as every service), keeping the RAW bytes — signatures are over them and the
 * gateway forwards them untouched (`rawBodyOf`). Before anything else it fixes the request id
 * and drops internal headers a caller tries to set itself (`tenant-id`, `x-cp-actor-*`…): only
 * the gateway sets them, after authentication.
 */
export function gatewayBodyParsing(limit: number) {
  return jsonBodyParsing(limit, {
    onRequest: (req, res) => {
      // One request id for everyone (pino-http, the error filter, the pipeline, the services):
      // the caller's when it is sane, else a new one, fixed here before anything reads it.
      req.headers['x-request-id'] = requestIdFrom(req.headers['x-request-id']);
      if (req.url.startsWith('/v1/')) res.setHeader(SIGNATURE_HEADERS.requestId, req.headers['x-request-id']);
      // X-CP-App-Id is also the signature header: the pipeline overwrites it with the verified app.
      for (const name of ACTOR_HEADER_NAMES) if (name !== 'x-cp-app-id') delete req.headers[name];
      delete req.headers[SERVICE_ASSERTION_HEADER];
    },
    keepRaw: (req, bytes) => {
      (req as Request & { [RAW_BODY]?: Buffer })[RAW_BODY] = bytes;
    },
  });
}
