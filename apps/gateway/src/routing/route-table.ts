import { APP_SCOPES, OPENAPI_DOCUMENT, type AppScope } from '@countypay/contracts';
import { ACTOR_TYPES, type ActorType } from '@countypay/service-kit';

/**
 * The public API's routes, read from the published OpenAPI document (which the services'
 * controllers describe themselves: `npm run openapi`). The gateway routes exactly what the
 * document lists — nothing more, nothing less — and takes each route's access rule (actor types
 * and app scopes) and target service from it.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A service the gateway forwards to (a name of COUNTYPAY_SERVICE_URLS), or the gateway itself. */
export type RouteTarget = string;

export type RouteAccess = { kind: 'public' } | { kind: 'actors'; actors: readonly ActorType[]; scopes: readonly AppScope[] };

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI template: `{name}` is one path segment */
  path: string;
  access: RouteAccess;
  target: RouteTarget;
}

interface DocumentOperation {
  operationId: string;
  'x-actors'?: string[];
  'x-required-scopes'?: string[];
  'x-upstream-service'?: string;
}

interface RoutableDocument {
  paths: Record<string, Partial<Record<string, DocumentOperation>>>;
}

/** The routes of an OpenAPI document; refuses one it cannot route safely. */
export function routesOf(doc: RoutableDocument): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!op) continue;
      const method = m.toUpperCase() as HttpMethod;
      if (!HTTP_METHODS.includes(method)) throw new Error(`unsupported method ${m} on ${path}`);
      const target = op['x-upstream-service'];
      if (!target) throw new Error(`${op.operationId} names no x-upstream-service`);
      const actors = (op['x-actors'] ?? []).map((a) => {
        if (!(ACTOR_TYPES as readonly string[]).includes(a)) throw new Error(`${op.operationId}: unknown actor type ${a}`);
        return a as ActorType;
      });
      const scopes = (op['x-required-scopes'] ?? []).map((s) => {
        if (!(APP_SCOPES as readonly string[]).includes(s)) throw new Error(`${op.operationId}: unknown scope ${s}`);
        return s as AppScope;
      });
      if (actors.includes('app') && scopes.length === 0) throw new Error(`${op.operationId} admits apps but names no scope`);
      routes.push({ operationId: op.operationId, method, path, target, access: actors.length ? { kind: 'actors', actors, scopes } : { kind: 'public' } });
    }
  }
  return routes;
}

export interface RouteMatch {
  route: RouteSpec;
  /** template parameters, still percent-encoded as on the request line */
  params: Record<string, string>;
  /** the path the upstream service gets: the request path without `/v1` */
  upstreamPath: string;
}

interface CompiledRoute {
  route: RouteSpec;
  regex: RegExp;
  names: string[];
  /** per segment: true for a literal (a literal beats a parameter at the same place) */
  literals: boolean[];
}

function compile(route: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const literals: boolean[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(segment);
      literals.push(!m);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/?#]+)';
    })
    .join('/');
  return { route, regex: new RegExp(`^${pattern}$`), names, literals };
}

/** More literal segments earlier win: `/v1/qr/orders/{id}` before `/v1/qr/{kind}/{id}`. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.max(a.literals.length, b.literals.length); i++) {
    const x = a.literals[i] ?? false;
    const y = b.literals[i] ?? false;
    if (x !== y) return x ? -1 : 1;
  }
  return 0;
}

export class RouteTable {
  private readonly compiled: CompiledRoute[];

  constructor(readonly routes: readonly RouteSpec[] = routesOf(OPENAPI_DOCUMENT as unknown as RoutableDocument)) {
    this.compiled = routes.map(compile).sort(bySpecificity);
  }

  /** The route for a method and raw path, or why there is none. */
  match(method: string, path: string): RouteMatch | 'method_not_allowed' | 'route_not_found' {
    // dot segments (also percent-encoded) would be resolved by the upstream URL: never forward them
    if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return 'route_not_found';
    let pathKnown = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (c.route.method !== method.toUpperCase()) continue;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => (params[name] = m[i + 1]!));
      return { route: c.route, params, upstreamPath: path.replace(/^\/v1(?=\/)/, '') };
    }
    return pathKnown ? 'method_not_allowed' : 'route_not_found';
  }

  /** Methods allowed on a path (for the `Allow` header of a 405). */
  allowedMethods(path: string): HttpMethod[] {
    return HTTP_METHODS.filter((method) => typeof this.match(method, path) === 'object');
  }
}
