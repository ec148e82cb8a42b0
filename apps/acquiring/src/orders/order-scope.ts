import { actorAppId, actorTenant, type Actor } from '@countypay/service-kit';

/** Who is acting on orders: the tenant and, for partner apps, the app (orders are per app). */
export interface OrderScope {
  tenantId: string;
  /** '' for operators; a partner app sees and creates only its own orders */
  appId: string;
  /** operators (county, province) see every order of the tenant */
  seesAllApps: boolean;
}

export function orderScope(actor: Actor): OrderScope {
  return { tenantId: actorTenant(actor), appId: actorAppId(actor), seesAllApps: actor.type !== 'app' };
}
