import { ApiError } from '@countypay/contracts';
import { isTenantId, TENANT_HEADER } from '@countypay/tenancy';

export const ACTOR_TYPES = ['app', 'province', 'county'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who is calling, as the gateway vouches for it in the internal headers (see common brief). */
export type Actor =
  | { type: 'province'; id: string; tenantId?: string }
  | { type: 'county'; id: string; tenantId: string }
  | { type: 'app'; id: string; tenantId: string; appId: string; partnerId: string; scopes: readonly string[] };

export const ACTOR_HEADERS = {
  type: 'x-cp-actor-type',
  id: 'x-cp-actor-id',
  appId: 'x-cp-app-id',
  partnerId: 'x-cp-partner-id',
  scopes: 'x-cp-scopes',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Headers = Record<string, string | string[] | undefined>;

function one(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

function forbidden(message: string): ApiError {
  return new ApiError('forbidden_actor', message);
}

/**
 * Reads the actor from the gateway's headers; undefined when there is none. Apps and county
 * operators always act within their tenant (`tenant-id`); a province operator may name one.
 */
export function actorFromHeaders(headers: Headers): Actor | undefined {
  const type = one(headers, ACTOR_HEADERS.type);
  if (type === undefined) return undefined;
  const id = one(headers, ACTOR_HEADERS.id);
  if (!id) throw forbidden(`header ${ACTOR_HEADERS.id} is missing`);
  const tenant = one(headers, TENANT_HEADER);
  if (tenant !== undefined && !isTenantId(tenant)) throw new ApiError('invalid_tenant', 'the tenant-id header must be t followed by six digits', 'tenant-id');
  switch (type) {
    case 'province':
      return { type, id, ...(tenant ? { tenantId: tenant } : {}) };
    case 'county':
      if (!tenant) throw forbidden('a county operator acts within its tenant: tenant-id is missing');
      return { type, id, tenantId: tenant };
    case 'app': {
      if (!tenant) throw forbidden('an app acts within its tenant: tenant-id is missing');
      const partnerId = one(headers, ACTOR_HEADERS.partnerId);
      if (!partnerId) throw forbidden(`header ${ACTOR_HEADERS.partnerId} is missing`);
      if (!UUID.test(partnerId)) throw forbidden(`header ${ACTOR_HEADERS.partnerId} is not a partner id`);
      const scopes = (one(headers, ACTOR_HEADERS.scopes) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      return { type, id, tenantId: tenant, appId: one(headers, ACTOR_HEADERS.appId) ?? id, partnerId, scopes };
    }
    default:
      throw forbidden(`unknown actor type '${type.slice(0, 20)}'`);
  }
}

/** True when the actor may see objects of `tenantId` (the province sees every tenant). */
export function actorSeesTenant(actor: Actor, tenantId: string): boolean {
  return actor.type === 'province' || actor.tenantId === tenantId;
}

/** The (type, id) pair recorded in the audit log. */
export function auditActor(actor: Actor): { actorType: ActorType; actorId: string } {
  return { actorType: actor.type, actorId: actor.id };
}
