import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AppScope, ErrorCode } from '@countypay/contracts';
import { actorHeaders, LOGGER, requestIdOf, RETRY_AFTER_OUTAGE_SECONDS, sendError, ServiceAuth, type Actor } from '@countypay/service-kit';
import { isDatabaseUnavailable } from '@countypay/persistence';
import { type Logger, currentTraceparent, setActiveHttpRoute } from '@countypay/observability';
import { isTenantId, runWithTenant } from '@countypay/tenancy';
import { APP_ID_PATTERN, NONCE_PATTERN, SIGNATURE_HEADERS, splitRequestTarget } from '@countypay/security';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from '../domain/idempotency-fingerprint';
import { ipAllowed } from '../domain/ip-allowlist';
import { RouteTable, type RouteMatch, type RouteTarget } from '../routing/route-table';
import { RegistryService } from '../registry/registry.service';
import type { StoredCredential } from '../registry/registry.types';
import { checkSignedRequest, signatureHeaders, usableCredentials } from '../auth/signed-request';
import { OperatorAuthService, type ConsoleSessionResult } from '../auth/operator-auth.service';
import { IdempotencyRepository, PROVINCE_SCOPE, type ClaimResult, type IdempotencyScope } from '../idempotency/idempotency.repository';
import { WINDOW_MS, windowStart } from '../domain/rate-window';
import { AdmissionRepository } from './admission.repository';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ClientRateLimiter, clientAddress } from '../rate-limit/client-rate-limiter';
import { UpstreamClient, withGatewayRequestId } from '../proxy/upstream.client';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayMetrics } from './gateway-metrics';
import { interceptResponse } from './intercept-response';
import { LoadShedder } from './load-shedder';
import { ResponseSigner, type ResponseSigning } from './response-signer';
import { rawBodyOf } from '../http/raw-body';
import { CSRF_HEADER, SESSION_COOKIE, cookieValue, sameOrigin } from '../console/console-cookies';

/** What an overload refusal asks the caller to wait before trying again (s). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/** Response headers never stored for an idempotent replay (they belong to each response). */
const NOT_REPLAYED =
  /^(x-request-id|x-cp-.*|date|content-length|etag|connection|keep-alive|transfer-encoding|x-ratelimit-.*|retry-after|idempotent-replayed)$/i;

interface Exchange {
  requestId: string;
  /** the request's nonce when well formed: bound into the response signature */
  nonce: string;
  signing?: ResponseSigning;
  idempotency?: { scope: IdempotencyScope; fingerprint: string; release: boolean };
  tenantId?: string;
  appId?: string;
  /** the route-table template of a forwarded request, for the RED metrics */
  routeTemplate?: string;
}

function idempotencyId(scope: IdempotencyScope): string {
  return `${scope.tenantId}\u0000${scope.appId}\u0000${scope.key}`;
}

/** The response headers a replay repeats (not those that belong to each response). */
function replayableHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined && !NOT_REPLAYED.test(name)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/** What a public route's service sees of the caller: its User-Agent and Accept (no actor). */
function publicHeaders(req: Request): Record<string, string> {
  const h: Record<string, string> = {};
  if (typeof req.headers['user-agent'] === 'string') h['user-agent'] = req.headers['user-agent'];
  if (typeof req.headers.accept === 'string') h.accept = req.headers.accept;
  return h;
}

class Refusal {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly param?: string,
  ) {}
}

/**
 * The gateway's request pipeline for `/v1/**`, in order: route lookup (404/405), then per the
 * route's auth: signed apps (app lookup, algorithm, timestamp window, signature over the raw
 * request, app/tenant status, IP allowlist, nonce store, scope, rate limits, Idempotency-Key)
 * or operators (bearer token checked by onboarding). Then the request is forwarded to its
 * service, or passed on to the gateway's own controllers (webhooks, OpenAPI) with the same
 * actor headers the services get. Every response to a `/v1` request carries `X-CP-Request-Id`;
 * responses to signed requests are signed (docs/signing.md §5).
 */
@Injectable()
export class GatewayMiddleware implements NestMiddleware {
  /** idempotent answers this instance is storing, by key (see beforeSend) */
  private readonly storing = new Map<string, Promise<void>>();
  private publicLimiter?: ClientRateLimiter;
  private shedder?: LoadShedder;

  constructor(
    private readonly routes: RouteTable,
    private readonly registry: RegistryService,
    private readonly admission: AdmissionRepository,
    private readonly operators: OperatorAuthService,
    private readonly idempotency: IdempotencyRepository,
    private readonly rateLimits: RateLimitService,
    private readonly upstream: UpstreamClient,
    private readonly signer: ResponseSigner,
    private readonly metrics: GatewayMetrics,
    private readonly config: GatewayConfig,
    private readonly auth: ServiceAuth,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const { path } = splitRequestTarget(req.originalUrl);
    if (path !== '/v1' && !path.startsWith('/v1/')) return next();
    const ex: Exchange = { requestId: '', nonce: '' };
    this.handle(req, res, next, path, ex).catch((err: unknown) => {
      if (res.headersSent) return this.logger.error({ err }, 'gateway pipeline failed after answering');
      if (isDatabaseUnavailable(err)) {
        // an outage (a database restart): the documented, signed 503 with Retry-After, never a 500.
        // An app this gateway has not seen yet and that signs with SM2 or RSA gets the answer signed
        // with the platform's key, as all its answers are (an HMAC app's needs its secret, in the database).
        const alg = req.headers['x-cp-signature-alg'];
        if (!ex.signing && (alg === 'SM2-SM3' || alg === 'RSA-SHA256')) ex.signing = { appAlg: alg };
        this.logger.warn({ err }, 'gateway database unavailable');
        res.setHeader('Retry-After', String(RETRY_AFTER_OUTAGE_SECONDS));
        return sendError(res, req, 'service_unavailable', 'the platform is briefly unavailable; retry after a few seconds');
      }
      this.logger.error({ err }, 'gateway pipeline failed');
      sendError(res, req, 'internal_error', 'an internal error occurred; quote the request id to support');
    });
  }

  private async handle(req: Request, res: Response, next: NextFunction, path: string, ex: Exchange): Promise<void> {
    ex.requestId = requestIdOf(req, res);
    res.setHeader(SIGNATURE_HEADERS.requestId, ex.requestId);
    interceptResponse(res, (status, body) => this.beforeSend(ex, req, res, status, body));

    const match = this.routes.match(req.method, path);
    if (match === 'route_not_found') return sendError(res, req, 'route_not_found', `no route for ${req.method} ${path}`);
    if (match === 'method_not_allowed') {
      res.setHeader('Allow', this.routes.allowedMethods(path).join(', '));
      return sendError(res, req, 'method_not_allowed', `${req.method} is not allowed on ${path}`);
    }
    if (match.route.target !== 'gateway') ex.routeTemplate = match.route.path;
    // the server span is named after the public route (`POST /v1/qr/orders/{orderId}`), not `POST /`
    setActiveHttpRoute(match.route.path);
    const access = match.route.access;
    if (access.kind === 'public') {
      // anonymous callers (payers' phones, POS decoders): limited per client address
      this.publicLimiter ??= new ClientRateLimiter(this.config.GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE);
      const rate = this.publicLimiter.hit(clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.config.GATEWAY_TRUSTED_PROXIES));
      res.setHeader('X-RateLimit-Limit', String(rate.limit));
      res.setHeader('X-RateLimit-Remaining', String(rate.remaining));
      res.setHeader('X-RateLimit-Reset', String(rate.resetSeconds));
      if (!rate.allowed) {
        this.metrics.rateLimited.inc({ limit: 'client', tenant: 'none' });
        res.setHeader('Retry-After', String(rate.retryAfterSeconds));
        return sendError(res, req, 'rate_limited', `too many requests from this address; retry after ${rate.retryAfterSeconds} s`);
      }
      if (match.route.target === 'gateway') return next();
      if (!this.enter(req, res)) return;
      // a public page of a service (a static code's resolve page): no actor; the payer's wallet is told by its User-Agent
      return void this.forward(req, res, match.route.target, match.upstreamPath, publicHeaders(req), ex);
    }
    // the route's declaration says who may call it; the credentials presented say who calls
    const operators = access.actors.some((a) => a !== 'app');
    const bearer = typeof req.headers.authorization === 'string' && /^Bearer\s/i.test(req.headers.authorization);
    // the ops console's cookie session: an operator, like a bearer token (never with app credentials)
    const consoleSession = !bearer && req.headers['x-cp-app-id'] === undefined ? cookieValue(req.headers.cookie, SESSION_COOKIE) : undefined;
    if (operators && (bearer || consoleSession || !access.actors.includes('app'))) return this.asOperator(req, res, next, match, ex, consoleSession);
    return this.asApp(req, res, next, match, ex);
  }

  private refuse(req: Request, res: Response, r: Refusal): void {
    this.metrics.authFailures.inc({ code: r.code });
    sendError(res, req, r.code, r.message, r.param);
  }

  // ---- partner apps -------------------------------------------------------------------------

  private async asApp(req: Request, res: Response, next: NextFunction, match: RouteMatch, ex: Exchange): Promise<void> {
    const h = signatureHeaders(req.headers);
    if (h.nonce && NONCE_PATTERN.test(h.nonce)) ex.nonce = h.nonce;
    if (!h.appId) return this.refuse(req, res, new Refusal('invalid_signature', 'the X-CP-App-Id header is missing', 'X-CP-App-Id'));
    const found = APP_ID_PATTERN.test(h.appId) ? await this.registry.findApp(h.appId) : undefined;
    if (!found) return this.refuse(req, res, new Refusal('unknown_app', 'no app has this X-CP-App-Id', 'X-CP-App-Id'));
    const { app, tenantStatus } = found;
    ex.tenantId = app.tenantId;
    ex.appId = app.appId;
    const nowMs = Date.now();
    const body = rawBodyOf(req);
    const check = checkSignedRequest({
      method: req.method,
      target: req.originalUrl,
      body,
      headers: h,
      credentials: app.credentials,
      nowMs,
      keyOf: (c) => this.registry.verificationKey(c),
    });
    // Responses are signed from here on, failures included, with the credential that verified
    // (or the app's first usable one); the partner's SDK can check them like any other.
    const credential = check.ok ? check.credential : usableCredentials(app.credentials, nowMs)[0];
    if (credential) ex.signing = this.signingFor(credential);
    if (found.stale) {
      // the registry could not be read (a database outage): answer the signed 503, admit nothing on old data
      res.setHeader('Retry-After', String(RETRY_AFTER_OUTAGE_SECONDS));
      return sendError(res, req, 'service_unavailable', 'the platform is briefly unavailable; retry after a few seconds');
    }
    if (!check.ok) return this.refuse(req, res, new Refusal(check.code, check.message, check.param));
    if (app.status !== 'active') return this.refuse(req, res, new Refusal('app_suspended', 'this app is suspended'));
    if (tenantStatus !== 'active') return this.refuse(req, res, new Refusal('tenant_suspended', "the app's tenant is suspended"));
    if (!ipAllowed(app.ipAllowlist, req.socket.remoteAddress))
      return this.refuse(req, res, new Refusal('ip_not_allowed', "the caller's address is not in the app's IP allowlist"));
    const access = match.route.access;
    if (access.kind === 'actors' && !access.scopes.some((sc) => app.scopes.includes(sc))) {
      return this.refuse(req, res, new Refusal('missing_scope', `this route needs the scope ${access.scopes.join(' or ')}`, access.scopes[0]));
    }
    // authenticated, no database work yet: past this instance's or this county's capacity the signed refusal costs almost nothing
    if (!this.enter(req, res, app.tenantId)) return;
    const idempotency = req.method === 'POST' ? this.idempotencyOf(req, res, true) : undefined;
    if (idempotency === null) return;

    // nonce, rate-limit counters and the Idempotency-Key claim: one database round trip
    const admission = await this.admission.admit({
      tenantId: app.tenantId,
      appId: app.appId,
      nonce: ex.nonce,
      buckets: this.rateLimits.buckets(app.appId),
      windowStartMs: windowStart(nowMs),
      windowMs: WINDOW_MS,
      ...(idempotency ? { idempotency } : {}),
    });
    if (!admission.nonceFresh)
      return this.refuse(req, res, new Refusal('nonce_reused', 'this X-CP-Nonce was already used; every request needs a fresh nonce', 'X-CP-Nonce'));
    const idempotencyScope: IdempotencyScope | undefined = idempotency ? { tenantId: app.tenantId, appId: app.appId, key: idempotency.key } : undefined;
    const rate = this.rateLimits.decide(app.appId, admission.windows, nowMs);
    res.setHeader('X-RateLimit-Limit', String(rate.reported.limit));
    res.setHeader('X-RateLimit-Remaining', String(rate.reported.remaining));
    res.setHeader('X-RateLimit-Reset', String(rate.reported.resetSeconds));
    if (!rate.allowed) {
      // the key was claimed in the same round trip: give it back, the request never ran
      if (idempotencyScope && idempotency && admission.claim?.outcome === 'claimed') await this.idempotency.release(idempotencyScope, idempotency.fingerprint);
      this.metrics.rateLimited.inc({ limit: rate.refusedBy ?? 'app', tenant: app.tenantId });
      res.setHeader('Retry-After', String(rate.retryAfterSeconds));
      return sendError(res, req, 'rate_limited', `too many requests for this ${rate.refusedBy ?? 'app'}; retry after ${rate.retryAfterSeconds} s`);
    }

    const who: Actor = { type: 'app', id: app.appId, appId: app.appId, tenantId: app.tenantId, partnerId: app.partnerId, scopes: app.scopes as AppScope[] };
    // the service (or the gateway's own controller) believes the actor only from this signed assertion
    const actor: Record<string, string> = { ...actorHeaders(who), ...this.auth.assertionHeader(match.route.target, who, ex.requestId) };
    if (idempotencyScope && idempotency && admission.claim) {
      let claim = admission.claim;
      // the first request's answer is being stored by this instance right now: wait for it, then look again
      const storing = this.storing.get(idempotencyId(idempotencyScope));
      if (claim.outcome === 'in_progress' && storing) {
        await storing;
        claim = await this.idempotency.claim(idempotencyScope, idempotency.fingerprint, idempotency.lockSeconds);
      }
      if (!this.answerClaim(req, res, claim, idempotencyScope, idempotency.fingerprint, ex)) return;
      actor['idempotency-key'] = idempotency.key;
    }

    for (const [name, value] of Object.entries(actor)) req.headers[name] = value;
    runWithTenant(app.tenantId, () => {
      if (match.route.target === 'gateway') return next();
      void this.forward(req, res, match.route.target, match.upstreamPath, actor, ex);
    });
  }

  /**
   * Takes an in-flight slot for the request (see LoadShedder), given back when the answer has left
   * or the caller went away. Past the county's share the refusal is the 429 `rate_limited`, past the
   * instance's capacity the 503 `service_unavailable`, both with Retry-After; the caller of a signed
   * request gets them signed. Operators' requests (the console) are not counted: they must get
   * through an overload.
   */
  private enter(req: Request, res: Response, tenantId?: string): boolean {
    this.shedder ??= new LoadShedder({ maxInFlight: this.config.GATEWAY_MAX_IN_FLIGHT, maxInFlightPerTenant: this.config.GATEWAY_MAX_IN_FLIGHT_PER_TENANT });
    const slot = this.shedder.tryEnter(tenantId);
    if (slot.admitted) {
      res.once('finish', slot.release);
      res.once('close', slot.release);
      return true;
    }
    this.metrics.rateLimited.inc({ limit: slot.refusedBy === 'tenant' ? 'tenant_in_flight' : 'in_flight', tenant: tenantId ?? 'none' });
    res.setHeader('Retry-After', String(OVERLOAD_RETRY_AFTER_SECONDS));
    if (slot.refusedBy === 'tenant')
      sendError(res, req, 'rate_limited', `too many requests of this county at once; retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`);
    else sendError(res, req, 'service_unavailable', `the platform is at capacity; retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`);
    return false;
  }

  private signingFor(credential: StoredCredential): ResponseSigning {
    if (credential.alg !== 'HMAC-SHA256') return { appAlg: credential.alg };
    try {
      const secret = this.registry.verificationKey(credential);
      return secret ? { appAlg: 'HMAC-SHA256', hmacSecret: secret } : { appAlg: 'HMAC-SHA256' };
    } catch {
      return { appAlg: 'HMAC-SHA256' };
    }
  }

  // ---- idempotency --------------------------------------------------------------------------

  /**
   * The request's Idempotency-Key (POST) and fingerprint; answers a missing (when required) or
   * malformed key itself and returns null; undefined when none is given and none is required.
   */
  private idempotencyOf(req: Request, res: Response, required: boolean): { key: string; fingerprint: string; lockSeconds: number } | null | undefined {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      if (!required) return undefined;
      sendError(res, req, 'idempotency_key_required', 'every POST needs an Idempotency-Key header (e.g. a UUID)', 'Idempotency-Key');
      return null;
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      sendError(res, req, 'invalid_request', 'Idempotency-Key must be 1-255 visible ASCII characters', 'Idempotency-Key');
      return null;
    }
    const { path, query } = splitRequestTarget(req.originalUrl);
    // an abandoned claim (its instance died mid-request) may be taken over after this
    const lockSeconds = Math.ceil(this.config.GATEWAY_UPSTREAM_TIMEOUT_MS / 1000) + 30;
    return { key, fingerprint: requestFingerprint({ method: req.method, path, query, body: rawBodyOf(req) }), lockSeconds };
  }

  /**
   * Acts on a claim of the request's Idempotency-Key: answers a replay, a mismatch (422) or a
   * request still in progress (409) itself and returns false; true when the request proceeds
   * (its response is stored by beforeSend).
   */
  private answerClaim(req: Request, res: Response, claim: ClaimResult, scope: IdempotencyScope, fingerprint: string, ex: Exchange): boolean {
    switch (claim.outcome) {
      case 'mismatch':
        sendError(res, req, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request', 'Idempotency-Key');
        return false;
      case 'in_progress':
        res.setHeader('Retry-After', '1');
        sendError(res, req, 'idempotency_request_in_progress', 'a request with this Idempotency-Key is still being processed; retry later', 'Idempotency-Key');
        return false;
      case 'replay':
        this.metrics.idempotentReplays.inc({ tenant: scope.tenantId === PROVINCE_SCOPE ? 'province' : scope.tenantId });
        for (const [name, value] of Object.entries(claim.response.headers)) res.setHeader(name, value);
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(claim.response.status).end(claim.response.body);
        return false;
      case 'claimed':
        ex.idempotency = { scope, fingerprint, release: false };
        return true;
    }
  }

  // ---- operators ----------------------------------------------------------------------------

  private async bearerOperator(req: Request, res: Response, ex: Exchange): Promise<ConsoleSessionResult | undefined> {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) {
      this.refuse(req, res, new Refusal('invalid_operator_token', 'operator routes need Authorization: Bearer cpo_…', 'Authorization'));
      return undefined;
    }
    return this.operators.authenticate(m[1]!, this.traceHeaders(req, ex));
  }

  /** The console's session cookie: checked by onboarding (CSRF token of an unsafe request, audit), Origin checked here. */
  private async consoleOperator(req: Request, res: Response, sessionToken: string, ex: Exchange): Promise<ConsoleSessionResult | undefined> {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (unsafe && !sameOrigin(origin, req.headers.host)) {
      sendError(res, req, 'invalid_csrf_token', 'a console request from another origin is refused', 'Origin');
      return undefined;
    }
    const csrf = req.headers[CSRF_HEADER];
    return this.operators.authenticateConsoleSession(
      { sessionToken, ...(typeof csrf === 'string' ? { csrfToken: csrf } : {}), method: req.method, path: splitRequestTarget(req.originalUrl).path },
      this.traceHeaders(req, ex),
    );
  }

  private async asOperator(req: Request, res: Response, next: NextFunction, match: RouteMatch, ex: Exchange, consoleSession?: string): Promise<void> {
    const auth = consoleSession ? await this.consoleOperator(req, res, consoleSession, ex) : await this.bearerOperator(req, res, ex);
    if (!auth) return;
    if (auth.kind === 'refused') {
      res.status(auth.status).setHeader('content-type', 'application/json');
      return void res.end(withGatewayRequestId(auth.body, 'application/json', ex.requestId));
    }
    if (auth.kind === 'invalid') return this.refuse(req, res, new Refusal('invalid_operator_token', 'the operator token is not valid', 'Authorization'));
    if (auth.kind === 'timeout') return sendError(res, req, 'upstream_timeout', 'the operator directory did not answer in time');
    if (auth.kind === 'unavailable') return sendError(res, req, 'service_unavailable', 'the operator directory is unavailable; retry later');
    const op = auth.operator;
    const access = match.route.access;
    if (access.kind === 'actors' && !access.actors.includes(op.role)) {
      return this.refuse(req, res, new Refusal('forbidden_actor', `this route is not open to ${op.role} operators`));
    }
    // A county operator acts in its own county; a province operator in the one the path names
    // ({tenantId}) or, on other routes, the one it names in X-CP-Tenant-Id.
    let tenantId: string | undefined;
    if (op.role === 'county') tenantId = op.tenantId;
    else {
      const named = match.params.tenantId ?? (typeof req.headers['x-cp-tenant-id'] === 'string' ? req.headers['x-cp-tenant-id'] : undefined);
      if (named !== undefined && !isTenantId(named))
        return sendError(res, req, 'invalid_tenant', 'the county must be t followed by six digits', match.params.tenantId ? 'tenantId' : 'X-CP-Tenant-Id');
      tenantId = named;
    }
    const who: Actor =
      op.role === 'county'
        ? { type: 'county', id: op.operatorId, tenantId: tenantId! }
        : { type: 'province', id: op.operatorId, ...(tenantId ? { tenantId } : {}) };
    const actor: Record<string, string> = { ...actorHeaders(who), ...this.auth.assertionHeader(match.route.target, who, ex.requestId) };
    if (req.method === 'POST') {
      // optional for operators: honoured when given
      const idempotency = this.idempotencyOf(req, res, false);
      if (idempotency === null) return;
      if (idempotency) {
        const scope: IdempotencyScope = { tenantId: tenantId ?? PROVINCE_SCOPE, appId: op.operatorId, key: idempotency.key };
        let claim = await this.idempotency.claim(scope, idempotency.fingerprint, idempotency.lockSeconds);
        // the first request's answer is being stored by this instance right now: wait for it, then look again (as for apps)
        const storing = this.storing.get(idempotencyId(scope));
        if (claim.outcome === 'in_progress' && storing) {
          await storing;
          claim = await this.idempotency.claim(scope, idempotency.fingerprint, idempotency.lockSeconds);
        }
        if (!this.answerClaim(req, res, claim, scope, idempotency.fingerprint, ex)) return;
        actor['idempotency-key'] = idempotency.key;
      }
    }
    for (const [name, value] of Object.entries(actor)) req.headers[name] = value;
    const proceed = (): void => {
      if (match.route.target === 'gateway') return next();
      void this.forward(req, res, match.route.target, match.upstreamPath, actor, ex);
    };
    if (tenantId) runWithTenant(tenantId, proceed);
    else proceed();
  }

  // ---- forwarding ---------------------------------------------------------------------------

  private traceHeaders(req: Request, ex: Exchange): Record<string, string> {
    // with tracing started the HTTP instrumentation injects the context of its client span;
    // without it (tests) the caller's headers are passed on as they came
    if (currentTraceparent()) return { 'x-request-id': ex.requestId };
    const passOn: Record<string, string> = {};
    for (const name of ['traceparent', 'tracestate'] as const) {
      const value = req.headers[name];
      if (typeof value === 'string') passOn[name] = value;
    }
    return { 'x-request-id': ex.requestId, ...passOn };
  }

  private async forward(req: Request, res: Response, service: RouteTarget, upstreamPath: string, actor: Record<string, string>, ex: Exchange): Promise<void> {
    // a caller that hangs up before the answer: the upstream request is cancelled, nobody waits for it
    const callerGone = new AbortController();
    const onClose = (): void => {
      if (!res.writableEnded) callerGone.abort();
    };
    res.once('close', onClose);
    try {
      const body = rawBodyOf(req);
      const { query } = splitRequestTarget(req.originalUrl);
      const headers: Record<string, string> = {
        accept: 'application/json',
        'accept-encoding': 'identity',
        ...(body && body.length > 0 ? { 'content-type': 'application/json' } : {}),
        ...actor,
        ...this.traceHeaders(req, ex),
      };
      const result = await this.upstream.forward({ service, method: req.method, path: upstreamPath, query, headers, body, signal: callerGone.signal });
      if (result.kind !== 'response') {
        this.metrics.upstreamFailures.inc({ service, kind: result.kind });
        // the request did not (verifiably) complete upstream: a retry with the same key runs it again
        if (ex.idempotency) ex.idempotency.release = true;
        if (result.kind === 'cancelled') return sendError(res, req, 'service_unavailable', 'the caller went away');
        if (result.kind === 'timeout') return sendError(res, req, 'upstream_timeout', `${service} did not answer in time`);
        this.logger.warn({ service, reason: result.reason }, 'upstream unavailable');
        res.setHeader('Retry-After', String(RETRY_AFTER_OUTAGE_SECONDS));
        return sendError(res, req, 'service_unavailable', `${service} is unavailable; retry later`);
      }
      const r = result.response;
      for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
      res.status(r.status).end(withGatewayRequestId(r.body, r.headers['content-type'], ex.requestId));
    } catch (err) {
      this.logger.error({ err }, 'forwarding failed');
      if (ex.idempotency) ex.idempotency.release = true;
      if (!res.headersSent) sendError(res, req, 'internal_error', 'an internal error occurred; quote the request id to support');
    } finally {
      res.off('close', onClose);
    }
  }

  // ---- every response ------------------------------------------------------------------------

  private async beforeSend(ex: Exchange, req: Request, res: Response, status: number, body: Buffer): Promise<void> {
    if (ex.routeTemplate) {
      // The kit's RED metrics label a request with `req.baseUrl + req.route.path` when it
      // finishes; a forwarded request matched no Nest route, so it gets its route-table
      // template (never the raw path: cardinality).
      req.baseUrl = '';
      (req as Request & { route?: unknown }).route = { path: ex.routeTemplate };
    }
    // ... and its tenant label, also for requests refused or replayed before forwarding
    if (ex.tenantId && req.headers['tenant-id'] === undefined) req.headers['tenant-id'] = ex.tenantId;
    if (ex.idempotency) {
      const { scope, fingerprint, release } = ex.idempotency;
      // stored after the answer leaves, off the request's path: a retry in between finds the key
      // in progress (409, Retry-After 1) and then the stored answer
      const store = (
        release
          ? this.idempotency.release(scope, fingerprint)
          : this.idempotency.complete(scope, fingerprint, { status, headers: replayableHeaders(res), body })
      ).catch((err: unknown) => this.logger.error({ err }, 'storing the idempotent response failed'));
      const id = idempotencyId(scope);
      this.storing.set(id, store);
      void store.finally(() => {
        if (this.storing.get(id) === store) this.storing.delete(id);
      });
    }
    if (ex.tenantId && ex.appId) this.metrics.requests.inc({ app: ex.appId, tenant: ex.tenantId, status: String(status) });
    if (ex.signing && !res.headersSent) {
      try {
        const headers = this.signer.sign(ex.signing, { status, requestId: ex.requestId, requestNonce: ex.nonce, body, nowMs: Date.now() });
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      } catch (err) {
        this.logger.error({ err }, 'signing the response failed');
      }
    }
  }
}
