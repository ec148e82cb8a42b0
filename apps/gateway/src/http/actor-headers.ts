/**
 * The internal headers that carry the authenticated actor to the services (common contract).
 * A caller may never set them: the gateway drops them on arrival and sets them after
 * authentication.
 */
export const ACTOR_HEADERS = ['tenant-id', 'x-cp-actor-type', 'x-cp-actor-id', 'x-cp-app-id', 'x-cp-partner-id', 'x-cp-scopes'] as const;
