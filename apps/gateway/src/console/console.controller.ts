import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@countypay/contracts';
import { PlatformRoute, RequestId } from '@countypay/service-kit';
import { OperatorAuthService, type ConsoleSessionResult, type Operator } from '../auth/operator-auth.service';
import { ConsoleConfig } from './console.config';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, cookieValue, sameOrigin, setCookie } from './console-cookies';
import { ConsoleSignInBody } from './dto/console-session.dto';
import { TraceLinks } from './trace-links';

const SESSION_MAX_AGE_SECONDS = 12 * 3600;

interface SignedIn {
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
  operator: { operatorId: string; role: string; tenantId: string | null; name: string; username: string };
}

/**
 * The ops console's own API (ADR 0010): sign-in, the session, sign-out and the trace link. The
 * console's data comes from the documented `/v1` operator routes, which the gateway authenticates
 * with the same session cookie (GatewayMiddleware); the services decide what an operator sees.
 */
@Controller('console/api')
@PlatformRoute('the ops console: its own cookie session, CSRF token and Origin check')
export class ConsoleController {
  constructor(
    private readonly operators: OperatorAuthService,
    private readonly config: ConsoleConfig,
    private readonly traces: TraceLinks,
  ) {}

  @Post('session')
  @HttpCode(200)
  async signIn(@Body() body: ConsoleSignInBody, @Req() req: Request, @Res({ passthrough: true }) res: Response, @RequestId() requestId?: string) {
    this.assertSameOrigin(req);
    const answer = await this.operators.onboarding('/internal/console/sign-in', body, requestId ? { 'x-request-id': requestId } : {});
    const signedIn = this.passRefusal<SignedIn>(answer, res);
    const secure = this.secure(req);
    res.setHeader('Set-Cookie', [
      setCookie(SESSION_COOKIE, signedIn.sessionToken, { httpOnly: true, maxAge: SESSION_MAX_AGE_SECONDS, secure }),
      setCookie(CSRF_COOKIE, signedIn.csrfToken, { httpOnly: false, maxAge: SESSION_MAX_AGE_SECONDS, secure }),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    return { operator: signedIn.operator, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt, traceUiUrl: this.config.traceUiUrl };
  }

  @Get('session')
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const operator = await this.operatorOf(req, res);
    res.setHeader('Cache-Control', 'no-store');
    return { operator, csrfToken: cookieValue(req.headers.cookie, CSRF_COOKIE) ?? null, traceUiUrl: this.config.traceUiUrl };
  }

  @Delete('session')
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response, @RequestId() requestId?: string): Promise<void> {
    this.assertSameOrigin(req);
    await this.operatorOf(req, res); // the CSRF token of this unsafe request is checked (and the sign-out audited)
    const sessionToken = cookieValue(req.headers.cookie, SESSION_COOKIE)!;
    await this.operators.onboarding('/internal/console/sign-out', { sessionToken }, requestId ? { 'x-request-id': requestId } : {});
    const secure = this.secure(req);
    res.setHeader('Set-Cookie', [
      setCookie(SESSION_COOKIE, '', { httpOnly: true, maxAge: 0, secure }),
      setCookie(CSRF_COOKIE, '', { httpOnly: false, maxAge: 0, secure }),
    ]);
  }

  /**
   * The trace of a payment the operator may see: its order is read from qr-payment AS the operator
   * (another county's order is a 404 there), then the trace server is asked for the trace that
   * carries `payment.id`.
   */
  @Get('payments/trace')
  async paymentTrace(
    @Query('orderId') orderId: string | undefined,
    @Query('tenantId') tenantId: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const operator = await this.operatorOf(req, res);
    if (!orderId || !/^[0-9a-f-]{36}$/.test(orderId)) throw new ApiError('invalid_request', 'orderId must be a payment order id', 'orderId');
    await this.traces.assertVisible(operator, orderId, tenantId);
    return this.traces.find(orderId);
  }

  private async operatorOf(req: Request, res: Response): Promise<Operator> {
    const sessionToken = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!sessionToken) throw new ApiError('invalid_console_session', 'sign in to the console first');
    const csrf = req.headers[CSRF_HEADER];
    const result: ConsoleSessionResult = await this.operators.authenticateConsoleSession(
      { sessionToken, ...(typeof csrf === 'string' ? { csrfToken: csrf } : {}), method: req.method, path: req.path },
      {},
    );
    if (result.kind === 'ok') return result.operator;
    if (result.kind === 'refused') {
      res.status(result.status);
      throw this.refusal(result.body, result.status);
    }
    if (result.kind === 'timeout') throw new ApiError('upstream_timeout', 'the operator directory did not answer in time');
    if (result.kind === 'unavailable') throw new ApiError('service_unavailable', 'the operator directory is unavailable; retry later');
    throw new ApiError('invalid_console_session', 'sign in to the console first');
  }

  private passRefusal<T>(answer: Awaited<ReturnType<OperatorAuthService['onboarding']>>, res: Response): T {
    if (answer.kind === 'timeout') throw new ApiError('upstream_timeout', 'the operator directory did not answer in time');
    if (answer.kind === 'unavailable' || answer.status >= 500) throw new ApiError('service_unavailable', 'the operator directory is unavailable; retry later');
    if (answer.status !== 200) {
      res.status(answer.status);
      throw this.refusal(answer.body, answer.status);
    }
    return JSON.parse(answer.body.toString('utf8')) as T;
  }

  /** Onboarding's refusal (invalid_credentials, account_locked, invalid_csrf_token…) as the same API error. */
  private refusal(body: Buffer, status: number): ApiError {
    try {
      const e = (JSON.parse(body.toString('utf8')) as { error?: { code?: string; message?: string; param?: string } }).error;
      if (e?.code) return new ApiError(e.code as never, e.message ?? '', e.param);
    } catch {
      // fall through
    }
    return new ApiError(status === 401 ? 'invalid_console_session' : 'service_unavailable', 'the console session could not be checked');
  }

  private assertSameOrigin(req: Request): void {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (!sameOrigin(origin, req.headers.host)) throw new ApiError('invalid_csrf_token', 'a console request from another origin is refused', 'Origin');
  }

  private secure(req: Request): boolean {
    return this.config.secureCookies || req.protocol === 'https';
  }
}
