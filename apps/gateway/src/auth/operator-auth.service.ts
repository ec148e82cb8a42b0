import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceAuth } from '@countypay/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { UpstreamClient } from '../proxy/upstream.client';

export interface Operator {
  operatorId: string;
  role: 'province' | 'county';
  tenantId?: string;
}

export type OperatorAuthResult = { kind: 'ok'; operator: Operator } | { kind: 'invalid' } | { kind: 'unavailable' } | { kind: 'timeout' };

/** A console session's answer: the operator, or onboarding's refusal (its status and error body) to pass on. */
export type ConsoleSessionResult = OperatorAuthResult | { kind: 'refused'; status: number; body: Buffer };

export const OPERATOR_TOKEN = /^cpo_[A-Za-z0-9_-]{8,200}$/;

function isOperator(v: unknown): v is Operator {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.operatorId === 'string' &&
    (o.role === 'province' || o.role === 'county') &&
    (o.tenantId === undefined || o.tenantId === null || typeof o.tenantId === 'string') &&
    (o.role !== 'county' || typeof o.tenantId === 'string')
  );
}

/**
 * Operators (`Authorization: Bearer cpo_…`) are authenticated by onboarding
 * (`POST /internal/operators/authenticate`); accepted tokens are cached briefly, keyed by the
 * token's SHA-256 (the token itself is never kept).
 */
@Injectable()
export class OperatorAuthService {
  private readonly cache = new Map<string, { operator: Operator; until: number }>();

  constructor(
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
    private readonly config: GatewayConfig,
    private readonly auth: ServiceAuth,
  ) {}

  /**
   * The ops console's cookie session, resolved by onboarding on every request (no cache: a
   * sign-out ends it at once); an unsafe request brings its CSRF token and is audited there.
   */
  async authenticateConsoleSession(
    session: { sessionToken: string; csrfToken?: string; method: string; path: string },
    headers: Record<string, string>,
  ): Promise<ConsoleSessionResult> {
    const result = await this.onboarding('/internal/console/session', session, headers);
    if (result.kind !== 'response') return result;
    const { status, body } = result;
    if (status !== 200) return status >= 500 ? { kind: 'unavailable' } : { kind: 'refused', status, body };
    let parsed: unknown;
    try {
      parsed = (JSON.parse(body.toString('utf8')) as { operator?: unknown }).operator;
    } catch {
      return { kind: 'unavailable' };
    }
    const o = parsed as { operatorId?: unknown; role?: unknown; tenantId?: unknown };
    const candidate = { operatorId: o?.operatorId, role: o?.role, ...(typeof o?.tenantId === 'string' ? { tenantId: o.tenantId } : {}) };
    return isOperator(candidate) ? { kind: 'ok', operator: candidate } : { kind: 'unavailable' };
  }

  /** A call of one of onboarding's internal console routes, with the gateway's service assertion. */
  async onboarding(
    path: string,
    body: object,
    headers: Record<string, string>,
  ): Promise<{ kind: 'response'; status: number; body: Buffer } | { kind: 'timeout' } | { kind: 'unavailable' }> {
    const result = await this.upstream.forward({
      service: 'onboarding',
      method: 'POST',
      path,
      query: '',
      headers: { ...headers, ...this.auth.assertionHeader('onboarding'), 'content-type': 'application/json', accept: 'application/json' },
      body: Buffer.from(JSON.stringify(body), 'utf8'),
    });
    if (result.kind === 'timeout') return { kind: 'timeout' };
    if (result.kind !== 'response') return { kind: 'unavailable' };
    return { kind: 'response', status: result.response.status, body: result.response.body };
  }

  async authenticate(token: string, headers: Record<string, string>): Promise<OperatorAuthResult> {
    if (!OPERATOR_TOKEN.test(token)) return { kind: 'invalid' };
    const key = createHash('sha256').update(token, 'utf8').digest('hex');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return { kind: 'ok', operator: hit.operator };
    const result = await this.upstream.forward({
      service: 'onboarding',
      method: 'POST',
      path: '/internal/operators/authenticate',
      query: '',
      headers: { ...headers, ...this.auth.assertionHeader('onboarding'), 'content-type': 'application/json', accept: 'application/json' },
      body: Buffer.from(JSON.stringify({ token }), 'utf8'),
    });
    if (result.kind !== 'response') return { kind: result.kind === 'timeout' ? 'timeout' : 'unavailable' };
    const { status, body } = result.response;
    if (status === 401 || status === 403 || status === 404) {
      this.cache.delete(key);
      return { kind: 'invalid' };
    }
    if (status !== 200 && status !== 201) return { kind: 'unavailable' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { kind: 'unavailable' };
    }
    if (!isOperator(parsed)) return { kind: 'unavailable' };
    const operator: Operator = { operatorId: parsed.operatorId, role: parsed.role, ...(parsed.tenantId ? { tenantId: parsed.tenantId } : {}) };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { operator, until: now + this.config.GATEWAY_OPERATOR_CACHE_SECONDS * 1000 });
    return { kind: 'ok', operator };
  }
}
