/**
 * The header that carries the tenant: on internal HTTP calls (set by the gateway after it has
 * authenticated the partner app, never taken from a partner) and on every Kafka message.
 */
export const TENANT_HEADER = 'tenant-id';
