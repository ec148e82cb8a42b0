import { ApiError, APP_SCOPES, type AppScope } from '@countypay/contracts';
import { isTenantId, TENANT_HEADER } from '@countypay/tenancy';

/**
 * Who is calling a service, as the gateway (which authenticated the caller) vouches for it.
 * The gateway writes these headers with `actorHeaders`, every service reads them with
 * `actorFromHeaders` — the one definition of the internal contract.
 */
export const ACTOR_TYPES = ['app', 'county', 'province'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** A partner app, always within the one tenant it is registered under. */
export interface AppActor {
  readonly type: 'app';
  /** the app id (`app_…`) */
  readonly id: string;
  readonly appId: string;
  readonly tenantId: string;
  readonly partnerId: string;
  readonly scopes: readonly AppScope[];
}

/** A county bank's operator: acts within its own county only. */
export interface CountyActor {
  readonly type: 'county';
  readonly id: string;
  readonly tenantId: string;
}

/** A province operator: above every county; `tenantId` when the request names one. */
export interface ProvinceActor {
  readonly type: 'province';
  readonly id: string;
  readonly tenantId?: string;
}

export type Actor = AppActor | CountyActor | ProvinceActor;

/** The internal headers (never accepted from outside: the gateway drops them on arrival). */
export const ACTOR_HEADERS = {
  tenant: TENANT_HEADER,
  type: 'x-cp-actor-type',
  id: 'x-cp-actor-id',
  appId: 'x-cp-app-id',
  partnerId: 'x-cp-partner-id',
  scopes: 'x-cp-scopes',
} as const;

export const ACTOR_HEADER_NAMES: readonly string[] = Object.values(ACTOR_HEADERS);

type Headers = Record<string, string | string[] | undefined>;

function one(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

function forbidden(message: string, param?: string): ApiError {
  return new ApiError('forbidden_actor', message, param);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const APP_ID = /^app_[0-9a-z]{20}$/;
const OPERATOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KNOWN_SCOPES: ReadonlySet<string> = new Set(APP_SCOPES);

/** The headers that carry `actor` to a service (the gateway sets them after authentication). */
export function actorHeaders(actor: Actor): Record<string, string> {
  const h: Record<string, string> = { [ACTOR_HEADERS.type]: actor.type, [ACTOR_HEADERS.id]: actor.id };
  if (actor.tenantId) h[ACTOR_HEADERS.tenant] = actor.tenantId;
  if (actor.type === 'app') {
    h[ACTOR_HEADERS.appId] = actor.appId;
    h[ACTOR_HEADERS.partnerId] = actor.partnerId;
    h[ACTOR_HEADERS.scopes] = actor.scopes.join(',');
  }
  return h;
}

/**
 * Reads the actor from the gateway's headers; undefined when there is none. A malformed actor
 * is refused (403 forbidden_actor), a malformed tenant too (400 invalid_tenant).
 */
export function actorFromHeaders(headers: Headers): Actor | undefined {
  const type = one(headers, ACTOR_HEADERS.type);
  if (type === undefined) return undefined;
  const id = one(headers, ACTOR_HEADERS.id);
  if (!id) throw forbidden(`header ${ACTOR_HEADERS.id} is missing`, ACTOR_HEADERS.id);
  const tenant = one(headers, ACTOR_HEADERS.tenant);
  if (tenant !== undefined && !isTenantId(tenant))
    throw new ApiError('invalid_tenant', 'the tenant-id header must be t followed by six digits', ACTOR_HEADERS.tenant);
  switch (type) {
    case 'province':
      if (!OPERATOR_ID.test(id)) throw forbidden('the operator id is malformed', ACTOR_HEADERS.id);
      return { type, id, ...(tenant ? { tenantId: tenant } : {}) };
    case 'county':
      if (!OPERATOR_ID.test(id)) throw forbidden('the operator id is malformed', ACTOR_HEADERS.id);
      if (!tenant) throw forbidden('a county operator acts within its county: tenant-id is missing', ACTOR_HEADERS.tenant);
      return { type, id, tenantId: tenant };
    case 'app': {
      if (!tenant) throw forbidden('an app acts within its tenant: tenant-id is missing', ACTOR_HEADERS.tenant);
      const appId = one(headers, ACTOR_HEADERS.appId) ?? id;
      if (!APP_ID.test(appId) || appId !== id) throw forbidden('an app actor needs its app id', ACTOR_HEADERS.appId);
      const partnerId = one(headers, ACTOR_HEADERS.partnerId);
      if (!partnerId || !UUID.test(partnerId)) throw forbidden(`header ${ACTOR_HEADERS.partnerId} is not a partner id`, ACTOR_HEADERS.partnerId);
      const scopes = (one(headers, ACTOR_HEADERS.scopes) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s): s is AppScope => KNOWN_SCOPES.has(s));
      return { type, id, appId, tenantId: tenant, partnerId, scopes };
    }
    default:
      throw forbidden(`unknown actor type '${type.slice(0, 20)}'`, ACTOR_HEADERS.type);
  }
}

/** True when the actor may see objects of `tenantId` (the province sees every tenant). */
export function actorSeesTenant(actor: Actor, tenantId: string): boolean {
  return actor.type === 'province' || actor.tenantId === tenantId;
}

/**
 * The tenant a call acts in: the app's or county operator's own; for a province operator the
 * county the request names (tenant-id, set by the gateway from the path or X-CP-Tenant-Id).
 */
export function actorTenant(actor: Actor): string {
  if (actor.tenantId) return actor.tenantId;
  throw new ApiError('invalid_tenant', 'a province operator must name the county it acts in (X-CP-Tenant-Id header)', 'X-CP-Tenant-Id');
}

/** The app a call belongs to: the partner app's own id; operators act with no app (''). */
export function actorAppId(actor: Actor): string {
  return actor.type === 'app' ? actor.appId : '';
}

/** The (type, id) pair an audit record names. */
export function auditActor(actor: Actor): { actorType: ActorType; actorId: string } {
  return { actorType: actor.type, actorId: actor.id };
}

/** The actor of a route open to apps only (`@Authenticated({ actors: ['app'] … })`), typed. */
export function appActorOf(actor: Actor): AppActor {
  if (actor.type !== 'app') throw forbidden('this route is for partner apps');
  return actor;
}
